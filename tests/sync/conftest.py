"""End-to-end fixtures: the REAL central service as a subprocess (SQLite, and PostgreSQL via
the central tests' helpers) and two client stores, A and B, enrolled in one suite.

One server per backend serves the whole session; each test gets its own suite, so tests never
see each other's records. Fault tests that kill the server start their own (``own_central``).
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from app.config import Settings
from app.services import sync as sync_service
from app.services import workspace as ws
from app.storage import keyslots, store
from central.auth import create_enrolment_code
from central.db import make_engine
from tests.central.pg import create_database, drop_database

ROOT = Path(__file__).resolve().parents[2]
PASS = "worker passphrase 2"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Central:
    """``python -m central serve`` on a loopback port, restartable on the same port."""

    def __init__(self, database_url: str, data_dir: Path, *extra: str) -> None:
        self.database_url, self.data_dir, self.extra = database_url, data_dir, extra
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.database_url)
        return self._engine

    def start(self) -> Central:
        # The log goes to a file, never a pipe nobody reads: a session's worth of INFO lines
        # would fill the pipe's 64 kB and freeze the server mid-request.
        log = self.data_dir / "serve.log"
        with log.open("ab") as sink:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "central", "serve", "--port", str(self.port),
                 "--log-level", "warning", "--database-url", self.database_url,
                 "--data-dir", str(self.data_dir), *self.extra],
                cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                stdout=subprocess.DEVNULL, stderr=sink,
            )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.05)
        raise AssertionError("the central store did not start within 30 s")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def code(self, suite: str) -> str:
        return create_enrolment_code(self.engine, suite)[0]


def _database(backend: str, tmp: Path) -> tuple[str, bool]:
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'central.db'}", False
    return create_database("_sync"), True


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def central(request, tmp_path_factory) -> Iterator[Central]:
    tmp = tmp_path_factory.mktemp(f"central_{request.param}")
    url, drop = _database(request.param, tmp)
    server = Central(url, tmp).start()
    yield server
    server.stop()
    if drop:
        drop_database(url)


@pytest.fixture
def own_central(tmp_path) -> Iterator[Central]:
    """A private SQLite central store a fault test may kill and restart."""
    server = Central(f"sqlite:///{tmp_path / 'central.db'}", tmp_path).start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _quick_key_slots(monkeypatch):
    """Each test sets up fresh workstations (copies would share audit-event ids across the
    suites of one shared central store); a light Argon2id keeps that quick. Only the cost
    changes: the key slots are written and read by the real code."""
    monkeypatch.setitem(keyslots.ARGON2_PARAMS, "time_cost", 1)
    monkeypatch.setitem(keyslots.ARGON2_PARAMS, "memory_cost", 8192)
    monkeypatch.setitem(keyslots.ARGON2_PARAMS, "parallelism", 1)


@pytest.fixture(params=[2, 3], ids=["desk_protocol_2", "desk_protocol_3"])
def desk_protocol(request, monkeypatch) -> int:
    """The protocol the workstation speaks: 2 is a desk of the previous release (each step of
    a sync its own request) against today's central store; 3 folds them into the pushes
    (docs/sync-protocol.md 4.7)."""
    from app.sync import engine, transport

    monkeypatch.setattr(transport, "PROTOCOL_VERSION", request.param)
    monkeypatch.setattr(engine, "PROTOCOL_VERSION", request.param)
    return request.param


def open_client(target: Path) -> ws.Workspace:
    opened, _ = store.initialise(target, "lead", "Lee Leader", "lead passphrase 1")
    opened.add_worker("ann", "Ann Worker", PASS)
    opened.close()
    return ws.unlock(Settings(data_dir=target), "ann", PASS)


@pytest.fixture
def suite() -> str:
    return f"suite_{secrets.token_hex(4)}"


def enrolled(server: Central, target: Path, suite: str) -> ws.Workspace:
    client = open_client(target)
    sync_service.enrol(client, server.url, server.code(suite))
    return client


@pytest.fixture
def pair(central, tmp_path, suite) -> Iterator[tuple[ws.Workspace, ws.Workspace]]:
    a = enrolled(central, tmp_path / "a", suite)
    b = enrolled(central, tmp_path / "b", suite)
    yield a, b
    a.close()
    b.close()


@pytest.fixture
def own_pair(own_central, tmp_path, suite):
    a = enrolled(own_central, tmp_path / "a", suite)
    b = enrolled(own_central, tmp_path / "b", suite)
    yield a, b
    a.close()
    b.close()
