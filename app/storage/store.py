"""Opening the encrypted store: set-up, unlock, workers, and the single-process lock.

Concurrent use: one process at a time holds a data directory. A second process (another window,
or a CLI command while the app is open) gets ``StoreInUse`` with a clear message instead of
risking two writers with diverging caches. SQLite itself would serialise writes safely, but an
idle-locked window holding unsaved input while another process edits the same episode is exactly
the confusion a shared custody-suite PC must not allow.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import filelock
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from app.errors import UserFacingError
from app.storage import audit, changes, migrate
from app.storage.changes import Changes
from app.storage.engine import KEY_BYTES, WrongKeyError, make_engine
from app.storage.gate import StoreClosed, StoreGate
from app.storage.keyslots import KeySlotError, KeySlotFile, WrongPassphrase
from app.storage.models import Worker, utcnow
from app.storage.throttle import UnlockThrottle

log = logging.getLogger(__name__)

DB_NAME = "cjit.db"
SLOTS_NAME = "keyslots.json"
LOCK_NAME = "cjit.lock"
THROTTLE_NAME = "unlock-attempts.json"
ROLES = ("worker", "team_leader")
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")


class StoreError(UserFacingError):
    """A message the worker or IT can act on."""


class StoreInUse(StoreError):
    pass


class NotAllowed(StoreError):
    pass


def _paths(data_dir: Path) -> tuple[Path, Path, Path]:
    return data_dir / DB_NAME, data_dir / SLOTS_NAME, data_dir / LOCK_NAME


def _acquire_lock(data_dir: Path) -> filelock.BaseFileLock:
    # Not thread-local: the store is opened on a worker thread (unlock never runs on the UI
    # thread) and closed on whichever thread closes the window.
    lock = filelock.FileLock(str(data_dir / LOCK_NAME), timeout=0, thread_local=False)
    try:
        lock.acquire()
    except filelock.Timeout:
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
    key: bytes
    slots: KeySlotFile
    worker: audit.Actor
    role: str
    _lock: filelock.BaseFileLock

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.gate = StoreGate()
        self._listeners: list[Callable[[Changes], None]] = []
        changes.track(self._sessions, self._publish)

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
            except Exception:  # noqa: BLE001 - a view's bug must not undo a committed save
                log.exception("change listener failed")

    def close(self) -> None:
        """Close the store once the unit of work in progress (a sync's, say) has finished;
        later units are refused. Closing twice is harmless (window and owner may both)."""
        with self.gate.closing():
            if self._lock.is_locked:
                self.engine.dispose()
                self._lock.release()

    # --- workers -----------------------------------------------------------------------------

    def _require_team_leader(self) -> None:
        if self.role != "team_leader":
            raise NotAllowed("Only a team leader can manage workers.")

    def add_worker(
        self, username: str, display_name: str, passphrase: str, role: str = "worker"
    ) -> str:
        self._require_team_leader()
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
            self.slots.set_worker(username, passphrase, self.key)
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
        self._require_team_leader()
        if username == self.worker.username:
            raise StoreError("You cannot remove yourself; ask another team leader.")
        with self.session() as s:
            worker = s.scalar(select(Worker).where(Worker.username == username, Worker.active))
            if worker is None:
                raise StoreError(f"There is no worker called '{username}'.")
            worker.active, worker.removed_at = False, utcnow()
            audit.record(
                s,
                self.worker,
                "administration",
                "worker",
                worker.id,
                detail={"event": "worker_removed"},
            )
            self.slots.remove_worker(username)
        self.slots.save()

    def reset_passphrase(self, username: str, new_passphrase: str) -> None:
        if username != self.worker.username:
            self._require_team_leader()
        with self.session() as s:
            worker = s.scalar(select(Worker).where(Worker.username == username, Worker.active))
            if worker is None:
                raise StoreError(f"There is no worker called '{username}'.")
            self.slots.set_worker(username, new_passphrase, self.key)
            audit.record(
                s,
                self.worker,
                "administration",
                "worker",
                worker.id,
                detail={"event": "passphrase_reset"},
            )
        self.slots.save()

    def workers(self) -> list[Worker]:
        with self.session() as s:
            return list(s.scalars(select(Worker).where(Worker.active).order_by(Worker.username)))

    def switch_worker(self, username: str, passphrase: str) -> None:
        """Another worker (or the same) unlocks a locked window; recorded in the audit log."""
        username = username.strip().lower()
        _unwrap_throttled(self.data_dir, self.slots, username, passphrase)
        previous = self.worker
        with self.session() as s:
            worker = _active_worker(s, username)
            self.worker, self.role = audit.Actor(worker.id, worker.username), worker.role
            audit.record(
                s,
                self.worker,
                "authentication",
                "worker",
                worker.id,
                detail={
                    "event": "unlocked" if previous.id == worker.id else "switched",
                    "previous_worker_id": previous.id,
                },
            )


def _unwrap_throttled(data_dir: Path, slots: KeySlotFile, username: str, passphrase: str) -> bytes:
    """The database key from a worker's slot, with the increasing wait after wrong tries."""
    throttle = UnlockThrottle(data_dir / THROTTLE_NAME)
    throttle.check(username)
    try:
        key = slots.unlock(username, passphrase)
    except WrongPassphrase:
        log.info("unlock refused: wrong passphrase")
        raise WrongPassphrase(f"The passphrase is wrong. {throttle.failed(username)}") from None
    throttle.succeeded(username)
    return key


def _active_worker(session: Session, username: str) -> Worker:
    worker = session.scalar(select(Worker).where(Worker.username == username, Worker.active))
    if worker is None:
        raise StoreError(f"'{username}' is no longer a worker on this workstation.")
    return worker


def is_initialised(data_dir: Path) -> bool:
    return (data_dir / SLOTS_NAME).exists()


def initialise(
    data_dir: Path, username: str, display_name: str, passphrase: str, role: str = "team_leader"
) -> tuple[Store, str]:
    """Create a new store with its first worker; returns the open store and the recovery key."""
    username = normalise_username(username)
    db_path, slots_path, _ = _paths(data_dir)
    if slots_path.exists() or db_path.exists():
        raise StoreError(f"{data_dir} already holds CJIT Desk data; unlock it instead.")
    data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir, 0o700)
    lock = _acquire_lock(data_dir)
    try:
        key = os.urandom(KEY_BYTES)
        slots, recovery_key = KeySlotFile.create(slots_path, key)
        slots.set_worker(username, passphrase, key)  # checks strength before anything is written
        engine = make_engine(db_path, key)
        migrate.upgrade(engine)
        store = Store(data_dir, engine, key, slots, audit.SYSTEM, "team_leader", lock)
        with store.session() as s:
            worker = Worker(username=username, display_name=display_name, role=role)
            s.add(worker)
            s.flush()
            audit.record(
                s, audit.SYSTEM, "administration", "store", None, detail={"event": "store_created"}
            )
            audit.record(
                s,
                audit.SYSTEM,
                "administration",
                "worker",
                worker.id,
                detail={"event": "worker_added", "role": role},
            )
        slots.save()
        store.worker, store.role = audit.Actor(worker.id, username), role
        log.info("store created")
        return store, recovery_key
    except BaseException:
        lock.release()
        raise


