"""The seam for "the same ORM writes to plain SQLite": a Store over an unencrypted engine.

Same models, same Alembic migrations, same connection settings as ``app.storage.engine`` (WAL,
synchronous=FULL, foreign keys, temp_store=MEMORY, explicit BEGIN), same services; only the
driver differs (the standard library's sqlite3 instead of sqlcipher3, no key, no page crypto).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import filelock
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import QueuePool

from app.config import Settings
from app.services.workspace import Workspace
from app.storage import audit, migrate
from app.storage.engine import _use_explicit_transactions
from app.storage.models import Worker
from app.storage.store import Store
from bench.datagen import WORKER


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    for pragma in ("temp_store = MEMORY", "foreign_keys = ON", "busy_timeout = 5000",
                   "journal_mode = WAL", "synchronous = FULL"):  # fmt: skip
        conn.execute(f"PRAGMA {pragma}")
    return conn


def plain_engine(path: Path) -> Engine:
    engine = create_engine(
        "sqlite://", creator=lambda: _connect(path), poolclass=QueuePool, pool_size=2,
        max_overflow=2, hide_parameters=True,
    )  # fmt: skip
    _use_explicit_transactions(engine)
    return engine


def plain_workspace(data_dir: Path) -> Workspace:
    """A new plain-SQLite workspace with one worker signed in (no key slots: nothing to unlock)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    engine = plain_engine(data_dir / "plain.db")
    migrate.upgrade(engine)
    lock = filelock.FileLock(str(data_dir / "cjit.lock"), timeout=0)
    lock.acquire()
    store = Store(data_dir, engine, b"", None, audit.SYSTEM, "worker", lock)  # type: ignore[arg-type]
    with store.session() as s:
        worker = Worker(username=WORKER[0], display_name=WORKER[1], role="worker")
        s.add(worker)
        s.flush()
        store.worker = audit.Actor(worker.id, worker.username)
    return Workspace(Settings(data_dir=data_dir), store)


__all__ = ["plain_engine", "plain_workspace"]
