"""Opening the store: a passphrase or the recovery key opens a slot, the slot's keys open the
database, and the keys — not the database — say whether the worker is a team leader.

At every sign-in the role the keys prove is compared with the ``worker.role`` column; a
difference (someone edited the database) is written to the audit log and the column is put
back. A team leader's sign-in also checks every worker's row against the authenticated roster.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.storage import audit, damage, migrate
from app.storage.engine import WrongKeyError, make_engine
from app.storage.folder import DB_NAME, THROTTLE_NAME, check_files, load_slots
from app.storage.keyslots import RECOVERY_SLOT, WORKER, Keys, Opened, WrongPassphrase
from app.storage.models import AuditEvent, Worker, utcnow
from app.storage.slotfile import KeySlotFile
from app.storage.store import Store, acquire_lock, active_worker
from app.storage.throttle import UnlockThrottle

log = logging.getLogger(__name__)


def unwrap_throttled(
    data_dir: Path, slots: KeySlotFile, username: str, passphrase: str
) -> tuple[Opened, int]:
    """The worker's slot opened (and the wrong tries before), with the increasing wait after
    wrong tries. Damage raises StoreDamaged and is never counted as a wrong try."""
    throttle = UnlockThrottle(data_dir / THROTTLE_NAME)
    throttle.check(username)
    try:
        opened = (
            slots.unlock_with_recovery_key(passphrase)
            if username == RECOVERY_SLOT
            else slots.unlock(username, passphrase)
        )
    except WrongPassphrase as exc:
        log.info("unlock refused: wrong passphrase")
        raise WrongPassphrase(f"{exc} {throttle.failed(username)}") from None
    return opened, throttle.succeeded(username)


def key_opens(db_path: Path, key: bytes) -> bool:
    try:
        probe = make_engine(db_path, key)
        with probe.connect():
            pass
    except WrongKeyError:
        return False
    probe.dispose()
    return True


def open_engine(
    data_dir: Path, keys: Keys | bytes, slots: KeySlotFile, check_journal: bool = True
) -> Engine:
    """The keyed, migrated engine, once the files are known to be whole (holding the lock)."""
    db_key = keys if isinstance(keys, bytes) else keys.db_key
    db_path = data_dir / DB_NAME
    check_files(data_dir, check_journal)
    if not key_opens(db_path, db_key):
        raise damage.classify_unreadable(db_path, slots.db_salt)
    engine = make_engine(db_path, db_key)
    try:
        damage.report_damage_as_damage(engine, db_path)
        migrate.upgrade(engine)
        if slots.db_salt is None:
            slots.db_salt = damage.database_salt(db_path)
            slots.save()
    except BaseException:
        engine.dispose()  # no connection may outlive a failed open
        raise
    return engine


def _open_current(data_dir: Path, slots: KeySlotFile, opened: Opened) -> tuple[Engine, bool]:
    """The engine under the newest keys. A re-key that a kill interrupted is finished here:
    whichever key the database holds, the slot file granted it (rekey.py)."""
    newest, finished = opened.keys[0], False
    if slots.rekey_unfinished:
        from app.storage import rekey

        check_files(data_dir)  # before SQLite reads anything (a missing file, a damaged journal)
        older = [k for k in opened.keys[1:] if key_opens(data_dir / DB_NAME, k.db_key)]
        if older and not key_opens(data_dir / DB_NAME, newest.db_key):
            rekey.reencrypt(data_dir, older[0], newest)
        slots.finish_rekey()
        slots.save()
        finished = True
        log.warning("an interrupted re-key was finished at unlock")
    return open_engine(data_dir, newest, slots), finished


def _open(
    data_dir: Path, slots: KeySlotFile, opened: Opened, role: str, actor: audit.Actor
) -> Store:
    lock = acquire_lock(data_dir)
    try:
        engine, finished = _open_current(data_dir, slots, opened)
    except BaseException:
        lock.release()
        raise
    keys = opened.keys[0]
    opened.keys = [keys]
    store = Store(data_dir, engine, keys.db_key, slots, actor, role, lock, keys, opened)
    store.rekey_finished_at_open = finished
    return store


def open_store(data_dir: Path, username: str, passphrase: str) -> Store:
    """Unlock with a worker's passphrase. Raises WrongPassphrase, TooManyTries, StoreInUse…"""
    username = username.strip().lower()
    slots = load_slots(data_dir)
    opened, failures = unwrap_throttled(data_dir, slots, username, passphrase)
    role, problem = slots.role_of(opened)
    store = _open(data_dir, slots, opened, role, audit.SYSTEM)
    try:
        with store.session() as s:
            worker = active_worker(s, username)
            store.worker = audit.Actor(worker.id, worker.username)
            _reconcile(s, store, worker, problem)
            detail = {"event": "signed_in"}
            if failures:
                detail["wrong_tries_before"] = failures
            audit.record(s, store.worker, "authentication", "worker", worker.id, detail=detail)
    except BaseException:
        store.close()
        raise
    log.info("store unlocked")
    return store


