"""Key slots: the random database key, wrapped once per worker and once for the recovery key.

The database key (256 random bits) never touches disk in plaintext. Each worker's passphrase
derives a wrapping key with Argon2id; AES-GCM wraps the database key under it. Adding or removing a
worker adds or removes a slot; the database is never re-encrypted. The recovery key (shown once at
set-up, printed and kept by the team leader) is high-entropy, so HKDF suffices to derive its
wrapping key. The slot file holds usernames and ciphertext only: it is useless without a passphrase.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from app.errors import UserFacingError

SLOT_FILE_VERSION = 1
RECOVERY_SLOT = "__recovery__"
MIN_PASSPHRASE_LENGTH = 10
# About 0.15 s and 64 MiB on a custody-suite PC: slow for a guesser, unnoticed by a worker.
ARGON2_PARAMS = {"time_cost": 3, "memory_cost": 65536, "parallelism": 2}
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: it is read off paper


class KeySlotError(UserFacingError):
    """A message a worker or IT can act on."""


class WrongPassphrase(KeySlotError):
    pass


class UnknownWorker(KeySlotError):
    pass


@dataclass
class Slot:
    name: str  # username, or RECOVERY_SLOT
    kdf: str  # "argon2id" | "hkdf-sha256"
    kdf_params: dict
    salt: str
    nonce: str
    wrapped_key: str


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def check_passphrase_strength(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise KeySlotError(
            f"The passphrase is too short: use at least {MIN_PASSPHRASE_LENGTH} characters "
            "(a few unrelated words are easy to remember and hard to guess)."
        )


def _derive(kdf: str, params: dict, secret: bytes, salt: bytes) -> bytes:
    # Imported here: the unlock window lists workers from this file before any key work.
    from argon2.low_level import Type, hash_secret_raw
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    if kdf == "argon2id":
        return hash_secret_raw(secret, salt, hash_len=32, type=Type.ID, **params)
    if kdf == "hkdf-sha256":
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"cjit-recovery").derive(
            secret
        )
    raise KeySlotError(f"The key slot file uses an unknown key derivation '{kdf}'.")


def _wrap(name: str, kdf: str, params: dict, secret: bytes, db_key: bytes) -> Slot:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = os.urandom(16), os.urandom(12)
    wrapping = _derive(kdf, params, secret, salt)
    # The slot name is bound as associated data: a slot copied under another name will not open.
    wrapped = AESGCM(wrapping).encrypt(nonce, db_key, name.encode("utf-8"))
    return Slot(name, kdf, dict(params), _b64(salt), _b64(nonce), _b64(wrapped))


def _unwrap(slot: Slot, secret: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    wrapping = _derive(slot.kdf, slot.kdf_params, secret, _unb64(slot.salt))
    try:
        return AESGCM(wrapping).decrypt(
            _unb64(slot.nonce), _unb64(slot.wrapped_key), slot.name.encode("utf-8")
        )
    except InvalidTag:
        raise WrongPassphrase("The passphrase is wrong.") from None


def new_recovery_key() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(32))  # 160 bits
    return "-".join(raw[i : i + 4] for i in range(0, 32, 4))


def _normalise_recovery_key(text: str) -> bytes:
    return "".join(ch for ch in text.upper() if ch.isalnum()).encode("ascii", "ignore")


class KeySlotFile:
    def __init__(self, path: Path, slots: dict[str, Slot]):
        self.path = path
        self.slots = slots

    @classmethod
    def load(cls, path: Path) -> KeySlotFile:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise KeySlotError(
                f"No CJIT Desk data was found in {path.parent}. Run the set-up first, "
                "or check the data directory setting."
            ) from None
        except (ValueError, UnicodeDecodeError):
            raise KeySlotError(
                f"The key slot file {path} is damaged. Restore it from backup or use the recovery key."
            ) from None
        if doc.get("version") != SLOT_FILE_VERSION:
            raise KeySlotError(
                f"The key slot file {path} is from a newer CJIT Desk; update the app."
            )
        return cls(path, {s["name"]: Slot(**s) for s in doc["slots"]})

    @classmethod
    def create(cls, path: Path, db_key: bytes) -> tuple[KeySlotFile, str]:
        """A new slot file with only the recovery slot; returns the recovery key to show once."""
        recovery_key = new_recovery_key()
        slots = cls(path, {})
        slots.slots[RECOVERY_SLOT] = _wrap(
            RECOVERY_SLOT, "hkdf-sha256", {}, _normalise_recovery_key(recovery_key), db_key
        )
        return slots, recovery_key

    def save(self) -> None:
        doc = {"version": SLOT_FILE_VERSION, "slots": [asdict(s) for s in self.slots.values()]}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(doc, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)  # atomic: a power cut leaves the old file or the new one

    def usernames(self) -> list[str]:
        return sorted(n for n in self.slots if n != RECOVERY_SLOT)

    def set_worker(self, username: str, passphrase: str, db_key: bytes) -> None:
        check_passphrase_strength(passphrase)
        self.slots[username] = _wrap(
            username, "argon2id", ARGON2_PARAMS, passphrase.encode("utf-8"), db_key
        )

    def remove_worker(self, username: str) -> None:
        self.slots.pop(username, None)

    def unlock(self, username: str, passphrase: str) -> bytes:
        slot = self.slots.get(username)
        if slot is None or username == RECOVERY_SLOT:
            raise UnknownWorker(f"There is no worker called '{username}' on this workstation.")
        return _unwrap(slot, passphrase.encode("utf-8"))

    def unlock_with_recovery_key(self, recovery_key: str) -> bytes:
        try:
            return _unwrap(self.slots[RECOVERY_SLOT], _normalise_recovery_key(recovery_key))
        except WrongPassphrase:
            raise WrongPassphrase(
                "The recovery key is wrong. It is 32 letters and digits in groups of four."
            ) from None
