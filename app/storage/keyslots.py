"""Key slots: who can open the store, and who may act as a team leader.

Two random keys exist per *generation*: the database key (SQLCipher) and the team-leader key.
Each worker's slot holds an X25519 key pair whose private half is wrapped under their passphrase
(Argon2id; the recovery slot: HKDF of the recovery key). A *grant* seals the keys of one
generation to one slot's public key: workers get the database key, team leaders and the
recovery slot the database key and the team-leader key. So:

- a role is a key, not a column: team-leader authority needs the team-leader key, which only
  team leaders' grants hold; the roster (names, roles, public keys) is authenticated with it
  (HMAC), so a role edited in the database or in this file is found at the next unlock;
- re-keying (after a worker is removed, or on demand) needs no passphrase: new keys are sealed to
  every remaining slot's public key, the database is re-encrypted (``rekey.py``), and a removed
  worker's old copy of this file opens only keys that no longer open anything.

The file holds usernames, public keys and ciphertext only; every slot and grant carries a
SHA-256 of its fields so damage is told apart from a wrong passphrase. See docs/security.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path

from app.errors import UserFacingError
from app.storage import keycrypto as kc
from app.storage.damage import StoreDamaged
from app.storage.fsutil import atomic_write
from app.storage.passphrase import MIN_PASSPHRASE_LENGTH, check_passphrase_strength

__all__ = ["MIN_PASSPHRASE_LENGTH", "check_passphrase_strength"]

SLOT_FILE_VERSION = 2
RECOVERY_SLOT = "__recovery__"
TEAM_LEADER, WORKER = "team_leader", "worker"
KEY_BYTES = 32
# About 0.15-0.3 s and 64 MiB on a custody-suite PC: slow for a guesser, unnoticed by a worker.
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


def _digest(obj: object) -> str:
    body = {k: v for k, v in asdict(obj).items() if k != "check"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()


@dataclass
class Slot:
    name: str  # username, or RECOVERY_SLOT
    kdf: str  # "argon2id" | "hkdf-sha256"
    kdf_params: dict
    salt: str
    nonce: str
    wrapped_private: str  # the slot's X25519 private key, AES-GCM, the name as associated data
    public_key: str
    check: str | None = None


@dataclass
class Grant:
    name: str
    generation: int
    ephemeral: str
    nonce: str
    sealed: str  # database key, or database key + team-leader key
    check: str | None = None

    def context(self) -> bytes:
        return f"cjit-grant|{self.name}|{self.generation}".encode()


@dataclass(frozen=True)
class Keys:
    generation: int
    db_key: bytes = field(repr=False)  # never in a log line or a traceback
    tl_key: bytes | None = field(default=None, repr=False)  # team leaders' and recovery's only

    @classmethod
    def fresh(cls, generation: int) -> Keys:
        return cls(generation, os.urandom(KEY_BYTES), os.urandom(KEY_BYTES))


@dataclass
class Opened:
    """What a passphrase opened: the slot's private key and the keys of each generation it was
    granted, newest first (two only while a re-key is unfinished)."""

    name: str
    private: bytes = field(repr=False)
    keys: list[Keys] = field(default_factory=list)


def new_recovery_key() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(32))  # 160 bits
    return "-".join(raw[i : i + 4] for i in range(0, 32, 4))


def normalise_recovery_key(text: str) -> bytes:
    return "".join(ch for ch in text.upper() if ch.isalnum()).encode("ascii", "ignore")


def slot_damaged(name: str, path: Path) -> SlotDamaged:
    if name == RECOVERY_SLOT:
        return SlotDamaged(
            f"The recovery key's slot in {path} is damaged, so the recovery key cannot be "
            "checked (this try did not count as a wrong key). Sign in with a team leader's "
            "passphrase instead and issue a new recovery key, or ask IT to restore "
            "keyslots.json from backup."
        )
    return SlotDamaged(
        f"The key slot of '{name}' in {path} is damaged, so it cannot check the passphrase: "
        "this is not a wrong passphrase and does not count towards the lock-out. Ask a team "
        "leader to reset your passphrase (that writes a new slot), or IT to restore "
        "keyslots.json from backup."
    )


def make_slot(name: str, secret: bytes, kdf: str, params: dict) -> tuple[Slot, bytes]:
    """A new slot with a new key pair; returns it and its private key."""
    private, public = kc.new_keypair()
    salt = os.urandom(16)
    nonce, wrapped = kc.encrypt(kc.derive(kdf, params, secret, salt), private, name.encode())
    slot = Slot(
        name, kdf, dict(params), kc.b64(salt), kc.b64(nonce), kc.b64(wrapped), kc.b64(public)
    )
    slot.check = _digest(slot)
    return slot, private


def rewrap_slot(slot: Slot, private: bytes, secret: bytes, kdf: str, params: dict) -> Slot:
    """The same key pair under a new passphrase (a worker changing their own passphrase)."""
    salt = os.urandom(16)
    nonce, wrapped = kc.encrypt(kc.derive(kdf, params, secret, salt), private, slot.name.encode())
    new = Slot(
        slot.name, kdf, dict(params), kc.b64(salt), kc.b64(nonce), kc.b64(wrapped), slot.public_key
    )
    new.check = _digest(new)
    return new


def open_slot(slot: Slot, secret: bytes, path: Path) -> bytes:
    """The slot's private key, or WrongPassphrase; damage is SlotDamaged, never a wrong try."""
    try:
        salt, nonce, wrapped = (
            kc.unb64(slot.salt),
            kc.unb64(slot.nonce),
            kc.unb64(slot.wrapped_private),
        )
        wrapping = kc.derive(slot.kdf, slot.kdf_params, secret, salt)
        return kc.decrypt(wrapping, nonce, wrapped, slot.name.encode())
    except kc.BadCiphertext:
        raise WrongPassphrase("The passphrase is wrong.") from None
    except (ValueError, TypeError):  # not base64, wrong lengths, odd parameters: damage
        raise slot_damaged(slot.name, path) from None


def make_grant(slot: Slot, keys: Keys, role: str) -> Grant:
    payload = keys.db_key + (keys.tl_key if role != WORKER and keys.tl_key else b"")
    grant = Grant(slot.name, keys.generation, "", "", "")
    eph, nonce, sealed = kc.seal(kc.unb64(slot.public_key), payload, grant.context())
    grant.ephemeral, grant.nonce, grant.sealed = kc.b64(eph), kc.b64(nonce), kc.b64(sealed)
    grant.check = _digest(grant)
    return grant


def open_grant(grant: Grant, private: bytes) -> Keys:
    payload = kc.unseal(
        private,
        kc.unb64(grant.ephemeral),
        kc.unb64(grant.nonce),
        kc.unb64(grant.sealed),
        grant.context(),
    )
    tl_key = payload[KEY_BYTES:] or None
    return Keys(grant.generation, payload[:KEY_BYTES], tl_key)


def digest_ok(obj: Slot | Grant) -> bool:
    return obj.check is not None and obj.check == _digest(obj)


def write_file(path: Path, doc: dict) -> None:
    # Durable and atomic: a power cut leaves the old file or the new one (fsutil).
    atomic_write(path, json.dumps(doc, indent=1).encode("utf-8"))


def __getattr__(name: str):  # noqa: ANN202 - PEP 562
    # The slot file itself (load, save, roster, operations) is in slotfile.py, which imports
    # this module; ``keyslots.KeySlotFile`` still works.
    if name == "KeySlotFile":
        from app.storage.slotfile import KeySlotFile

        return KeySlotFile
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
