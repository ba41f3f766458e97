"""keyslots.json: slots, grants and the roster, read and written as one durable document."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from app.storage import keycrypto as kc
from app.storage.damage import StoreDamaged
from app.storage.keyslots import (
    ARGON2_PARAMS,
    RECOVERY_SLOT,
    SLOT_FILE_DAMAGED,
    SLOT_FILE_VERSION,
    TEAM_LEADER,
    WORKER,
    Grant,
    Keys,
    KeySlotError,
    Opened,
    Slot,
    UnknownWorker,
    WrongPassphrase,
    check_passphrase_strength,
    digest_ok,
    make_grant,
    make_slot,
    new_recovery_key,
    normalise_recovery_key,
    open_grant,
    open_slot,
    rewrap_slot,
    slot_damaged,
    write_file,
)

RECOVERY_ROLE = "recovery"  # acts as a team leader


def _sha(obj: object) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode("utf-8")).hexdigest()


def _roster_message(generation: int, members: dict, tl_public_key: str) -> bytes:
    body = {"generation": generation, "members": members, "tl_public_key": tl_public_key}
    return b"cjit-roster-v1\n" + json.dumps(body, sort_keys=True).encode()


class KeySlotFile:
    def __init__(self, path: Path):
        self.path = path
        self.slots: dict[str, Slot] = {}
        self.grants: list[Grant] = []
        self.members: dict[str, dict] = {}  # name -> {"role", "public_key"}
        self.generation = 1  # of the newest keys; older grants = a re-key not yet finished
        self.tl_public_key = ""  # the team-leader key's public half; it signs the roster
        self.signature = ""
        self.damaged: set[str] = set()
        self.roster_damaged = False
        # The database's salt when this file was written: a database that an authentic key
        # does not open is then damaged (same salt) or from another set-up (another salt).
        self.db_salt: bytes | None = None

    # --- reading and writing ---------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> KeySlotFile:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise KeySlotError(
                f"No CJIT Desk data was found in {path.parent}. Run the set-up first, "
                "or check the data directory setting."
            ) from None
        loaded = cls(path)
        try:
            loaded._parse(json.loads(raw.decode("utf-8")))
        except KeySlotError:
            raise
        except (ValueError, UnicodeDecodeError, KeyError, TypeError, AttributeError):
            raise StoreDamaged(SLOT_FILE_DAMAGED.format(path=path)) from None
        return loaded

    def _parse(self, doc: dict) -> None:
        version = doc.get("version")
        if version == 1:
            raise KeySlotError(
                f"The key slot file {self.path} was made by a development build of CJIT Desk "
                "0.1 (format 1, before roles were bound to keys). Set this workstation up "
                "again in an empty data folder; its synced records come back from the central "
                "store at the first sync."
            )
        if version != SLOT_FILE_VERSION:
            raise KeySlotError(
                f"The key slot file {self.path} is from a newer CJIT Desk; update the app."
            )
        for entry in doc["slots"]:
            self._add_parsed(entry, Slot, self.slots)
        for entry in doc["grants"]:
            grant = Grant(**entry)
            self.grants.append(grant)
            if not digest_ok(grant):
                self.damaged.add(grant.name)
        roster = doc["roster"]
        self.generation, self.members = roster["generation"], roster["members"]
        self.tl_public_key, self.signature = roster["tl_public_key"], roster["signature"]
        self.roster_damaged = roster.get("check") != self._roster_check()
        salt = doc.get("db_salt")
        if salt is not None and doc.get("db_salt_check") == _sha(["db_salt", salt]):
            self.db_salt = kc.unb64(salt)

    def _add_parsed(self, entry: object, kind: type, into: dict) -> None:
        try:
            item = kind(**entry)
        except TypeError:  # a field name or type was damaged: only this slot is lost
            name = entry.get("name") if isinstance(entry, dict) else None
            if not isinstance(name, str):
                raise
            item = Slot(name, "damaged", {}, "", "", "", "")
        into[item.name] = item
        if not digest_ok(item):
            self.damaged.add(item.name)

    def save(self) -> None:
        doc: dict = {"version": SLOT_FILE_VERSION}
        if self.db_salt is not None:
            salt = kc.b64(self.db_salt)
            doc.update(db_salt=salt, db_salt_check=_sha(["db_salt", salt]))
        doc["roster"] = {
            "generation": self.generation,
            "members": self.members,
            "tl_public_key": self.tl_public_key,
            "signature": self.signature,
            "check": self._roster_check(),
        }
        doc["slots"] = [asdict(s) for s in self.slots.values()]
        doc["grants"] = [asdict(g) for g in self.grants]
        write_file(self.path, doc)

    # --- opening -------------------------------------------------------------------------------

    def usernames(self) -> list[str]:
        return sorted(n for n in self.slots if n != RECOVERY_SLOT)

    def check_intact(self, name: str) -> None:
        """Raise SlotDamaged (not WrongPassphrase) before a damaged slot is tried."""
        if name in self.damaged:
            raise slot_damaged(name, self.path)

    def _open(self, name: str, secret: bytes) -> Opened:
        slot = self.slots[name]
        self.check_intact(name)
        opened = Opened(name, open_slot(slot, secret, self.path))
        for grant in sorted(self.grants, key=lambda g: -g.generation):
            if grant.name == name:
                try:
                    opened.keys.append(open_grant(grant, opened.private))
                except (kc.BadCiphertext, ValueError):
                    raise slot_damaged(name, self.path) from None
        if not opened.keys:
            raise slot_damaged(name, self.path)
        return opened

    def unlock(self, username: str, passphrase: str) -> Opened:
        if username not in self.slots or username == RECOVERY_SLOT:
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
        return self._open(username, passphrase.encode("utf-8"))

    def unlock_with_recovery_key(self, recovery_key: str) -> Opened:
        try:
            return self._open(RECOVERY_SLOT, normalise_recovery_key(recovery_key))
        except WrongPassphrase:
            raise WrongPassphrase(
                "The recovery key is wrong. It is 32 letters and digits in groups of four."
            ) from None

    # --- the roster: who is a team leader ---------------------------------------------------

    def _roster_check(self) -> str:
        return _sha([self.generation, self.members, self.tl_public_key, self.signature])

    def roster_authentic(self) -> bool:
        """Signed by the key it names. Whether that key is the store's own is told by the
        audit log, which names it (``tl_fingerprint``): see unlock._reconcile."""
        try:
            message = _roster_message(self.generation, self.members, self.tl_public_key)
            public, signature = kc.unb64(self.tl_public_key), kc.unb64(self.signature)
        except ValueError:
            return False
        return not self.roster_damaged and kc.signature_ok(public, message, signature)

    @property
    def tl_fingerprint(self) -> str:
        try:
            return kc.fingerprint(kc.unb64(self.tl_public_key))
        except ValueError:
            return ""

    def role_of(self, opened: Opened) -> tuple[str, str | None]:
        """The role this slot's keys prove, and a problem found on the way (for the audit)."""
        if not self.roster_authentic():
            return (
                WORKER,
                "the worker list in keyslots.json fails its signature (changed outside CJIT Desk)",
            )
        newest = opened.keys[0]
        if newest.tl_key is None:
            return WORKER, None
        if kc.b64(kc.signing_public(newest.tl_key)) != self.tl_public_key:
            return WORKER, "this slot's team-leader key is not the one that signed the worker list"
        member = self.members.get(opened.name, {})
        if member.get("public_key") != self.slots[opened.name].public_key:
            return WORKER, "this slot is not the one the worker list names"
        if member.get("role") in (TEAM_LEADER, RECOVERY_ROLE):
            return TEAM_LEADER, None
        return WORKER, None

    def roles(self) -> dict[str, str]:
        """Each worker's role, from the signed roster ({} if it fails its signature)."""
        if not self.roster_authentic():
            return {}
        return {n: m["role"] for n, m in self.members.items() if n != RECOVERY_SLOT}

    def _seal_roster(self, tl_key: bytes) -> None:
        self.tl_public_key = kc.b64(kc.signing_public(tl_key))
        message = _roster_message(self.generation, self.members, self.tl_public_key)
        self.signature = kc.b64(kc.sign(tl_key, message))
        self.roster_damaged = False

    # --- changes (the caller holds the keys and the right to use them) ----------------------

    def _set_member(
        self, name: str, role: str, secret: bytes, kdf: str, params: dict, keys: list[Keys]
    ) -> Opened:
        slot, private = make_slot(name, secret, kdf, params)
        self.slots[name] = slot
        self.grants = [g for g in self.grants if g.name != name]
        self.grants += [make_grant(slot, k, role) for k in keys]
        self.members[name] = {"role": role, "public_key": slot.public_key}
        self.damaged.discard(name)
        self._seal_roster(keys[0].tl_key)
        return Opened(name, private, list(keys))

    def set_worker(
        self, username: str, passphrase: str, role: str, keys: list[Keys], names: tuple = ()
    ) -> Opened:
        """A new slot (new key pair) for a worker: adding, or resetting a forgotten passphrase.
        Needs the team-leader key (``keys[0].tl_key``) to sign the roster."""
        check_passphrase_strength(passphrase, (username, *names))
        secret = passphrase.encode("utf-8")
        return self._set_member(username, role, secret, "argon2id", ARGON2_PARAMS, keys)

    def change_own_passphrase(self, opened: Opened, passphrase: str, names: tuple = ()) -> None:
        """The same key pair under a new passphrase: no team-leader key needed."""
        check_passphrase_strength(passphrase, (opened.name, *names))
        slot = self.slots[opened.name]
        self.slots[opened.name] = rewrap_slot(
            slot, opened.private, passphrase.encode("utf-8"), "argon2id", ARGON2_PARAMS
        )

    def new_recovery_key(self, keys: list[Keys]) -> str:
        """Replace the recovery slot: the old recovery key stops working at once."""
        recovery_key = new_recovery_key()
        secret = normalise_recovery_key(recovery_key)
        self._set_member(RECOVERY_SLOT, RECOVERY_ROLE, secret, "hkdf-sha256", {}, keys)
        return recovery_key

    def remove_worker(self, username: str, tl_key: bytes) -> None:
        self.slots.pop(username, None)
        self.members.pop(username, None)
        self.grants = [g for g in self.grants if g.name != username]
        self.damaged.discard(username)
        self._seal_roster(tl_key)

    def begin_rekey(self, new: Keys) -> None:
        """Grant the new keys to every member of the (verified) roster, beside the old grants:
        whichever key the database holds when a kill lands, this file opens it."""
        for name, member in self.members.items():
            if name in self.slots:
                self.grants.append(make_grant(self.slots[name], new, member["role"]))
        self.generation = new.generation
        self._seal_roster(new.tl_key)

    def finish_rekey(self) -> None:
        self.grants = [g for g in self.grants if g.generation == self.generation]

    @property
    def rekey_unfinished(self) -> bool:
        return any(g.generation != self.generation for g in self.grants)

    @classmethod
    def create(cls, path: Path, keys: Keys) -> tuple[KeySlotFile, str]:
        """A new slot file with only the recovery slot; returns the recovery key to show once."""
        slots = cls(path)
        slots.generation = keys.generation
        return slots, slots.new_recovery_key([keys])


__all__ = ["KeySlotFile", "TEAM_LEADER", "WORKER"]
