"""The open store: its sessions, its workers and the single-process lock.

Opening (unlock, recovery key) is in ``unlock.py``, set-up in ``setup.py``, re-keying in
``rekey.py``; all are part of this module's interface.

Concurrent use: one process at a time holds a data directory. A second process (another window,
or a CLI command while the app is open) gets ``StoreInUse`` with a clear message instead of
risking two writers with diverging caches. SQLite itself would serialise writes safely, but an
idle-locked window holding unsaved input while another process edits the same episode is exactly
the confusion a shared custody-suite PC must not allow.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from app.errors import UserFacingError
from app.storage import audit, changes
from app.storage.changes import Changes
from app.storage.damage import StoreDamaged
from app.storage.dirlock import AlreadyLocked, FolderLock
from app.storage.gate import StoreClosed, StoreGate
from app.storage.keyslots import TEAM_LEADER, Keys, KeySlotError, Opened, WrongPassphrase
from app.storage.models import Worker
from app.storage.slotfile import KeySlotFile

log = logging.getLogger(__name__)

ROLES = ("worker", "team_leader")
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")


class StoreError(UserFacingError):
    """A message the worker or IT can act on."""


class StoreInUse(StoreError):
    pass


class NotAllowed(StoreError):
    pass


def acquire_lock(data_dir: Path) -> FolderLock:
    # Not tied to a thread: the store is opened on a worker thread (unlock never runs on the UI
    # thread) and closed on whichever thread closes the window.
    lock = FolderLock(data_dir)
    try:
        lock.acquire()
    except AlreadyLocked:
        raise StoreInUse(
            "CJIT Desk is already open with this data on this computer. Switch to that window "
            "(it may be locked: sign in there), or close it and try again."
        ) from None
    return lock


def normalise_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME_RE.match(name):
        raise StoreError(
            f"'{username}' cannot be a username: use 2–32 lower-case letters, digits, dots, "
            "hyphens or underscores, starting with a letter or digit (e.g. 'j.smith')."
        )
    return name


@dataclass
class Store:
    """The unlocked store. ``session()`` is the one way into it (see ``gate``)."""

    data_dir: Path
    engine: Engine
    key: bytes = field(repr=False)  # the database key (``keys.db_key``)
    slots: KeySlotFile
    worker: audit.Actor
    role: str  # proved by the keys the worker's slot opened, never read from a column
    _lock: FolderLock
    keys: Keys | None = None
    opened: Opened | None = None  # the signed-in worker's slot, to change their own passphrase

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.gate = StoreGate()
        self._listeners: list[Callable[[Changes], None]] = []
        changes.track(self._sessions, self._publish)
        self.rekey_finished_at_open = False  # unlock audits a re-key it had to finish

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on error.

        Units of work never overlap: the gate admits one at a time, and each starts with
        ``BEGIN IMMEDIATE`` (engine.py), so a read-then-write can never meet "database is
        locked". A session opened inside another on the same thread joins it.
        """
        with self.gate.enter() as joined:
            if joined is not None:
                yield joined
                return
            with self._sessions.begin() as session, self.gate.holding(session):
                yield session

    # --- the change hook ---------------------------------------------------------------------

    def on_change(self, listener: Callable[[Changes], None]) -> None:
        """``listener(changes)`` after every commit, on the committing thread."""
        self._listeners.append(listener)

    def _publish(self, found: Changes) -> None:
        for listener in list(self._listeners):
            try:
                listener(found)
            except Exception:
                log.exception("change listener failed")

    def close(self) -> None:
        """Close the store once the unit of work in progress (a sync's, say) has finished;
        later units are refused. Closing twice is harmless (window and owner may both)."""
        with self.gate.closing():
            if self._lock.is_locked:
                self.engine.dispose()
                self._lock.release()

    def use_engine(self, engine: Engine, keys: Keys) -> None:
        """After a re-key (holding the gate): the new engine and keys replace the old (already
        disposed); the gate and the change listeners stay."""
        self.engine, self.keys, self.key = engine, keys, keys.db_key
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        changes.track(self._sessions, self._publish)

    # --- workers -----------------------------------------------------------------------------

    def _require_team_leader(self, what: str = "manage workers") -> Keys:
        # The team-leader key, not the role column: a role edited in the database grants nothing.
        if self.role != TEAM_LEADER or self.keys is None or self.keys.tl_key is None:
            raise NotAllowed(f"Only a team leader can {what}.")
        return self.keys

    def add_worker(
        self, username: str, display_name: str, passphrase: str, role: str = "worker"
    ) -> str:
        keys = self._require_team_leader()
        username = normalise_username(username)
        if role not in ROLES:
            raise StoreError(f"The role must be one of: {', '.join(ROLES)}.")
        with self.session() as s:
            if s.scalar(select(Worker).where(Worker.username == username, Worker.active)):
                raise StoreError(f"There is already a worker called '{username}'.")
            existing = s.scalar(select(Worker).where(Worker.username == username))
            if existing:  # a returning worker keeps their id, so history still names them
                existing.active, existing.removed_at = True, None
                existing.display_name, existing.role = display_name, role
                worker = existing
            else:
                worker = Worker(username=username, display_name=display_name, role=role)
                s.add(worker)
            self.slots.set_worker(username, passphrase, role, [keys], (display_name,))
            audit.record(
                s,
                self.worker,
                "administration",
                "worker",
                worker.id,
                detail={"event": "worker_added", "role": role},
            )
        self.slots.save()
        return worker.id

    def remove_worker(self, username: str) -> None:
        """Removes the worker's slot and re-keys the store (``rekey.py``): a copy of the old
        slot file opens nothing any more."""
        self._require_team_leader()
        if username == self.worker.username:
            raise StoreError("You cannot remove yourself; ask another team leader.")
        with self.session() as s:
            if s.scalar(select(Worker).where(Worker.username == username, Worker.active)) is None:
                raise StoreError(f"There is no worker called '{username}'.")
        from app.storage import rekey

        rekey.rekey(self, remove=username)

    def rekey(self) -> int:
        """A fresh database key and team-leader key for every remaining slot; returns the new
        key generation. For when a slot file or a passphrase may have been copied."""
        self._require_team_leader("re-key the store")
        from app.storage import rekey

        return rekey.rekey(self)

    def reset_passphrase(self, username: str, new_passphrase: str) -> None:
        own = username == self.worker.username and self.opened and self.opened.name == username
        keys = None if own else self._require_team_leader("reset another worker's passphrase")
        with self.session() as s:
            worker = s.scalar(select(Worker).where(Worker.username == username, Worker.active))
            if worker is None:
                raise StoreError(f"There is no worker called '{username}'.")
            if own:  # the same key pair under a new passphrase: no team-leader key needed
                self.slots.change_own_passphrase(
                    self.opened, new_passphrase, (worker.display_name,)
                )
            else:
                role = self.slots.roles().get(username, "worker")
                self.slots.set_worker(
                    username, new_passphrase, role, [keys], (worker.display_name,)
                )
            audit.record(
                s,
                self.worker,
                "administration",
                "worker",
                worker.id,
                detail={"event": "passphrase_reset"},
            )
        self.slots.save()

    def new_recovery_key(self) -> str:
        """A team leader replaces the recovery key (lost, seen by someone, or never shown
        because a set-up was interrupted); the new one is returned to be shown once."""
        keys = self._require_team_leader("issue a recovery key")
        with self.session() as s:
            recovery_key = self.slots.new_recovery_key([keys])
            audit.record(
                s,
                self.worker,
                "administration",
                "store",
                None,
                detail={"event": "recovery_key_replaced"},
            )
        self.slots.save()
        return recovery_key

    def workers(self) -> list[Worker]:
        with self.session() as s:
            return list(s.scalars(select(Worker).where(Worker.active).order_by(Worker.username)))

    def switch_worker(self, username: str, passphrase: str) -> None:
        """Another worker (or the same) unlocks a locked window; recorded in the audit log."""
        from app.storage import unlock

        unlock.switch_worker(self, username, passphrase)


def active_worker(session: Session, username: str) -> Worker:
    worker = session.scalar(select(Worker).where(Worker.username == username, Worker.active))
    if worker is None:
        raise StoreError(f"'{username}' is no longer a worker on this workstation.")
    return worker


# Opening and set-up live in their own modules; they are part of this module's interface,
# loaded on first use (each of those modules imports this one).
_ELSEWHERE = {
    "initialise": "setup",
    "is_initialised": "setup",
    "setup_state": "setup",
    "open_engine": "unlock",
    "open_store": "unlock",
    "open_with_recovery_key": "unlock",
    "unwrap_throttled": "unlock",
}


def __getattr__(name: str):  # noqa: ANN202 - PEP 562
    # Plain import statements, so that PyInstaller's analysis finds both modules.
    if _ELSEWHERE.get(name) == "setup":
        from app.storage import setup

        return getattr(setup, name)
    if _ELSEWHERE.get(name) == "unlock":
        from app.storage import unlock

        return getattr(unlock, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "KeySlotError",
    "NotAllowed",
    "Store",
    "StoreClosed",
    "StoreDamaged",
    "StoreError",
    "StoreInUse",
    "WrongPassphrase",
    *_ELSEWHERE,
]
