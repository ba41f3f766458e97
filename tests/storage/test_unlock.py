import dataclasses

import pytest

from app.storage import store
from app.storage.keyslots import KeySlotError, KeySlotFile, WrongPassphrase
from app.storage.passphrase import WeakPassphrase
from app.storage.throttle import TooManyTries, UnlockThrottle, wait_after
from tests.storage.conftest import LEAD_PASS, WORKER_PASS


def test_a_worker_unlocks_with_their_own_passphrase(data_dir):
    opened = store.open_store(data_dir, "ann", WORKER_PASS)
    try:
        assert opened.worker.username == "ann"
        assert opened.role == "worker"
    finally:
        opened.close()


def test_a_wrong_passphrase_says_so_and_how_many_tries_are_left(data_dir):
    with pytest.raises(WrongPassphrase, match="wrong. 2 more tries before a 30-second wait"):
        store.open_store(data_dir, "ann", "not the passphrase")
    with pytest.raises(WrongPassphrase, match="1 more try before"):
        store.open_store(data_dir, "ann", "still not it")


def test_repeated_wrong_passphrases_bring_an_increasing_wait(data_dir):
    now = [1000.0]
    throttle = UnlockThrottle(data_dir / "t.json", clock=lambda: now[0])
    for _ in range(3):
        throttle.failed("ann")
    with pytest.raises(TooManyTries, match="Wait 30 seconds"):
        throttle.check("ann")
    now[0] += 31
    throttle.check("ann")
    assert "60 seconds" in throttle.failed("ann")
    assert [wait_after(n) for n in range(1, 8)] == [0, 0, 30, 60, 120, 240, 480]
    assert wait_after(50) == 15 * 60


def test_the_wait_applies_even_to_the_right_passphrase(data_dir):
    for _ in range(3):
        with pytest.raises(WrongPassphrase):
            store.open_store(data_dir, "ann", "wrong passphrase")
    with pytest.raises(TooManyTries):
        store.open_store(data_dir, "ann", WORKER_PASS)


def test_a_success_clears_the_count_of_failures(data_dir):
    with pytest.raises(WrongPassphrase):
        store.open_store(data_dir, "ann", "wrong passphrase")
    store.open_store(data_dir, "ann", WORKER_PASS).close()
    with pytest.raises(WrongPassphrase, match="2 more tries"):
        store.open_store(data_dir, "ann", "wrong again")


def test_an_unknown_worker_is_named_in_the_message(data_dir):
    with pytest.raises(KeySlotError, match="no worker called 'bob'"):
        store.open_store(data_dir, "bob", WORKER_PASS)


def test_a_missing_data_directory_points_to_set_up(tmp_path):
    with pytest.raises(KeySlotError, match="Run the set-up first"):
        store.open_store(tmp_path / "nowhere", "ann", WORKER_PASS)


def test_a_slot_copied_under_another_name_does_not_open(data_dir):
    slots = KeySlotFile.load(data_dir / "keyslots.json")
    slots.slots["eve"] = dataclasses.replace(slots.slots["ann"], name="eve")
    with pytest.raises(WrongPassphrase):
        slots.unlock("eve", WORKER_PASS)


def test_a_short_passphrase_is_refused_with_the_rule(tmp_path):
    with pytest.raises(WeakPassphrase, match="at least 10 characters"):
        store.initialise(tmp_path / "d", "lead", "Lead", "short")
    assert not (tmp_path / "d" / "keyslots.json").exists()


def test_the_team_leader_sees_their_role(data_dir):
    opened = store.open_store(data_dir, "lead", LEAD_PASS)
    try:
        assert opened.role == "team_leader"
    finally:
        opened.close()
