"""Engines, migrations and the two kinds of transaction the service uses.

Writers (push, reference loading) are serialised by one lock: the single ``store_info`` row,
locked ``FOR UPDATE`` on PostgreSQL and by ``BEGIN IMMEDIATE`` on SQLite. The change sequence
lives in that row, so a writer takes its sequence numbers while holding the lock and keeps it
until commit: sequence order is commit order, across any number of ``serve`` processes.
Readers (pull, counts, reports) run in one snapshot so everything they return is consistent.
See docs/sync-protocol.md, "Ordering".
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, select, text
from sqlalchemy.orm import Session

from central.models import StoreInfo

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any constant will do; it only has to be the same in every process.
_MIGRATION_LOCK_KEY = 0x434A4954  # "CJIT"
_WRITE = "cjit_write"


def make_engine(database_url: str) -> Engine:
    if database_url.startswith("sqlite"):
        return _sqlite_engine(database_url)
    # hide_parameters: SQL errors must not carry record values (personal data) into logs.
    return create_engine(database_url, pool_pre_ping=True, hide_parameters=True)


def _sqlite_engine(database_url: str) -> Engine:
    path = database_url.split("///", 1)[-1] if "///" in database_url else ""
    if path and path != ":memory:" and not path.startswith("file:"):
        owner_only(Path(path))
    engine = create_engine(
        database_url,
        connect_args={"check_same_thread": False, "timeout": 30},
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so BEGIN is ours (SQLAlchemy's recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock up front: writers queue instead of deadlocking.
        write = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def owner_only(path: Path) -> None:
    """The SQLite file holds names, PNC IDs and addresses: its folder is made 0700 and the file
    0600 before SQLite opens it (SQLite gives its -wal and -shm files the database file's
    mode). A folder that already exists is left as it is, with a warning if others can enter
    it; a database file others can read is made owner-only. On Windows the user profile's
    access rules protect the default folder (docs/deployment.md)."""
    if os.name == "nt":
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
        os.chmod(folder, 0o700)  # the mode given to mkdir is cut by the umask
    elif folder.stat().st_mode & 0o077:
        log.warning("the central store's folder %s can be entered by other users", folder)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    for each in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if each.exists() and each.stat().st_mode & 0o077:
            os.chmod(each, 0o600)
            log.warning("%s could be read by other users: made owner-only", each.name)


def migrate(engine: Engine) -> None:
    """Upgrade to the newest schema; safe when several processes start at once."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.execution_options(**{_WRITE: True}).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK_KEY})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        _seed(connection)


def _seed(connection: Any) -> None:
    with Session(bind=connection) as session:
        if session.get(StoreInfo, 1) is None:
            session.add(StoreInfo(id=1, change_seq=0, store_epoch=str(uuid.uuid4())))
            session.flush()
        from central.anchors import ensure_key  # (anchors needs this module)

        ensure_key(session)  # the audit receipts' signing key, made once per central store


@contextmanager
def write_session(engine: Engine | Connection) -> Iterator[tuple[Session, StoreInfo]]:
    """One serialised write transaction; commits on success, rolls back on any exception.
    Given a connection (``one_connection``), the transaction runs on it."""
    with (
        _options(engine, **{_WRITE: True}) as write,
        Session(bind=write, expire_on_commit=False) as session,
        session.begin(),
    ):
        info = session.execute(select(StoreInfo).where(StoreInfo.id == 1).with_for_update())
        yield session, info.scalar_one()


@contextmanager
def read_session(engine: Engine | Connection) -> Iterator[Session]:
    """One consistent snapshot (REPEATABLE READ on PostgreSQL, a read transaction on SQLite)."""
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with (
        _options(engine, **options) as bind,
        Session(bind=bind, expire_on_commit=False) as session,
        session.begin(),
    ):
        yield session


@contextmanager
def one_connection(engine: Engine) -> Iterator[Connection]:
    """One pooled connection for a push and what it answers after its commit (``then``,
    docs/sync-protocol.md 4.7): checked out once, so a push that has committed never queues
    again for a connection behind the writers waiting on the store lock (a burst at shift
    change fills the pool with them: issue 16.3)."""
    with engine.connect() as connection:
        yield connection


@contextmanager
def _options(bind: Engine | Connection, **options: Any) -> Iterator[Engine | Connection]:
    if not options:
        yield bind
    elif isinstance(bind, Engine):
        yield bind.execution_options(**options)
    else:  # a connection's options are its own: set for this transaction, then put back
        before = {key: bind.get_execution_options().get(key) for key in options}
        bind.execution_options(**options)
        try:
            yield bind
        finally:
            if bind.in_transaction():
                bind.rollback()  # (the session has committed or rolled back already)
            restored = {k: v for k, v in before.items() if v is not None}
            if "isolation_level" in options and "isolation_level" not in restored:
                restored["isolation_level"] = bind.default_isolation_level
            bind.execution_options(**{_WRITE: False, **restored})


def plain_session(engine: Engine) -> Session:
    """For small independent writes that take no sequence number (enrolment, revocation)."""
    return Session(bind=engine.execution_options(**{_WRITE: True}), expire_on_commit=False)


def next_seq(info: StoreInfo) -> int:
    """Only valid inside write_session: the row lock makes this increment exclusive."""
    info.change_seq += 1
    return info.change_seq
