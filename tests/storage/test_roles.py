"""Issue 15.2: a role is a key, not a column. A worker who edits their role in the database (or
in keyslots.json) gains nothing, and the edit is put back and written to the audit log."""

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import select, text

from app.storage import store
from app.storage.keyslots import WrongPassphrase
from app.storage.models import AuditEvent, Worker
from tests.storage.conftest import LEAD_PASS, WORKER_PASS


def _promote_in_the_database(data_dir, username="ann", role="team_leader"):
    # What the worker did: one SQL UPDATE with the key their own passphrase unlocks.
    opened = store.open_store(data_dir, "ann", WORKER_PASS)
    try:
        with opened.session() as s:
            s.execute(
                text("UPDATE worker SET role = :r WHERE username = :u"), {"r": role, "u": username}
            )
    finally:
        opened.close()


def _events(opened, name):
    with opened.session() as s:
        return [
            e
            for e in s.scalars(select(AuditEvent).order_by(AuditEvent.seq))
            if e.detail.get("event") == name
        ]


def test_a_role_edited_in_the_database_grants_nothing_and_is_put_back_and_audited(data_dir):
    _promote_in_the_database(data_dir)
    ann = store.open_store(data_dir, "ann", WORKER_PASS)
    try:
        assert ann.role == "worker"
        with pytest.raises(store.NotAllowed):
            ann.add_worker("eve", "Eve", "eve's long passphrase")
        with pytest.raises(store.NotAllowed):
            ann.reset_passphrase("lead", "ann chose this one for lead")
        with ann.session() as s:
            assert s.scalar(select(Worker.role).where(Worker.username == "ann")) == "worker"
        (event,) = _events(ann, "role_mismatch")
        assert (
            event.detail["recorded"] == "team_leader" and event.detail["proved_by_keys"] == "worker"
        )
    finally:
        ann.close()
    store.open_store(data_dir, "lead", LEAD_PASS).close()  # the lead's passphrase still works


def test_through_the_command_line_the_promoted_worker_is_refused_too(data_dir):
    _promote_in_the_database(data_dir)
    env = {**os.environ, "CJIT_CONFIG": "/nonexistent.toml", "CJIT_PASSPHRASE": WORKER_PASS}
    env["CJIT_NEW_PASSPHRASE"] = "ann chose this one for lead"
    out = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "reset-passphrase",
         "--as", "ann", "--worker", "lead"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert out.returncode != 0 and "Only a team leader" in out.stderr, out.stderr
    with pytest.raises(WrongPassphrase):
        store.open_store(data_dir, "lead", "ann chose this one for lead")
    store.open_store(data_dir, "lead", LEAD_PASS).close()


def test_a_team_leader_demoted_in_the_database_keeps_their_authority(data_dir):
    _promote_in_the_database(data_dir, username="lead", role="worker")
    lead = store.open_store(data_dir, "lead", LEAD_PASS)
    try:
        assert lead.role == "team_leader"
        lead.add_worker("bo.new", "Bo New", "bo's long passphrase")
        assert [e.detail["recorded"] for e in _events(lead, "role_mismatch")] == ["worker"]
    finally:
        lead.close()


def test_a_worker_given_the_team_leader_role_in_the_slot_file_gains_nothing(data_dir):
    path = data_dir / "keyslots.json"
    doc = json.loads(path.read_text())
    doc["roster"]["members"]["ann"]["role"] = "team_leader"
    path.write_text(json.dumps(doc))
    ann = store.open_store(data_dir, "ann", WORKER_PASS)
    try:
        assert ann.role == "worker"
        (event,) = _events(ann, "roster_check_failed")
        assert "fails its" in event.reason
    finally:
        ann.close()


def test_a_roster_re_signed_with_a_key_of_ones_own_is_caught_by_the_audit_log(data_dir):
    # An insider who writes code: a new team-leader key pair, the roster re-signed with it and
    # granted to their own slot. The slot file is then self-consistent; the audit log (anchored
    # at the central store once synced) names the real key.
    from app.storage import keycrypto as kc
    from app.storage.keyslots import Keys, make_grant
    from app.storage.slotfile import KeySlotFile

    slots = KeySlotFile.load(data_dir / "keyslots.json")
    ann_keys = slots.unlock("ann", WORKER_PASS).keys[0]
    forged = Keys(ann_keys.generation, ann_keys.db_key, os.urandom(32))
    slots.members["ann"]["role"] = "team_leader"
    slots.grants = [g for g in slots.grants if g.name != "ann"]
    slots.grants.append(make_grant(slots.slots["ann"], forged, "team_leader"))
    slots._seal_roster(forged.tl_key)
    slots.save()
    assert slots.role_of(slots.unlock("ann", WORKER_PASS)) == ("team_leader", None)
    ann = store.open_store(data_dir, "ann", WORKER_PASS)
    try:
        assert ann.role == "worker"
        (event,) = _events(ann, "roster_check_failed")
        assert "the audit log does not name" in event.reason
        assert kc.fingerprint(kc.signing_public(forged.tl_key)) == slots.tl_fingerprint
    finally:
        ann.close()


def test_the_recovery_key_acts_as_a_team_leader(data_dir, recovery_key):
    rescue = store.open_with_recovery_key(data_dir, recovery_key)
    try:
        assert rescue.role == "team_leader"
        rescue.reset_passphrase("ann", "a brand new passphrase")
    finally:
        rescue.close()
    store.open_store(data_dir, "ann", "a brand new passphrase").close()


def test_a_worker_changes_their_own_passphrase_without_the_team_leader_key(data_dir):
    ann = store.open_store(data_dir, "ann", WORKER_PASS)
    try:
        ann.reset_passphrase("ann", "ann's fresh long passphrase")
    finally:
        ann.close()
    ann = store.open_store(data_dir, "ann", "ann's fresh long passphrase")
    try:
        assert ann.role == "worker" and _events(ann, "roster_check_failed") == []
    finally:
        ann.close()
