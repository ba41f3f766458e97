"""Damage is named as damage, with what to do, and never taken for a wrong passphrase.

A custody worker who sees "disk image is malformed" or "the passphrase is wrong" does the wrong
thing (retries, gets locked out, re-types the shift). What they must do is stop writing and
call for help; what IT must do is keep a copy and recover (docs/security.md, "Damage").
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import UserFacingError

if TYPE_CHECKING:  # the unlock window imports this module before SQLAlchemy is loaded
    from sqlalchemy import Engine

log = logging.getLogger(__name__)

SALT_BYTES = 16  # SQLCipher keeps the database's salt, in clear, in its first 16 bytes
# Random salts of two different databases differ in ~16 of 16 bytes; a few differing bytes
# mean the salt itself was damaged, not that the file was swapped.
_SALT_DAMAGE_MAX_BYTES = 4
# SQLITE_CORRUPT, SQLITE_NOTADB: a page failed SQLCipher's HMAC or SQLite's own checks.
_DAMAGE_CODES = {11, 26}

CALL_FOR_HELP = (
    "Nothing more has been changed. Stop using this workstation for the store, tell your team "
    "leader and call IT (docs/security.md, 'Damaged store')."
)
RECOVERY = (
    "IT: keep a copy of the whole data folder first; then a team leader runs "
    "'cjit-desk recover --as TEAM_LEADER', which sets the damaged files aside and keeps what "
    "can still be read, or restore the folder from its last backup. Records already synced "
    "come back from the central store at the next sync."
)


class StoreDamaged(UserFacingError):
    """The database, its journal or the key slot file is damaged."""


class SlotFileMissing(StoreDamaged):
    pass


def database_salt(db_path: Path) -> bytes | None:
    try:
        with db_path.open("rb") as f:
            salt = f.read(SALT_BYTES)
    except FileNotFoundError:
        return None
    return salt if len(salt) == SALT_BYTES else None


def database_damaged(db_path: Path, what: str) -> StoreDamaged:
    return StoreDamaged(
        f"The CJIT Desk database on this workstation is damaged ({what}). {CALL_FOR_HELP} "
        f"{RECOVERY} [{db_path}]"
    )


def journal_damaged(db_path: Path, problem: str) -> StoreDamaged:
    return StoreDamaged(
        "The journal of the CJIT Desk database on this workstation is damaged "
        f"({problem}), so changes saved before the app last stopped would be lost if it "
        f"opened. {CALL_FOR_HELP} {RECOVERY} [{db_path}-wal]"
    )


def classify_unreadable(db_path: Path, recorded_salt: bytes | None) -> StoreDamaged:
    """The key from an authenticated slot does not read the database: damage or a swap?"""
    actual = database_salt(db_path)
    if actual is None:
        return database_damaged(db_path, "the file is empty or cut short")
    if recorded_salt is not None:
        differing = sum(a != b for a, b in zip(actual, recorded_salt, strict=True))
        if differing > _SALT_DAMAGE_MAX_BYTES:
            return StoreDamaged(
                "The database (cjit.db) and the key slot file (keyslots.json) on this "
                "workstation come from different set-ups: one of them was replaced. Nothing was "
                "changed. IT: restore both files from the same backup of the data folder. "
                f"[{db_path.parent}]"
            )
    # An authentic key of the same database that does not open it: the slot file is older than
    # the database (a re-key since), or the first page is damaged. Both are said.
    return StoreDamaged(
        "The database (cjit.db) cannot be read with the keys in keyslots.json. Either "
        "keyslots.json is older than the database (restored from an earlier backup, or a copy "
        "kept from before a worker was removed or the store was re-keyed), or the database is "
        f"damaged (its first page cannot be read). {CALL_FOR_HELP} IT: restore keyslots.json "
        f"and cjit.db from the same backup; or follow 'Damaged store'. [{db_path}]"
    )


def is_damage(exc: BaseException) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in _DAMAGE_CODES


def report_damage_as_damage(engine: Engine, db_path: Path) -> None:
    """Any statement that meets a damaged page raises StoreDamaged instead of a raw
    "database disk image is malformed" (the UI shows a StoreDamaged message as it is)."""
    from sqlalchemy import event

    @event.listens_for(engine, "handle_error")
    def _damaged(context) -> None:  # noqa: ANN001
        if is_damage(context.original_exception):
            log.error("database damaged: %s", context.original_exception)
            raise database_damaged(db_path, "a page failed its integrity check") from None


def pages_problem(connection) -> str | None:  # noqa: ANN001 - a DBAPI or SQLAlchemy connection
    """Every page checked: SQLCipher's HMAC of each page, then SQLite's structure check. Reads
    the whole file (seconds on a large store): for verify-audit and recovery, not for unlock."""
    run = getattr(connection, "exec_driver_sql", None) or connection.execute
    bad_pages = run("PRAGMA cipher_integrity_check").fetchall()
    if bad_pages:
        return f"{len(bad_pages)} pages fail their check ({bad_pages[0][0]})"
    structure = run("PRAGMA quick_check").fetchall()
    if [tuple(row) for row in structure] != [("ok",)]:
        return f"the structure check fails ({structure[0][0]})"
    return None
