"""Key slots: the random database key, wrapped once per worker and once for the recovery key.

The database key (256 random bits) never touches disk in plaintext. Each worker's passphrase
derives a wrapping key with Argon2id; AES-GCM wraps the database key under it. Adding or removing a
worker adds or removes a slot; the database is never re-encrypted. The recovery key (shown once at
set-up, printed and kept by the team leader) is high-entropy, so HKDF suffices to derive its
wrapping key. The slot file holds usernames and ciphertext only: it is useless without a passphrase.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from app.errors import UserFacingError
from app.storage.damage import StoreDamaged
from app.storage.fsutil import atomic_write

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


class SlotDamaged(StoreDamaged, KeySlotError):
    """A slot whose bytes changed: it cannot tell a right passphrase from a wrong one."""


SLOT_FILE_DAMAGED = (
    "The key slot file {path} is damaged, so nobody can sign in on this workstation. Nothing "
    "was changed, and no try counts as a wrong passphrase. Tell your team leader and call IT: "
    "restore keyslots.json from the backup of this data folder taken with its database "
    "(cjit.db); if there is none, set the workstation up again: records already synced come "
    "back from the central store."
)


@dataclass
class Slot:
    name: str  # username, or RECOVERY_SLOT
    kdf: str  # "argon2id" | "hkdf-sha256"
    kdf_params: dict
    salt: str
    nonce: str
    wrapped_key: str
    check: str | None = None  # SHA-256 of the fields above: tells damage from a wrong passphrase

    def digest(self) -> str:
        body = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "check"}
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


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
    slot = Slot(name, kdf, dict(params), _b64(salt), _b64(nonce), _b64(wrapped))
    slot.check = slot.digest()
    return slot


def _unwrap(slot: Slot, secret: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        salt, nonce, wrapped = _unb64(slot.salt), _unb64(slot.nonce), _unb64(slot.wrapped_key)
        wrapping = _derive(slot.kdf, slot.kdf_params, secret, salt)
        cipher = AESGCM(wrapping)
    except (ValueError, TypeError):  # not base64, wrong lengths, odd parameters: damage
        raise _slot_damaged(slot.name, Path("keyslots.json")) from None
    try:
        return cipher.decrypt(nonce, wrapped, slot.name.encode("utf-8"))
    except InvalidTag:
        raise WrongPassphrase("The passphrase is wrong.") from None
    except ValueError:  # e.g. a nonce of the wrong length
        raise _slot_damaged(slot.name, Path("keyslots.json")) from None


def new_recovery_key() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(32))  # 160 bits
    return "-".join(raw[i : i + 4] for i in range(0, 32, 4))


def _normalise_recovery_key(text: str) -> bytes:
    return "".join(ch for ch in text.upper() if ch.isalnum()).encode("ascii", "ignore")


def _slot_damaged(name: str, path: Path) -> SlotDamaged:
    if name == RECOVERY_SLOT:
        return SlotDamaged(
            f"The recovery key's slot in {path} is damaged, so the recovery key cannot be "
            "checked (this try did not count as a wrong key). Sign in with a team leader's "
            "passphrase instead, and ask IT to restore keyslots.json from backup."
        )
    return SlotDamaged(
        f"The key slot of '{name}' in {path} is damaged, so it cannot check the passphrase: "
        "this is not a wrong passphrase and does not count towards the lock-out. Ask a team "
        "leader to reset your passphrase (that writes a new slot), or IT to restore "
        "keyslots.json from backup."
    )


def _parse(path: Path, raw: bytes) -> tuple[dict[str, Slot], set[str], bytes | None]:
    doc = json.loads(raw.decode("utf-8"))
    if doc.get("version") != SLOT_FILE_VERSION:
        raise KeySlotError(f"The key slot file {path} is from a newer CJIT Desk; update the app.")
    slots, damaged = {}, set()
    for entry in doc["slots"]:
        try:
            slot = Slot(**entry)
        except TypeError:  # a field name or type was damaged: only this slot is lost
            name = entry.get("name") if isinstance(entry, dict) else None
            if not isinstance(name, str):
                raise
            slot = Slot(name, "damaged", {}, "", "", "")
            damaged.add(name)
        slots[slot.name] = slot
        if slot.check is not None and slot.check != slot.digest():
            damaged.add(slot.name)
    db_salt = doc.get("db_salt")
    if db_salt is not None and doc.get("db_salt_check") != _salt_check(db_salt):
        db_salt = None  # a damaged record of the salt only loses the swap-or-damage hint
    return slots, damaged, None if db_salt is None else _unb64(db_salt)


def _salt_check(db_salt: str) -> str:
    return hashlib.sha256(f"cjit-db-salt:{db_salt}".encode("ascii")).hexdigest()


class KeySlotFile:
    def __init__(self, path: Path, slots: dict[str, Slot]):
        self.path = path
        self.slots = slots
        self.damaged: set[str] = set()
        # The database's salt when this file was written: a database that the slot's key does
        # not open is then either damaged (same salt) or from another set-up (another salt).
        self.db_salt: bytes | None = None
        self.legacy = False  # written before checks existed: saved again at the next unlock

    @classmethod
    def load(cls, path: Path) -> KeySlotFile:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise KeySlotError(
                f"No CJIT Desk data was found in {path.parent}. Run the set-up first, "
                "or check the data directory setting."
            ) from None
        try:
            slots, damaged, db_salt = _parse(path, raw)
        except KeySlotError:
            raise
        except (ValueError, UnicodeDecodeError, KeyError, TypeError, AttributeError):
            raise StoreDamaged(SLOT_FILE_DAMAGED.format(path=path)) from None
        loaded = cls(path, slots)
        loaded.damaged, loaded.db_salt = damaged, db_salt
        loaded.legacy = db_salt is None or any(s.check is None for s in slots.values())
        return loaded

    @classmethod
    def create(cls, path: Path, db_key: bytes) -> tuple[KeySlotFile, str]:
        """A new slot file with only the recovery slot; returns the recovery key to show once."""
        slots = cls(path, {})
        return slots, slots.new_recovery_key(db_key)

    def new_recovery_key(self, db_key: bytes) -> str:
        """Replace the recovery slot: the old recovery key stops working at once."""
        recovery_key = new_recovery_key()
        self.slots[RECOVERY_SLOT] = _wrap(
            RECOVERY_SLOT, "hkdf-sha256", {}, _normalise_recovery_key(recovery_key), db_key
        )
        self.damaged.discard(RECOVERY_SLOT)
        return recovery_key

    def save(self) -> None:
        for slot in self.slots.values():
            if slot.name not in self.damaged:
                slot.check = slot.digest()
        doc: dict = {"version": SLOT_FILE_VERSION}
        if self.db_salt is not None:
            salt = _b64(self.db_salt)
            doc.update(db_salt=salt, db_salt_check=_salt_check(salt))
        doc["slots"] = [asdict(s) for s in self.slots.values()]
        # Durable and atomic: a power cut leaves the old file or the new one (fsutil).
        atomic_write(self.path, json.dumps(doc, indent=1).encode("utf-8"))
        self.legacy = False

    def usernames(self) -> list[str]:
        return sorted(n for n in self.slots if n != RECOVERY_SLOT)

    def set_worker(self, username: str, passphrase: str, db_key: bytes) -> None:
        check_passphrase_strength(passphrase)
        self.slots[username] = _wrap(
            username, "argon2id", ARGON2_PARAMS, passphrase.encode("utf-8"), db_key
        )
        self.damaged.discard(username)

    def remove_worker(self, username: str) -> None:
        self.slots.pop(username, None)
        self.damaged.discard(username)

    def check_intact(self, name: str) -> None:
        """Raise SlotDamaged (not WrongPassphrase) before a damaged slot is tried."""
        if name in self.damaged:
            raise _slot_damaged(name, self.path)

    def unlock(self, username: str, passphrase: str) -> bytes:
        slot = self.slots.get(username)
        if slot is None or username == RECOVERY_SLOT:
            hint = ""
            if self.damaged - {RECOVERY_SLOT}:
                hint = (
                    " (The key slot file also has a damaged slot, named "
                    f"{', '.join(sorted(self.damaged - {RECOVERY_SLOT}))}: if that was yours, "
                    "ask a team leader to reset your passphrase.)"
                )
            raise UnknownWorker(
                f"There is no worker called '{username}' on this workstation.{hint}"
            )
        self.check_intact(username)
        return _unwrap(slot, passphrase.encode("utf-8"))

    def unlock_with_recovery_key(self, recovery_key: str) -> bytes:
        self.check_intact(RECOVERY_SLOT)
        try:
            return _unwrap(self.slots[RECOVERY_SLOT], _normalise_recovery_key(recovery_key))
        except WrongPassphrase:
            raise WrongPassphrase(
                "The recovery key is wrong. It is 32 letters and digits in groups of four."
            ) from None
