import pytest
from sqlalchemy import exc, select, text

from app.storage import audit, store
from app.storage.models import AuditEvent
from tests.storage.conftest import LEAD_PASS


@pytest.fixture
def lead(data_dir):
    opened = store.open_store(data_dir, "lead", LEAD_PASS)
    with opened.session() as s:
        for i in range(5):
            audit.record(
                s,
                opened.worker,
                "consultation",
                "custody_episode",
                f"ep-{i}",
                reason="checking history",
            )
    yield opened
    opened.close()


def _bypass_triggers(session):
    for name in ("audit_event_append_only_update", "audit_event_append_only_delete"):
        session.execute(text(f"DROP TRIGGER {name}"))


def test_an_untouched_log_verifies(lead):
    with lead.session() as s:
        result = audit.verify(s)
    assert result.ok and result.events >= 8


def test_the_database_refuses_to_change_or_delete_an_event(lead):
    with pytest.raises(exc.DatabaseError, match="append-only"), lead.session() as s:
        s.execute(text("UPDATE audit_event SET reason = 'x' WHERE seq = 3"))
    with pytest.raises(exc.DatabaseError, match="append-only"), lead.session() as s:
        s.execute(text("DELETE FROM audit_event WHERE seq = 3"))


def test_an_edited_event_is_detected(lead):
    with lead.session() as s:
        _bypass_triggers(s)
        s.execute(text("UPDATE audit_event SET record_id = 'ep-other' WHERE seq = 6"))
    with lead.session() as s:
        result = audit.verify(s)
    assert not result.ok and result.first_bad_seq == 6 and "altered" in result.problem


def test_a_deleted_event_is_detected(lead):
    with lead.session() as s:
        _bypass_triggers(s)
        s.execute(text("DELETE FROM audit_event WHERE seq = 4"))
    with lead.session() as s:
        result = audit.verify(s)
    assert not result.ok and result.first_bad_seq == 5 and "removed or inserted" in result.problem


def test_a_rehashed_forgery_still_breaks_the_chain_after_it(lead):
    with lead.session() as s:
        _bypass_triggers(s)
        event = s.scalar(select(AuditEvent).where(AuditEvent.seq == 5))
        # A forger who recomputes this event's own hash still cannot fix the next link.
        event.reason = "forged"
        forged = audit.event_digest(event, event.prev_hash)
        s.expunge(event)
        s.execute(
            text("UPDATE audit_event SET reason = 'forged', hash = :h WHERE seq = 5"), {"h": forged}
        )
    with lead.session() as s:
        result = audit.verify(s)
    assert not result.ok and result.first_bad_seq == 6


def test_every_event_names_who_when_what_and_why(lead):
    with lead.session() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "consultation")).first()
    assert event.actor == "lead" and event.actor_id == lead.worker.id
    assert event.at.tzinfo is not None
    assert (event.record_type, event.reason) == ("custody_episode", "checking history")


def test_an_unknown_action_is_a_programming_error(lead):
    with pytest.raises(ValueError), lead.session() as s:
        audit.record(s, lead.worker, "peeked")


@pytest.mark.parametrize("removed", [None, 1, 4, "last"])
def test_the_chain_as_the_anchor_reads_it_is_the_log_in_order(lead, removed):
    """app.storage.anchor.Chain reads single hashes from the store; it must give what the
    whole log read in order gives, also once an entry was removed (first, middle, last)."""
    from app.storage import anchor

    with lead.session() as s:
        if removed is not None:
            _bypass_triggers(s)
            last = s.scalar(text("SELECT max(seq) FROM audit_event"))
            s.execute(text("DELETE FROM audit_event WHERE seq = :n"),
                      {"n": last if removed == "last" else removed})  # fmt: skip
    with lead.session() as s:
        whole = list(s.scalars(select(AuditEvent.hash).order_by(AuditEvent.seq)))
        chain = anchor.chain_hashes(s)
        assert len(chain) == len(whole)
        assert [chain[i] for i in range(len(chain))] == whole
        assert chain[-1] == whole[-1]
        with pytest.raises(IndexError):
            chain[len(whole)]
