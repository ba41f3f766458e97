"""Issue 15.3: removing a worker re-keys the store, so their old copy of keyslots.json opens
nothing; a team leader can re-key on demand; a kill at any point leaves a database and a slot
file that agree."""

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from app.storage import store
from app.storage.engine import WrongKeyError, make_engine
from app.storage.models import Person
from app.storage.slotfile import KeySlotFile
from tests.storage.conftest import LEAD_PASS, WORKER_PASS


def _opens(db_path: Path, key: bytes) -> bool:
    try:
        engine = make_engine(db_path, key)
        with engine.connect():
            pass
    except WrongKeyError:
        return False
    engine.dispose()
    return True


def _old_copy_opens(data_dir: Path, old_slots: Path, name: str, passphrase: str) -> bool:
    """What a removed worker holds: their copy of the slot file and their passphrase."""
    key = KeySlotFile.load(old_slots).unlock(name, passphrase).keys[0].db_key
    return _opens(data_dir / "cjit.db", key)


def test_a_removed_workers_old_slot_file_no_longer_opens_the_data(data_dir, tmp_path):
    kept = tmp_path / "anns-copy.json"
    shutil.copy(data_dir / "keyslots.json", kept)
    assert _old_copy_opens(data_dir, kept, "ann", WORKER_PASS)
    lead = store.open_store(data_dir, "lead", LEAD_PASS)
    try:
        lead.remove_worker("ann")
    finally:
        lead.close()
    assert not _old_copy_opens(data_dir, kept, "ann", WORKER_PASS)
    # Put back in the data folder, the old file is named for what it is; nothing opens.
    shutil.copy(kept, data_dir / "keyslots.json")
    with pytest.raises(store.StoreDamaged, match="older than the database"):
        store.open_store(data_dir, "ann", WORKER_PASS)


def test_everyone_who_remains_still_unlocks_after_a_removal(data_dir, recovery_key):
    lead = store.open_store(data_dir, "lead", LEAD_PASS)
    try:
        lead.add_worker("bo.new", "Bo New", "bo's long passphrase")
        lead.remove_worker("ann")
    finally:
        lead.close()
    store.open_store(data_dir, "bo.new", "bo's long passphrase").close()
    store.open_with_recovery_key(data_dir, recovery_key).close()
    lead = store.open_store(data_dir, "lead", LEAD_PASS)
    try:
        assert [w.username for w in lead.workers()] == ["bo.new", "lead"]
        assert lead.keys.generation == 2
    finally:
        lead.close()


def test_a_removed_team_leaders_old_slot_file_gives_no_authority(data_dir, tmp_path):
    lead = store.open_store(data_dir, "lead", LEAD_PASS)
    try:
        lead.add_worker("kim", "Kim Lead", "kim's long passphrase", role="team_leader")
        shutil.copy(data_dir / "keyslots.json", tmp_path / "kims-copy.json")
        lead.remove_worker("kim")
    finally:
        lead.close()
    old = KeySlotFile.load(tmp_path / "kims-copy.json").unlock("kim", "kim's long passphrase")
    current = KeySlotFile.load(data_dir / "keyslots.json")
    assert not _opens(data_dir / "cjit.db", old.keys[0].db_key)
    assert old.keys[0].tl_key is not None
    from app.storage import keycrypto as kc

    assert kc.b64(kc.signing_public(old.keys[0].tl_key)) != current.tl_public_key


def test_a_team_leader_re_keys_on_demand_and_a_worker_cannot(data_dir, tmp_path):
    shutil.copy(data_dir / "keyslots.json", tmp_path / "copy.json")
    ann = store.open_store(data_dir, "ann", WORKER_PASS)
    try:
        with pytest.raises(store.NotAllowed, match="re-key"):
            ann.rekey()
    finally:
        ann.close()
    env = {**os.environ, "CJIT_CONFIG": "/nonexistent.toml", "CJIT_PASSPHRASE": LEAD_PASS}
    out = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "rekey", "--as", "lead"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "re-keyed" in out.stdout
    assert not _old_copy_opens(data_dir, tmp_path / "copy.json", "ann", WORKER_PASS)
    store.open_store(data_dir, "ann", WORKER_PASS).close()


def _state_after(data_dir: Path, old_slots: Path) -> str:
    """'removed' (the old copy opens nothing, ann is gone, lead unlocks) or 'not removed'."""
    if "ann" in KeySlotFile.load(data_dir / "keyslots.json").usernames():
        store.open_store(data_dir, "ann", WORKER_PASS).close()
        return "not removed"
    lead = store.open_store(data_dir, "lead", LEAD_PASS)  # also finishes an interrupted re-key
    try:
        assert [w.username for w in lead.workers()] == ["lead"]
    finally:
        lead.close()
    assert not _old_copy_opens(data_dir, old_slots, "ann", WORKER_PASS)
    assert json.loads((data_dir / "keyslots.json").read_text())["roster"]["generation"] == 2
    return "removed"


@pytest.mark.slow
def test_a_removal_killed_at_any_step_leaves_keys_and_database_that_agree(tmp_path, cheap_store):
    out = subprocess.run(
        [sys.executable, "-m", "tests.storage.crash_driver", "remove-worker", str(tmp_path / "k"),
         LEAD_PASS, "ann", WORKER_PASS],
        capture_output=True, text=True, timeout=280,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    runs = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(runs) > 20 and not runs[-1]["killed"]
    template = tmp_path / "k" / "template" / "keyslots.json"
    outcomes = [_state_after(Path(r["dir"]), template) for r in runs]
    assert "removed" in outcomes and "not removed" in outcomes
    assert any("rekey" in r["what"] for r in runs), "a kill must land on the re-encryption"


def _big_store(data_dir: Path) -> None:
    lead = store.open_store(data_dir, "lead", LEAD_PASS)
    try:
        with lead.session() as s:
            s.add_all(Person(family_name=f"P{i}", given_names="x" * 3000) for i in range(3000))
    finally:
        lead.close()


@pytest.mark.slow
def test_a_removal_killed_during_the_re_encryption_leaves_keys_and_database_that_agree(
    tmp_path, cheap_store
):
    _big_store(cheap_store)
    old_slots = tmp_path / "old.json"
    shutil.copy(cheap_store / "keyslots.json", old_slots)
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from app.storage import store
        lead = store.open_store(Path(sys.argv[1]), "lead", {LEAD_PASS!r})
        print("go", flush=True)
        lead.remove_worker("ann")
        lead.close()
        print("done", flush=True)
    """)
    outcomes = []
    for delay_ms in range(0, 600, 40):
        data_dir = tmp_path / f"t{delay_ms}"
        shutil.copytree(cheap_store, data_dir)
        proc = subprocess.Popen(
            [sys.executable, "-c", code, str(data_dir)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout.readline().strip() == "go"
        time.sleep(delay_ms / 1000)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        outcomes.append(_state_after(data_dir, old_slots))
    assert "removed" in outcomes, outcomes
