"""The path the damage message gives: keep a copy, go on with what can be read, or start again."""

import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from app.storage import recovery, store, wal
from app.storage.models import AuditEvent, Person
from tests.storage.conftest import FRAME, LEAD_PASS, WORKER_PASS, flip, killed_after_commits


@pytest.fixture
def damaged_journal(cheap_store):
    killed_after_commits(cheap_store)
    flip(cheap_store / "cjit.db-wal", 32 + 8 * FRAME + 500)  # inside the 9th frame
    return cheap_store


def _copies(data_dir) -> list:
    return sorted(p for p in data_dir.iterdir() if p.name.startswith("damaged-"))


def test_a_team_leader_goes_on_with_what_can_be_read_and_the_loss_is_audited(damaged_journal):
    data_dir = damaged_journal
    damaged_wal = (data_dir / "cjit.db-wal").read_bytes()
    said = recovery.recover(data_dir, "lead", LEAD_PASS)
    assert "opens again with what could be read" in said and "journal was damaged" in said
    (copy,) = _copies(data_dir)
    assert (copy / "cjit.db-wal").read_bytes() == damaged_wal
    assert oct((copy / "cjit.db-wal").stat().st_mode & 0o777) == "0o600"
    opened = store.open_store(data_dir, "ann", WORKER_PASS)
    try:
        with opened.session() as s:
            people = s.scalar(select(func.count()).select_from(Person))
            event = s.scalar(
                select(AuditEvent).where(
                    AuditEvent.detail["event"].as_string() == "damage_recovered"
                )
            )
    finally:
        opened.close()
    assert 0 <= people < 20  # what the journal held after the damage is gone
    assert event.actor == "lead" and event.detail["copy"] == copy.name
    assert "damaged at frame 9" in event.detail["journal"]


def test_a_plain_worker_cannot_recover(damaged_journal):
    with pytest.raises(store.NotAllowed, match="Only a team leader"):
        recovery.recover(damaged_journal, "ann", WORKER_PASS)


def test_an_unreadable_database_is_kept_and_the_workstation_can_be_set_up_again(cheap_store):
    data_dir = cheap_store
    flip(data_dir / "cjit.db", 4096 * 6 + 100)
    with pytest.raises(recovery.CannotRecover, match="--start-again"):
        recovery.recover(data_dir, "lead", LEAD_PASS)
    said = recovery.recover(data_dir, "lead", LEAD_PASS, start_again=True)
    assert "Set this workstation up again" in said
    assert not store.is_initialised(data_dir) and not (data_dir / "cjit.db").exists()
    assert all((c / "cjit.db").exists() for c in _copies(data_dir))
    store.initialise(data_dir, "lead", "Lead", LEAD_PASS)[0].close()
    store.open_store(data_dir, "lead", LEAD_PASS).close()


def test_recover_from_the_command_line_prints_what_was_done(damaged_journal):
    env = {**os.environ, "CJIT_CONFIG": "/nonexistent.toml", "CJIT_PASSPHRASE": LEAD_PASS}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "--data-dir",
            str(damaged_journal),
            "recover",
            "--as",
            "lead",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "opens again" in out.stdout and "Traceback" not in out.stderr
    assert wal.check(damaged_journal / "cjit.db").problem is None


def test_verify_audit_checks_every_page_and_names_damage(cheap_store):
    pages = (cheap_store / "cjit.db").stat().st_size // 4096
    flip(cheap_store / "cjit.db", (pages - 1) * 4096 + 700)  # an index page no unlock reads
    env = {**os.environ, "CJIT_CONFIG": "/nonexistent.toml", "CJIT_PASSPHRASE": LEAD_PASS}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "--data-dir",
            str(cheap_store),
            "verify-audit",
            "--as",
            "lead",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 4, out.stderr
    assert "database on this workstation is damaged" in out.stderr
    assert "Traceback" not in out.stderr
