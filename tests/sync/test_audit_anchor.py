"""Issue 15.1 end to end, with the real central service: a worker who can unlock the workstation
cuts or rewrites the audit log (and re-hashes the chain, and deletes the receipt they had); the
next sync says so, and verify-audit says what is missing (docs/security.md)."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import select, text

from app.storage import anchor, audit
from app.storage.models import AuditEvent, Setting
from tests.sync.conftest import PASS, ROOT, enrolled
from tests.sync.helpers import new_episode, sync


def _tamper(ws, *statements: str) -> None:
    """What a worker with the key can do with their own SQL: drop the triggers, edit, and
    delete the receipt kept in the database and beside it."""
    with ws.store.session() as s:
        for name in ("audit_event_append_only_update", "audit_event_append_only_delete"):
            s.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        for statement in statements:
            s.execute(text(statement))
        s.execute(text("DELETE FROM setting WHERE key = :k"), {"k": anchor.ANCHOR_SETTING})
    (ws.store.data_dir / anchor.ANCHOR_FILE).unlink(missing_ok=True)


def _synced_and_anchored(ws) -> int:
    new_episode(ws, "Smith")
    summary = sync(ws)
    assert summary.failures == [], summary.failures
    with ws.store.session() as s:
        check = anchor.verify(ws.store, s)
        length = len(anchor.chain_hashes(s))
    assert check.status == "extends" and check.anchored_length == length  # all anchored
    return length


def _verify_audit(ws) -> subprocess.CompletedProcess:
    data_dir = ws.store.data_dir
    ws.close()
    env = {**os.environ, "CJIT_CONFIG": "/nonexistent.toml", "CJIT_PASSPHRASE": PASS}
    return subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "verify-audit", "--as", "ann"],
        capture_output=True, text=True, env=env, timeout=120, cwd=ROOT,
    )  # fmt: skip


def _text(summary) -> str:
    return " ".join(f"{f.reason} {f.what_to_do}" for f in summary.failures)


def test_a_sync_anchors_the_log_and_the_next_one_extends_it(central, tmp_path, suite):
    ws = enrolled(central, tmp_path / "a", suite)
    first = _synced_and_anchored(ws)
    assert _synced_and_anchored(ws) > first
    ws.close()


def test_deleting_the_last_five_events_is_reported_by_the_next_sync(central, tmp_path, suite):
    ws = enrolled(central, tmp_path / "a", suite)
    length = _synced_and_anchored(ws)
    _tamper(ws, "DELETE FROM audit_event WHERE seq > (SELECT max(seq) - 5 FROM audit_event)")
    with ws.store.session() as s:
        assert audit.verify(s).ok  # what the issue saw: the chain alone says "intact"
        assert anchor.verify(ws.store, s).status == "not_anchored"  # receipt deleted too
    summary = sync_service_summary(ws)
    said = _text(summary)
    assert "refused this workstation's audit log" in said
    assert f"holds {length} from it" in said and "team leader" in said
    out = _verify_audit(ws)
    assert out.returncode == 3, out.stdout + out.stderr
    assert f"of the {length} events the central store acknowledged" in out.stderr
    assert "missing here" in out.stderr


def test_a_rewritten_and_rehashed_event_is_reported_by_the_next_sync(central, tmp_path, suite):
    ws = enrolled(central, tmp_path / "a", suite)
    length = _synced_and_anchored(ws)
    with ws.store.session() as s:
        events = list(s.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        s.expunge_all()
    statements, prev = [], audit.GENESIS
    for event in events:  # one event rewritten, the chain recomputed from it on
        if event.seq == 3:
            event.reason = "nothing to see"
        event_hash = audit.event_digest(event, prev)
        statements.append(
            f"UPDATE audit_event SET reason={_quote(event.reason)}, prev_hash='{prev}', "
            f"hash='{event_hash}' WHERE seq={event.seq}"
        )
        prev = event_hash
    _tamper(ws, *statements)
    with ws.store.session() as s:
        assert audit.verify(s).ok and len(anchor.chain_hashes(s)) == length
    said = _text(sync_service_summary(ws))
    assert "do not follow the entries it already holds" in said
    assert "were changed or removed since" in said  # the receipt it got back, compared here
    out = _verify_audit(ws)
    assert out.returncode == 3 and "were changed or removed since" in out.stderr, out.stderr
    assert f"(the first {length})" in out.stderr


def test_the_summary_names_the_refusal_once_however_many_entries_follow(central, tmp_path, suite):
    ws = enrolled(central, tmp_path / "a", suite)
    _synced_and_anchored(ws)
    _tamper(ws, "DELETE FROM audit_event WHERE seq = (SELECT max(seq) FROM audit_event)")
    for _ in range(3):
        new_episode(ws, "Jones")
    summary = sync_service_summary(ws)
    lines = [f.reason for f in summary.failures if "audit log" in f.reason]
    assert any("refused" in line and "new entries" in line for line in lines)
    assert not any(line.startswith("The central store did not accept") for line in lines)
    ws.close()


def sync_service_summary(ws):
    from app.services import sync as sync_service

    summary = sync_service.sync_now(ws)
    assert not summary.offline and summary.failures, summary
    return summary


def _quote(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def test_the_workstation_pins_the_central_store_key_at_enrolment(central, tmp_path, suite):
    ws = enrolled(central, tmp_path / "a", suite)
    with ws.store.session() as s:
        pinned = s.get(Setting, anchor.ANCHOR_KEY_SETTING)
    assert pinned is not None and len(pinned.value) == 44  # base64 of 32 bytes
    ws.close()


def test_a_workstation_enrolled_before_receipts_existed_pins_the_key_at_its_next_sync(
    central, tmp_path, suite
):
    ws = enrolled(central, tmp_path / "a", suite)
    with ws.store.session() as s:  # as enrolment answered before the anchor: no key
        s.execute(text("DELETE FROM setting WHERE key = :k"), {"k": anchor.ANCHOR_KEY_SETTING})
    _synced_and_anchored(ws)
    with ws.store.session() as s:
        assert anchor.pinned(s)
    ws.close()
