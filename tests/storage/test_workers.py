import pytest

from app.storage import store
from app.storage.keyslots import KeySlotError, WrongPassphrase
from tests.storage.conftest import LEAD_PASS, WORKER_PASS


def _db_header(data_dir) -> bytes:
    # SQLCipher's first 16 bytes are the database salt: re-encryption would change them.
    return (data_dir / "cjit.db").read_bytes()[:16]


def test_adding_a_worker_gives_them_a_slot_without_re_encrypting(data_dir):
    before = _db_header(data_dir)
    lead = store.open_store(data_dir, "lead", LEAD_PASS)
    try:
        lead.add_worker("bo.new", "Bo New", "bo's passphrase")
    finally:
        lead.close()
    assert _db_header(data_dir) == before
    store.open_store(data_dir, "bo.new", "bo's passphrase").close()


def test_a_removed_worker_can_no_longer_unlock_and_others_still_can(data_dir):
    lead = store.open_store(data_dir, "lead", LEAD_PASS)
    try:
        lead.remove_worker("ann")
        assert [w.username for w in lead.workers()] == ["lead"]
    finally:
        lead.close()
    with pytest.raises(KeySlotError, match="no worker called 'ann'"):
        store.open_store(data_dir, "ann", WORKER_PASS)
    store.open_store(data_dir, "lead", LEAD_PASS).close()


def test_only_a_team_leader_may_add_workers(data_dir):
    ann = store.open_store(data_dir, "ann", WORKER_PASS)
    try:
        with pytest.raises(store.NotAllowed, match="Only a team leader"):
            ann.add_worker("eve", "Eve", "eve's passphrase")
    finally:
        ann.close()


def test_a_username_that_exists_is_refused(data_dir):
    lead = store.open_store(data_dir, "lead", LEAD_PASS)
    try:
        with pytest.raises(store.StoreError, match="already a worker called 'ann'"):
            lead.add_worker("Ann", "Ann Again", "another passphrase")
    finally:
        lead.close()


def test_the_recovery_key_unlocks_and_resets_a_forgotten_passphrase(data_dir, recovery_key):
    # Typed from paper: lower case, spaces instead of hyphens.
    typed = recovery_key.lower().replace("-", " ")
    rescue = store.open_with_recovery_key(data_dir, typed)
    try:
        rescue.reset_passphrase("lead", "a brand new passphrase")
    finally:
        rescue.close()
    with pytest.raises(WrongPassphrase):
        store.open_store(data_dir, "lead", LEAD_PASS)
    store.open_store(data_dir, "lead", "a brand new passphrase").close()


def test_a_wrong_recovery_key_is_refused(data_dir):
    with pytest.raises(WrongPassphrase, match="recovery key is wrong"):
        store.open_with_recovery_key(data_dir, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")


def test_a_team_leader_resets_a_workers_passphrase(data_dir):
    lead = store.open_store(data_dir, "lead", LEAD_PASS)
    try:
        lead.reset_passphrase("ann", "ann's fresh passphrase")
    finally:
        lead.close()
    store.open_store(data_dir, "ann", "ann's fresh passphrase").close()


def test_another_worker_unlocking_a_locked_window_is_audited(data_dir):
    from sqlalchemy import select

    from app.storage.models import AuditEvent

    lead = store.open_store(data_dir, "lead", LEAD_PASS)
    try:
        lead.switch_worker("ann", WORKER_PASS)
        assert lead.worker.username == "ann" and lead.role == "worker"
        with lead.session() as s:
            last = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert (last.actor, last.action, last.detail["event"]) == (
            "ann",
            "authentication",
            "switched",
        )
    finally:
        lead.close()


def test_a_new_recovery_key_replaces_the_old_one(data_dir, recovery_key):
    lead = store.open_store(data_dir, "lead", LEAD_PASS)
    try:
        new_key = lead.new_recovery_key()
    finally:
        lead.close()
    with pytest.raises(WrongPassphrase, match="recovery key is wrong"):
        store.open_with_recovery_key(data_dir, recovery_key)
    store.open_with_recovery_key(data_dir, new_key).close()


def test_only_a_team_leader_may_replace_the_recovery_key(data_dir):
    ann = store.open_store(data_dir, "ann", WORKER_PASS)
    try:
        with pytest.raises(store.NotAllowed):
            ann.new_recovery_key()
    finally:
        ann.close()
