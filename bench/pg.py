"""The PostgreSQL the central-store rows use, and their own databases on it.

``CJIT_BENCH_PG`` (default ``host=127.0.0.1 port=5432 user=postgres dbname=test``) is where the
benchmark connects to create its databases; their names start with ``CJIT_BENCH_PG_PREFIX``
(default ``cjit_bench_``), so a benchmark never touches anyone else's. Where PostgreSQL is not
reachable the rows that need it are skipped with the reason.
"""

from __future__ import annotations

import os

ADMIN = os.environ.get("CJIT_BENCH_PG", "host=127.0.0.1 port=5432 user=postgres dbname=test")
PREFIX = os.environ.get("CJIT_BENCH_PG_PREFIX", "cjit_bench_")


def unreachable() -> str | None:
    """None when PostgreSQL answers; else why not, in one line."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (the central extra)"
    try:
        with psycopg.connect(ADMIN + " connect_timeout=3", autocommit=True) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return f"PostgreSQL ({ADMIN}) is unreachable: {str(exc).strip().splitlines()[0]}"
    return None


def _params() -> dict[str, str]:
    return dict(part.split("=", 1) for part in ADMIN.split())


def url(name: str) -> str:
    p = _params()
    return (f"postgresql+psycopg://{p.get('user', 'postgres')}@{p.get('host', '127.0.0.1')}:"
            f"{p.get('port', '5432')}/{PREFIX}{name}")  # fmt: skip


def dsn(name: str) -> str:
    p = {**_params(), "dbname": PREFIX + name}
    return " ".join(f"{k}={v}" for k, v in p.items())


def exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(ADMIN, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PREFIX + name,))
        return found.fetchone() is not None


def fresh(name: str) -> str:
    """Drop (if there) and create ``PREFIX + name``; returns its SQLAlchemy URL."""
    import psycopg

    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PREFIX}{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PREFIX}{name}"')
    return url(name)


def drop(name: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PREFIX}{name}" WITH (FORCE)')
