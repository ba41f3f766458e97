"""The PostgreSQL server the tests use, and throwaway databases on it."""

from __future__ import annotations

import os
import secrets

import psycopg
import pytest

PG_HOST = os.environ.get("CJIT_TEST_PG_HOST", "127.0.0.1")
PG_ADMIN = f"host={PG_HOST} port=5432 user=postgres dbname=test connect_timeout=3"


def pg_unavailable(reason: str) -> None:
    """Skip with the reason — but fail under CI=true, where PostgreSQL is required."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL is required under CI=true but unreachable: {reason}")
    pytest.skip(f"PostgreSQL at {PG_HOST}:5432 (database 'test') is unreachable: {reason}")


def create_database(suffix: str = "") -> str:
    """A uniquely named database (so parallel runs never collide); returns its URL."""
    name = f"cjit_central_test_{secrets.token_hex(6)}{suffix}"
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        pg_unavailable(str(exc).strip().splitlines()[0])
    return f"postgresql+psycopg://postgres@{PG_HOST}:5432/{name}"


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[-1]
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
