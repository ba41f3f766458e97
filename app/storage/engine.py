"""The SQLCipher engine: every connection is keyed before any other statement runs."""

from __future__ import annotations

from pathlib import Path

import sqlcipher3
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import QueuePool

KEY_BYTES = 32


class WrongKeyError(Exception):
    """The database cannot be read with this key (wrong key, or not a CJIT Desk database)."""


def _connect(path: Path, key: bytes) -> sqlcipher3.Connection:
    conn = sqlcipher3.connect(str(path), check_same_thread=False, isolation_level=None)
    # A raw 256-bit key: SQLCipher skips its own KDF, the passphrase work is done by Argon2id.
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        raise WrongKeyError(str(exc)) from None
    # Temporary tables and sort spills stay in memory, so nothing transient reaches disk.
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA journal_mode = WAL")
    # FULL: every commit is fsynced, so a save the worker was told about survives a power cut
    # (NORMAL may lose the last commits before a checkpoint). Measured cost and the decision:
    # docs/security.md, "Durability"; bench/RESULTS.md.
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def make_engine(path: Path, key: bytes) -> Engine:
    if len(key) != KEY_BYTES:
        raise ValueError("the database key must be 32 bytes")
    engine = create_engine(
        # The plain pysqlite dialect over the sqlcipher3 module: the pysqlcipher dialect would
        # issue its own PRAGMA key from the URL, and our key must come first and be raw.
        "sqlite://",
        module=sqlcipher3,
        creator=lambda: _connect(path, key),
        poolclass=QueuePool,
        pool_size=2,
        max_overflow=2,
        # SQL errors must never carry answers (names, addresses) into a log or a dialog.
        hide_parameters=True,
    )
    _use_explicit_transactions(engine)
    return engine


def _use_explicit_transactions(engine: Engine) -> None:
    # pysqlite's implicit BEGIN handling is off (isolation_level=None above), so SQLAlchemy
    # must issue BEGIN itself (the documented recipe). IMMEDIATE takes the write lock at the
    # start: a deferred transaction that reads and then writes cannot wait for the lock, it
    # fails at once with "database is locked" whatever the busy timeout.
    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
