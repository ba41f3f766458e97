"""The data folder's files and what their presence means: set up, half set up, or damaged.

keyslots.json is written last by a set-up, after the database is durable: its presence is the
one sign that a set-up finished. Before the database exists a set-up writes a marker file, so a
database without keyslots.json is either the leftover of a set-up that never finished (marker
present: it may be cleared and set up again) or a store that lost its slot file (no marker: it
must never be overwritten).
"""

from __future__ import annotations

import logging
from pathlib import Path

from app.storage import damage, wal
from app.storage.fsutil import leftover_temporaries, remove_durably
from app.storage.keyslots import KeySlotError
from app.storage.slotfile import KeySlotFile

log = logging.getLogger(__name__)

DB_NAME = "cjit.db"
SLOTS_NAME = "keyslots.json"
LOCK_NAME = "cjit.lock"
THROTTLE_NAME = "unlock-attempts.json"
SETUP_MARKER = "setup-in-progress"
DB_FILES = (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", f"{DB_NAME}-journal")


class SetUpInterrupted(KeySlotError):
    pass


def setup_state(data_dir: Path) -> str:
    """'set_up', 'interrupted' (set-up may run again), 'slots_missing' or 'empty'."""
    if (data_dir / SLOTS_NAME).exists():
        return "set_up"
    if (data_dir / SETUP_MARKER).exists():
        return "interrupted"
    if any((data_dir / name).exists() for name in DB_FILES):
        return "slots_missing"
    return "empty"


def slots_missing(data_dir: Path) -> damage.StoreDamaged:
    return damage.SlotFileMissing(
        f"The key slot file keyslots.json is missing from {data_dir}, though the database is "
        "there, so nobody can sign in. Nothing was changed, and set-up will not overwrite it. "
        "IT: restore keyslots.json from the backup of this data folder taken with its database."
    )


def clear_interrupted_setup(data_dir: Path) -> None:
    """Remove what a set-up that never finished left (no worker could ever have used it)."""
    names = [data_dir / name for name in DB_FILES]
    remove_durably(*names, *leftover_temporaries(data_dir, SLOTS_NAME))
    log.warning("an interrupted set-up was cleared before setting up again")


def load_slots(data_dir: Path) -> KeySlotFile:
    state = setup_state(data_dir)
    if state == "interrupted":
        raise SetUpInterrupted(
            f"The set-up of CJIT Desk in {data_dir} was interrupted before it finished, so "
            "there is nothing to unlock yet. Run the set-up again."
        )
    if state == "slots_missing":
        raise slots_missing(data_dir)
    return KeySlotFile.load(data_dir / SLOTS_NAME)


def check_files(data_dir: Path, check_journal: bool = True) -> None:
    """Before SQLite reads anything (called holding the store lock): the database is there and
    its journal would not drop saved work. Once SQLite has replayed a damaged journal, the next
    checkpoint erases the evidence, so this runs first."""
    if (data_dir / SETUP_MARKER).exists():  # keyslots.json is in place: that set-up finished
        remove_durably(data_dir / SETUP_MARKER)
    db_path = data_dir / DB_NAME
    if not db_path.exists():
        raise damage.database_damaged(db_path, "the database file cjit.db is missing")
    found = wal.check(db_path) if check_journal else wal.WalCheck(0)
    if found.problem:
        log.error("journal damaged: %s", found.problem)
        raise damage.journal_damaged(db_path, found.problem)


def make_durable(engine) -> None:  # noqa: ANN001 - an Engine
    """Every committed transaction written into the database file and synced.

    With synchronous=NORMAL a WAL commit is not yet fsynced; a TRUNCATE checkpoint copies the
    committed pages into the database file, syncs it and empties the journal."""
    raw = engine.raw_connection()  # outside any transaction (engine.py begins IMMEDIATE)
    try:
        busy, _, _ = raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        raw.close()
    if busy:  # another connection is reading: nothing may be assumed durable
        raise RuntimeError("the checkpoint could not complete")