def _open(data_dir: Path, key: bytes, slots: KeySlotFile, lock: filelock.BaseFileLock) -> Engine:
    try:
        engine = make_engine(data_dir / DB_NAME, key)
        with engine.connect():
            pass
        migrate.upgrade(engine)
        return engine
    except WrongKeyError:
        lock.release()
        raise StoreError(
            "The database does not match the key slot file (was one of them replaced?). "
            "Restore both from the same backup."
        ) from None
    except BaseException:
        lock.release()
        raise


def open_store(data_dir: Path, username: str, passphrase: str) -> Store:
    """Unlock with a worker's passphrase. Raises WrongPassphrase, TooManyTries, StoreInUse…"""
    username = username.strip().lower()
    slots = KeySlotFile.load(data_dir / SLOTS_NAME)
    key = _unwrap_throttled(data_dir, slots, username, passphrase)
    lock = _acquire_lock(data_dir)
    engine = _open(data_dir, key, slots, lock)
    store = Store(data_dir, engine, key, slots, audit.SYSTEM, "worker", lock)
    try:
        with store.session() as s:
            worker = _active_worker(s, username)
            store.worker, store.role = audit.Actor(worker.id, worker.username), worker.role
            audit.record(
                s,
                store.worker,
                "authentication",
                "worker",
                worker.id,
                detail={"event": "signed_in"},
            )
    except BaseException:
        store.close()
        raise
    log.info("store unlocked")
    return store


def open_with_recovery_key(data_dir: Path, recovery_key: str) -> Store:
    """Unlock with the recovery key: acts as a team leader, to reset passphrases."""
    slots = KeySlotFile.load(data_dir / SLOTS_NAME)
    key = slots.unlock_with_recovery_key(recovery_key)
    lock = _acquire_lock(data_dir)
    engine = _open(data_dir, key, slots, lock)
    store = Store(
        data_dir, engine, key, slots, audit.Actor(None, "recovery-key"), "team_leader", lock
    )
    with store.session() as s:
        audit.record(
            s, store.worker, "authentication", "store", None, detail={"event": "recovery_key_used"}
        )
    log.warning("store unlocked with the recovery key")
    return store


__all__ = [
    "KeySlotError",
    "NotAllowed",
    "Store",
    "StoreClosed",
    "StoreError",
    "StoreInUse",
    "WrongPassphrase",
    "initialise",
    "is_initialised",
    "open_store",
    "open_with_recovery_key",
]