def open_with_recovery_key(data_dir: Path, recovery_key: str) -> Store:
    """Unlock with the recovery key: acts as a team leader, to reset passphrases. Throttled
    like a passphrase (as the worker ``__recovery__``)."""
    slots = load_slots(data_dir)
    opened, failures = unwrap_throttled(data_dir, slots, RECOVERY_SLOT, recovery_key)
    role, problem = slots.role_of(opened)
    store = _open(data_dir, slots, opened, role, audit.Actor(None, "recovery-key"))
    try:
        with store.session() as s:
            _reconcile(s, store, None, problem)
            detail = {"event": "recovery_key_used", "wrong_tries_before": failures}
            audit.record(s, store.worker, "authentication", "store", None, detail=detail)
    except BaseException:
        store.close()
        raise
    log.warning("store unlocked with the recovery key")
    return store


def switch_worker(store: Store, username: str, passphrase: str) -> None:
    """Another worker (or the same) unlocks a locked window; recorded in the audit log."""
    username = username.strip().lower()
    opened, failures = unwrap_throttled(store.data_dir, store.slots, username, passphrase)
    role, problem = store.slots.role_of(opened)
    previous = store.worker
    with store.session() as s:
        worker = active_worker(s, username)
        store.worker, store.role, store.opened = audit.Actor(worker.id, username), role, opened
        _reconcile(s, store, worker, problem)
        detail = {
            "event": "unlocked" if previous.id == worker.id else "switched",
            "previous_worker_id": previous.id,
        }
        if failures:
            detail["wrong_tries_before"] = failures
        audit.record(s, store.worker, "authentication", "worker", worker.id, detail=detail)


def _audit_problem(s: Session, store: Store, problem: str) -> None:
    log.error("key check at sign-in: %s", problem)
    audit.record(
        s,
        store.worker,
        "administration",
        "store",
        None,
        reason=problem,
        detail={"event": "roster_check_failed"},
    )


def _pinned_tl_key(s: Session) -> str | None:
    """The team-leader key the audit log last named (set-up, re-key)."""
    details = s.scalars(
        select(AuditEvent.detail)
        .where(AuditEvent.record_type == "store", AuditEvent.action == "administration")
        .order_by(AuditEvent.seq.desc())
    )
    return next((d["tl_key"] for d in details if isinstance(d, dict) and "tl_key" in d), None)


def _check_keys(s: Session, store: Store, problem: str | None) -> str | None:
    if getattr(store, "rekey_finished_at_open", False):
        detail = {"event": "store_rekeyed", "completed_after_interruption": True}
        detail.update(generation=store.keys.generation, tl_key=store.slots.tl_fingerprint)
        audit.record(s, store.worker, "administration", "store", None, detail=detail)
        store.rekey_finished_at_open = False
    pinned = _pinned_tl_key(s)
    if problem is None and pinned is not None and pinned != store.slots.tl_fingerprint:
        problem = "the worker list is signed by a team-leader key the audit log does not name"
    if problem:
        store.role = WORKER  # authority needs keys that check out, whatever the slot holds
        _audit_problem(s, store, problem)
    return problem


def _reconcile(s: Session, store: Store, worker: Worker | None, problem: str | None) -> None:
    """The role column follows the keys; a difference is someone's edit, and is audited."""
    if _check_keys(s, store, problem):
        rows = [worker] if worker is not None else []
        roles = {}
    else:
        rows = list(s.scalars(select(Worker).where(Worker.active)))
        roles = store.slots.roles()  # the signed roster: every row can be checked
    for row in rows:
        proved = store.role if row is worker else roles.get(row.username)
        if proved is None:  # a removal whose re-key finished after a crash: complete it
            row.active, row.removed_at = False, utcnow()
            detail = {"event": "worker_removed", "completed_after_interruption": True}
        elif row.role != proved:
            detail = {"event": "role_mismatch", "recorded": row.role, "proved_by_keys": proved}
            row.role = proved
        else:
            continue
        log.error("worker row differs from the keys: %s", detail["event"])
        audit.record(s, store.worker, "administration", "worker", row.id, detail=detail)
