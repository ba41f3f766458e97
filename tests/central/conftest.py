"""Fixtures for the central store: every API test runs on SQLite and on PostgreSQL.

PostgreSQL is the server at 127.0.0.1:5432 (database ``test`` to connect, then a uniquely named
``cjit_central_test_<random>`` database for this session, dropped at the end). When it cannot
be reached the PostgreSQL half is skipped with the reason — except under CI=true, where a
missing PostgreSQL is a failure, not a skip.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from central.api import create_app
from central.db import make_engine, migrate
from central.models import Base
from tests.central.helpers import Enroller
from tests.central.pg import create_database, drop_database


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh database for this test session; several sessions can run side by side."""
    url = create_database()
    yield url
    drop_database(url)


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
