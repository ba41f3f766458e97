"""Issue 15.1 and 15.8: the audit chain is anchored by a receipt the central store signs; a log
cut, emptied or rewritten (and re-hashed) by someone with the database key no longer matches it,
and verify-audit says plainly what is missing or changed."""

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select, text

from app.storage import anchor, audit, keycrypto, store
from app.storage.models import AuditEvent, Setting
from app.sync.records import SPECS, to_fields
from tests.storage.conftest import LEAD_PASS

CENTRAL_SEED = bytes(range(32))  # stands in for the central store's signing key
DEVICE = "device-1"


def _receipt(opened, seed=CENTRAL_SEED) -> dict:
    """What the central store returns after a sync: its signature over length and head."""
    with opened.session() as s:
        claim = anchor.claim(s)
    issued = datetime.now(UTC).isoformat(timespec="seconds")
    signed = anchor.sign(seed, DEVICE, claim["audit_length"], claim["audit_head"], issued)
    return signed.__dict__


@pytest.fixture
def anchored(data_dir):
    opened = store.open_store(data_dir, "lead", LEAD_PASS)
    with opened.session() as s:
        for i in range(10):
            audit.record(s, opened.worker, "consultation", "custody_episode", f"ep-{i}")
        anchor.pin_public_key(s, keycrypto.b64(keycrypto.signing_public(CENTRAL_SEED)))
    with opened.session() as s:
        assert anchor.accept(opened, s, _receipt(opened), DEVICE).status == "extends"
    yield opened
    opened.close()


def _tamper(opened, *statements):
    with opened.session() as s:
        for name in ("audit_event_append_only_update", "audit_event_append_only_delete"):
            s.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        for statement in statements:
            s.execute(text(statement))


def _check(opened):
    with opened.session() as s:
        return audit.verify(s), anchor.verify(opened, s)


def test_an_untouched_log_matches_its_receipt_and_counts_what_came_after(anchored):
    with anchored.session() as s:
        audit.record(s, anchored.worker, "consultation", "custody_episode", "ep-new")
    chain, anchored_check = _check(anchored)
    assert chain.ok and anchored_check.ok and anchored_check.status == "extends"
    assert "1 events since are not yet anchored" in anchored_check.message


def test_deleting_the_last_five_events_is_reported_though_the_chain_still_verifies(anchored):
    _tamper(anchored, "DELETE FROM audit_event WHERE seq > (SELECT max(seq) - 5 FROM audit_event)")
    chain, check = _check(anchored)
    assert chain.ok  # what the issue saw: the chain alone says "intact"
    assert check.status == "cut" and check.message.startswith("At least 5 of the")


def test_deleting_every_event_is_reported(anchored):
    _tamper(anchored, "DELETE FROM audit_event")
    chain, check = _check(anchored)
    assert chain.ok and chain.events == 0
    assert check.status == "cut" and "missing here" in check.message


def test_rewriting_an_event_and_recomputing_the_chain_is_reported(anchored):
    with anchored.session() as s:
        events = list(s.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        s.expunge_all()
    _tamper(anchored)
    prev = audit.GENESIS
    with anchored.session() as s:
        for event in events:
            if event.record_id == "ep-3":
                event.record_id = "ep-hidden"
            new_hash = audit.event_digest(event, prev)
            s.execute(
                text("UPDATE audit_event SET record_id=:r, prev_hash=:p, hash=:h WHERE seq=:q"),
                {"r": event.record_id, "p": prev, "h": new_hash, "q": event.seq},
            )
            prev = new_hash
    chain, check = _check(anchored)
    assert chain.ok  # a forger who re-hashes everything passes the chain check
    assert check.status == "changed" and "were changed or removed since" in check.message


def test_a_receipt_signed_by_another_key_is_not_genuine(anchored):
    with anchored.session() as s:
        s.execute(delete(Setting).where(Setting.key == anchor.ANCHOR_SETTING))
    (anchored.data_dir / anchor.ANCHOR_FILE).unlink()
    with anchored.session() as s, pytest.raises(anchor.AnchorRefused, match="not genuine"):
        anchor.accept(anchored, s, _receipt(anchored, seed=os.urandom(32)), DEVICE)
    forged = anchor.sign(os.urandom(32), DEVICE, 1, "0" * 64, "2026-01-01")
    with anchored.session() as s:
        s.add(Setting(key=anchor.ANCHOR_SETTING, value=forged.__dict__))
    assert _check(anchored)[1].status == "forged"


def test_a_receipt_for_a_history_this_log_does_not_hold_is_refused(anchored):
    receipt = _receipt(anchored)
    _tamper(anchored, "DELETE FROM audit_event WHERE seq = (SELECT max(seq) FROM audit_event)")
    with anchored.session() as s, pytest.raises(anchor.AnchorRefused, match="does not match"):
        anchor.accept(anchored, s, receipt, DEVICE)


def test_the_file_copy_of_the_receipt_still_tells_when_the_database_lost_it(anchored):
    # A damaged journal can drop the last commits, the stored receipt among them.
    with anchored.session() as s:
        s.execute(delete(Setting).where(Setting.key == anchor.ANCHOR_SETTING))
    _tamper(anchored, "DELETE FROM audit_event WHERE seq > (SELECT max(seq) - 3 FROM audit_event)")
    assert _check(anchored)[1].status == "cut"


def test_verify_audit_on_the_command_line_says_what_is_missing(anchored):
    _tamper(anchored, "DELETE FROM audit_event WHERE seq > (SELECT max(seq) - 5 FROM audit_event)")
    anchored.close()
    env = {**os.environ, "CJIT_CONFIG": "/nonexistent.toml", "CJIT_PASSPHRASE": LEAD_PASS}
    out = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(anchored.data_dir), "verify-audit",
         "--as", "lead"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert out.returncode == 3, out.stdout + out.stderr
    # Signing in to check added an event: at least 4 are missing, and it says so.
    assert "At least 4 of the" in out.stderr and "missing here" in out.stderr


def test_the_central_store_can_check_that_pushed_events_extend_what_it_holds(anchored):
    # The records exactly as the sync sends them (app/sync/records.py).
    with anchored.session() as s:
        events = list(s.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        wire = [{"id": e.id, **to_fields(SPECS["audit_event"], e)} for e in events]
    assert anchor.extends(audit.GENESIS, wire)
    assert anchor.extends(wire[4]["hash"], wire[5:])
    assert not anchor.extends(wire[4]["hash"], wire[6:])  # a gap
    wire[7] = {**wire[7], "reason": "rewritten"}
    assert not anchor.extends(audit.GENESIS, wire)


def test_the_end_of_shift_summary_names_what_is_missing(anchored):
    from app.config import Settings
    from app.services import sync as sync_service
    from app.services.workspace import Workspace

    ws = Workspace(Settings(data_dir=anchored.data_dir), anchored)
    assert sync_service.audit_failure(ws) is None
    _tamper(anchored, "DELETE FROM audit_event WHERE seq > (SELECT max(seq) - 5 FROM audit_event)")
    failure = sync_service.audit_failure(ws)
    assert "At least 5 of the" in failure.reason and "team leader" in failure.what_to_do
