"""Issue 11.11: a set-up killed with SIGKILL at any step leaves a folder that is either set up
(it unlocks) or can be set up again (set-up succeeds) — never one that does neither."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.storage import keyslots, store

PASS = "lead passphrase 1"


@pytest.fixture
def cheap_argon2(monkeypatch):
    monkeypatch.setitem(keyslots.ARGON2_PARAMS, "time_cost", 1)
    monkeypatch.setitem(keyslots.ARGON2_PARAMS, "memory_cost", 8192)
    monkeypatch.setitem(keyslots.ARGON2_PARAMS, "parallelism", 1)


def _killed_at_every_step(base: Path, operation: str, *args: str) -> list[dict]:
    out = subprocess.run(
        [sys.executable, "-m", "tests.storage.crash_driver", operation, str(base), *args],
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return [json.loads(line) for line in out.stdout.splitlines()]


def _unlocks(data_dir: Path) -> None:
    opened = store.open_store(data_dir, "lead", PASS)
    try:
        assert opened.role == "team_leader"
        assert [w.username for w in opened.workers()] == ["lead"]
    finally:
        opened.close()


@pytest.mark.slow
def test_a_set_up_killed_at_any_step_can_be_unlocked_or_set_up_again(tmp_path, cheap_argon2):
    runs = _killed_at_every_step(tmp_path, "init", PASS)
    killed = [r for r in runs if r["killed"]]
    # Every file write, rename, removal, SQL statement and commit of a set-up is a kill point.
    assert len(killed) > 50 and not runs[-1]["killed"]
    outcomes = {"set_up": 0, "again": 0}
    for run in killed:
        data_dir = Path(run["dir"])
        if store.is_initialised(data_dir):
            outcomes["set_up"] += 1
        else:
            with pytest.raises(store.KeySlotError):  # nothing to unlock: says to run set-up
                store.open_store(data_dir, "lead", PASS)
            store.initialise(data_dir, "lead", "Team Lead", PASS)[0].close()
            outcomes["again"] += 1
        _unlocks(data_dir)
    # Both kinds happened: the commit point (keyslots.json written last) lies inside the steps.
    assert outcomes["set_up"] >= 1 and outcomes["again"] >= 1, outcomes


def test_a_database_without_its_slot_file_and_without_the_marker_is_not_overwritten(
    tmp_path, cheap_argon2
):
    data_dir = tmp_path / "data"
    store.initialise(data_dir, "lead", "Team Lead", PASS)[0].close()
    (data_dir / "keyslots.json").unlink()
    before = (data_dir / "cjit.db").read_bytes()
    with pytest.raises(store.StoreDamaged, match="keyslots.json is missing"):
        store.initialise(data_dir, "lead", "Team Lead", PASS)
    with pytest.raises(store.StoreDamaged, match="restore keyslots.json from the backup"):
        store.open_store(data_dir, "lead", PASS)
    assert (data_dir / "cjit.db").read_bytes() == before


def test_an_interrupted_set_up_says_to_run_the_set_up_again(tmp_path, cheap_argon2):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "setup-in-progress").write_text("x")
    (data_dir / "cjit.db").write_bytes(b"half a database")
    with pytest.raises(store.KeySlotError, match="interrupted before it finished.*set-up again"):
        store.open_store(data_dir, "lead", PASS)
    store.initialise(data_dir, "lead", "Team Lead", PASS)[0].close()
    _unlocks(data_dir)
    assert not (data_dir / "setup-in-progress").exists()
