"""Fixtures for the central store: every API test runs on SQLite and on PostgreSQL.

PostgreSQL is the server at 127.0.0.1:5432 (database ``test`` to connect, then a uniquely named
``cjit_central_test_<random>`` database for this session, dropped at the end). When it cannot
be reached the PostgreSQL half is skipped with the reason — except under CI=true, where a
missing PostgreSQL is a failure, not a skip.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from central.api import create_app
from central.db import make_engine, migrate
from central.models import Base
from tests.central.helpers import Enroller

PG_HOST = os.environ.get("CJIT_TEST_PG_HOST", "127.0.0.1")
PG_ADMIN = f"host={PG_HOST} port=5432 user=postgres dbname=test connect_timeout=3"


def _pg_unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL is required under CI=true but unreachable: {reason}")
    pytest.skip(f"PostgreSQL at {PG_HOST}:5432 (database 'test') is unreachable: {reason}")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh database for this test session; several sessions can run side by side."""
    name = f"cjit_central_test_{secrets.token_hex(6)}"
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        _pg_unavailable(str(exc).strip().splitlines()[0])
    yield f"postgresql+psycopg://postgres@{PG_HOST}:5432/{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('central') / 'central.db'}"


@pytest.fixture(scope="session")
def _engines() -> Iterator[dict[str, Engine]]:
    engines: dict[str, Engine] = {}
    yield engines
    for engine in engines.values():
        engine.dispose()


def _empty(engine: Engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name != "store_info"]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(text("UPDATE store_info SET change_seq = 0"))


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def engine(request: pytest.FixtureRequest, _engines: dict[str, Engine]) -> Engine:
    """A migrated, empty central store on each backend (migrated once, emptied per test)."""
    backend = request.param
    if backend not in _engines:
        url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "postgres_url")
        _engines[backend] = make_engine(url)
        migrate(_engines[backend])
    _empty(_engines[backend])
    return _engines[backend]


@pytest.fixture
def database_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def enrol(client: TestClient, engine: Engine) -> Enroller:
    """``enrol("bridewell")`` gives a Workstation enrolled through the real endpoint."""
    return Enroller(client, engine)
