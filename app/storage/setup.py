"""Setting up a new store, crash-safe: killed at any point, the folder is either set up or can
be set up again (tests/storage/test_init_crash.py kills a set-up at every step).

The order is what makes it so: the marker (durable) → the database, migrated, with its first
worker and audit events, checkpointed into the database file and synced → keyslots.json (atomic,
durable: the commit point) → the marker removed. See ``folder`` for how each state is read.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from app.storage import audit, damage, migrate
from app.storage.engine import make_engine
from app.storage.folder import (
    DB_NAME,
    SETUP_MARKER,
    SLOTS_NAME,
    clear_interrupted_setup,
    make_durable,
    setup_state,
    slots_missing,
)
from app.storage.fsutil import atomic_write, remove_durably
from app.storage.keyslots import Keys, check_passphrase_strength
from app.storage.models import Worker
from app.storage.slotfile import KeySlotFile
from app.storage.store import Store, StoreError, acquire_lock, normalise_username

log = logging.getLogger(__name__)


def is_initialised(data_dir: Path) -> bool:
    return (data_dir / SLOTS_NAME).exists()


def initialise(
    data_dir: Path, username: str, display_name: str, passphrase: str, role: str = "team_leader"
) -> tuple[Store, str]:
    """Create a new store with its first worker; returns the open store and the recovery key."""
    username = normalise_username(username)
    check_passphrase_strength(passphrase, (username, display_name))  # before anything is written
    data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir, 0o700)
    lock = acquire_lock(data_dir)
    try:
        state = setup_state(data_dir)
        if state == "set_up":
            raise StoreError(f"{data_dir} already holds CJIT Desk data; unlock it instead.")
        if state == "slots_missing":
            raise slots_missing(data_dir)
        if state == "interrupted":
            clear_interrupted_setup(data_dir)
        atomic_write(data_dir / SETUP_MARKER, b"CJIT Desk set-up started, not finished\n")
        return _create(data_dir, lock, username, display_name, passphrase, role)
    except BaseException:
        lock.release()
        raise


def _create(
    data_dir: Path,
    lock,  # noqa: ANN001
    username: str,
    display_name: str,
    passphrase: str,
    role: str,
) -> tuple[Store, str]:
    db_path = data_dir / DB_NAME
    keys = Keys.fresh(generation=1)
    slots, recovery_key = KeySlotFile.create(data_dir / SLOTS_NAME, keys)
    opened = slots.set_worker(username, passphrase, role, [keys], (display_name,))
    engine = make_engine(db_path, keys.db_key)
    damage.report_damage_as_damage(engine, db_path)
    migrate.upgrade(engine)
    key_role, _ = slots.role_of(opened)
    store = Store(data_dir, engine, keys.db_key, slots, audit.SYSTEM, key_role, lock, keys, opened)
    with store.session() as s:
        worker = Worker(username=username, display_name=display_name, role=role)
        s.add(worker)
        s.flush()
        # The audit log names the team-leader key; once synced, the central store anchors it.
        created = {"event": "store_created", "tl_key": slots.tl_fingerprint}
        audit.record(s, audit.SYSTEM, "administration", "store", None, detail=created)
        audit.record(
            s,
            audit.SYSTEM,
            "administration",
            "worker",
            worker.id,
            detail={"event": "worker_added", "role": role},
        )
    make_durable(engine)  # the database is on disk before the file that makes it usable
    slots.db_salt = damage.database_salt(db_path)
    slots.save()  # the commit point of the set-up
    remove_durably(data_dir / SETUP_MARKER)
    store.worker = audit.Actor(worker.id, username)
    log.info("store created")
    return store, recovery_key
