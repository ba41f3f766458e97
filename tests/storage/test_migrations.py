import os

from sqlalchemy import inspect, text

from app.storage import migrate
from app.storage.engine import make_engine
from app.storage.migrate import head_revision


def test_a_database_made_by_the_first_migration_upgrades_to_head_keeping_its_data(tmp_path):
    engine = make_engine(tmp_path / "old.db", os.urandom(32))
    migrate.upgrade(engine, "0001")
    assert migrate.current_revision(engine) == "0001"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO worker (id, username, display_name, role, active, created_at) "
                "VALUES ('w1', 'ann', 'Ann', 'worker', 1, '2026-01-01T00:00:00+00:00')"
            )
        )
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == head_revision()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT username FROM worker")).scalar_one() == "ann"
    tables = set(inspect(engine).get_table_names())
    assert {
        "worker",
        "person",
        "custody_episode",
        "form_record",
        "form_record_version",
        "appointment",
        "notice",
        "audit_event",
        "reference_document",
        "setting",
    } <= tables
    engine.dispose()


def test_upgrading_a_current_database_is_a_no_op(tmp_path):
    engine = make_engine(tmp_path / "new.db", os.urandom(32))
    migrate.upgrade(engine)
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == head_revision()
    engine.dispose()
