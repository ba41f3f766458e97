"""Opening the encrypted store: set-up, unlock, workers, and the single-process lock.

Concurrent use: one process at a time holds a data directory. A second process (another window,
or a CLI command while the app is open) gets ``StoreInUse`` with a clear message instead of
risking two writers with diverging caches. SQLite itself would serialise writes safely, but an
idle-locked window holding unsaved input while another process edits the same episode is exactly
the confusion a shared custody-suite PC must not allow.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import filelock
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from app.errors import UserFacingError
from app.storage import audit, damage, migrate
from app.storage.damage import StoreDamaged
from app.storage.engine import WrongKeyError, make_engine
from app.storage.folder import (
    DB_NAME,
    LOCK_NAME,
    THROTTLE_NAME,
    check_files,
    load_slots,
)
from app.storage.keyslots import KeySlotError, KeySlotFile, WrongPassphrase
from app.storage.models import Worker, utcnow
from app.storage.throttle import UnlockThrottle

log = logging.getLogger(__name__)

ROLES = ("worker", "team_leader")
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")


class StoreError(UserFacingError):
    """A message the worker or IT can act on."""


class StoreInUse(StoreError):
    pass


class NotAllowed(StoreError):
    pass


def acquire_lock(data_dir: Path) -> filelock.BaseFileLock:
    lock = filelock.FileLock(str(data_dir / LOCK_NAME), timeout=0)
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
    data_dir: Path
    engine: Engine
    key: bytes
    slots: KeySlotFile
    worker: audit.Actor
    role: str
    _lock: filelock.BaseFileLock

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on error."""
        with self._sessions.begin() as session:
            yield session

    def close(self) -> None:
        """Close the store; closing twice is harmless (the window and its owner may both)."""
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

    def new_recovery_key(self) -> str:
        """A team leader replaces the recovery key (lost, seen by someone, or never shown
        because a set-up was interrupted); the new one is returned to be shown once."""
        self._require_team_leader()
        with self.session() as s:
            recovery_key = self.slots.new_recovery_key(self.key)
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
        username = username.strip().lower()
        unwrap_throttled(self.data_dir, self.slots, username, passphrase)
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


def unwrap_throttled(data_dir: Path, slots: KeySlotFile, username: str, passphrase: str) -> bytes:
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


def open_engine(
    data_dir: Path, key: bytes, slots: KeySlotFile, check_journal: bool = True
) -> Engine:
    """The keyed, migrated engine, once the files are known to be whole (holding the lock)."""
    db_path = data_dir / DB_NAME
    check_files(data_dir, check_journal)
    try:
        engine = make_engine(db_path, key)
        with engine.connect():
            pass
    except WrongKeyError:
        raise damage.classify_unreadable(db_path, slots.db_salt) from None
    try:
        damage.report_damage_as_damage(engine, db_path)
        migrate.upgrade(engine)
        if slots.legacy:  # record the salt and the slot checks from now on
            slots.db_salt = slots.db_salt or damage.database_salt(db_path)
            slots.save()
    except BaseException:
        engine.dispose()  # no connection may outlive a failed open
        raise
    return engine


def _open(data_dir: Path, key: bytes, slots: KeySlotFile, lock: filelock.BaseFileLock) -> Engine:
    try:
        return open_engine(data_dir, key, slots)
    except BaseException:
        lock.release()
        raise


def open_store(data_dir: Path, username: str, passphrase: str) -> Store:
    """Unlock with a worker's passphrase. Raises WrongPassphrase, TooManyTries, StoreInUse…"""
    username = username.strip().lower()
    slots = load_slots(data_dir)
    key = unwrap_throttled(data_dir, slots, username, passphrase)
    lock = acquire_lock(data_dir)
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
    slots = load_slots(data_dir)
    key = slots.unlock_with_recovery_key(recovery_key)
    lock = acquire_lock(data_dir)
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


# Set-up lives in its own module; it is part of this module's interface.
from app.storage.setup import initialise, is_initialised, setup_state  # noqa: E402

__all__ = [
    "KeySlotError",
    "NotAllowed",
    "Store",
    "StoreError",
    "StoreDamaged",
    "StoreInUse",
    "WrongPassphrase",
    "initialise",
    "is_initialised",
    "open_store",
    "open_with_recovery_key",
    "setup_state",
]
