"""After damage: keep a copy, then go on with what can be read, or start again.

``recover`` is what the damage message sends IT to (``cjit-desk recover --as TEAM_LEADER``):
1. the damaged files are copied, as they are (still encrypted), into ``damaged-<UTC time>/``
   inside the data folder, so nothing that could be rescued later is lost;
2. if the database itself reads and passes SQLCipher's page check and SQLite's structure check,
   the store opens with what can be read (a damaged journal loses only what it held), the loss
   is written to the audit log, and work goes on; the next sync brings back from the central
   store what had been synced, and the audit anchor shows what was lost;
3. otherwise (``start_again``) the store's files are moved into that folder, so the workstation
   can be set up again and enrolled: synced records come back from the central store; unsynced
   ones are only in the copy (or a backup).
"""

from __future__ import annotations

import logging
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from app.storage import audit, damage, wal
from app.storage.engine import WrongKeyError, make_engine
from app.storage.folder import (
    DB_FILES,
    DB_NAME,
    SLOTS_NAME,
    THROTTLE_NAME,
    load_slots,
    make_durable,
)
from app.storage.fsutil import fsync_dir, remove_durably
from app.storage.keyslots import TEAM_LEADER
from app.storage.store import (
    NotAllowed,
    Store,
    StoreError,
    acquire_lock,
    active_worker,
    open_engine,
    unwrap_throttled,
)
from app.storage.unlock import key_opens

log = logging.getLogger(__name__)


class CannotRecover(StoreError):
    pass


def _aside_folder(data_dir: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for n in range(1, 100):
        folder = data_dir / (f"damaged-{stamp}" + (f"-{n}" if n > 1 else ""))
        try:
            folder.mkdir(mode=0o700)
            return folder
        except FileExistsError:
            continue
    raise StoreError(f"Too many copies of damaged files in {data_dir}; ask IT to tidy them.")


def _copy_aside(data_dir: Path, folder: Path) -> None:
    for name in (*DB_FILES, SLOTS_NAME):
        if (data_dir / name).exists():
            shutil.copy2(data_dir / name, folder / name)
            os.chmod(folder / name, 0o600)
    fsync_dir(folder)


def database_problem(data_dir: Path, key: bytes) -> str | None:
    """Whether the database (ignoring its journal) can be used; the engine is not kept."""
    try:
        engine = make_engine(data_dir / DB_NAME, key)
        with engine.connect():
            pass
    except WrongKeyError:
        return "its first page cannot be read"
    try:
        with engine.connect() as conn:
            return damage.pages_problem(conn)
    except Exception as exc:  # noqa: BLE001 - any failure here is the answer, not a crash
        return str(exc) if damage.is_damage(exc) else f"it cannot be read ({type(exc).__name__})"
    finally:
        engine.dispose()


def recover(data_dir: Path, username: str, passphrase: str, start_again: bool = False) -> str:
    """Returns what was done, in a sentence for IT. Needs a team leader's passphrase."""
    slots = load_slots(data_dir)
    username = username.strip().lower()
    opened, _ = unwrap_throttled(data_dir, slots, username, passphrase)
    if slots.role_of(opened)[0] != TEAM_LEADER:  # before anything is touched
        raise NotAllowed("Only a team leader can recover a damaged store.")
    lock = acquire_lock(data_dir)
    try:
        folder = _aside_folder(data_dir)
        _copy_aside(data_dir, folder)  # before SQLite reads (and checkpoints) anything
        journal = wal.check(data_dir / DB_NAME).problem
        # After a re-key a kill interrupted, the database may still hold the older key.
        db_path, keys = data_dir / DB_NAME, opened.keys[0]
        if not db_path.exists():  # checked first: opening would create an empty one
            problem = "the database file cjit.db is missing"
        else:
            keys = next((k for k in opened.keys if key_opens(db_path, k.db_key)), keys)
            problem = database_problem(data_dir, keys.db_key)
        if problem is None:
            return _go_on(data_dir, keys, slots, lock, opened, journal, folder)
        if not start_again:
            raise CannotRecover(
                f"The database cannot be used: {problem}. A copy of the files as they were is "
                f"in {folder}. To set this workstation up again, run the same command with "
                "--start-again; or restore the data folder from its last backup."
            )
        remove_durably(*(data_dir / name for name in (*DB_FILES, SLOTS_NAME, THROTTLE_NAME)))
        log.error("damaged store set aside: %s", problem)
        return (
            f"The damaged store ({problem}) was set aside in {folder}. Set this workstation up "
            "again ('cjit-desk init') and enrol it: records already synced come back from the "
            "central store at the first sync; anything not synced is only in that folder."
        )
    finally:
        if lock.is_locked:
            lock.release()


def _go_on(data_dir, keys, slots, lock, opened, journal, folder) -> str:  # noqa: ANN001
    engine = open_engine(data_dir, keys, slots, check_journal=False)
    store = Store(
        data_dir, engine, keys.db_key, slots, audit.SYSTEM, TEAM_LEADER, lock, keys, opened
    )
    try:
        with store.session() as s:
            worker = active_worker(s, opened.name)
            audit.record(
                s,
                audit.Actor(worker.id, worker.username),
                "administration",
                "store",
                None,
                reason="recovery after damage",
                detail={"event": "damage_recovered", "journal": journal, "copy": folder.name},
            )
        make_durable(engine)
    finally:
        store.close()
    lost = f" The journal was damaged ({journal}): what it held is lost." if journal else ""
    return (
        f"The store opens again with what could be read; a copy of the damaged files is in "
        f"{folder}.{lost} Sync now: records already synced come back from the central store, "
        "and the audit anchor shows what was lost."
    )
