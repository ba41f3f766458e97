"""The Alembic migrations build exactly the schema the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from central.db import make_engine, migrate
from central.models import Base


def test_the_migrated_schema_matches_the_models(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_migrating_twice_changes_nothing(engine):
    migrate(engine)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == "0005"


def test_a_fresh_sqlite_file_is_created_and_migrated(tmp_path):
    fresh = make_engine(f"sqlite:///{tmp_path / 'sub' / 'central.db'}")
    migrate(fresh)
    assert (tmp_path / "sub" / "central.db").is_file()
    fresh.dispose()
