"""Issue 15.4: issued notices (and their print records) and audit events cannot be deleted —
the database refuses — except a notice's erasure by data minimisation after it is synced."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import exc, func, select, text

from app.storage import audit, store
from app.storage.models import (
    AuditEvent,
    CustodyEpisode,
    Notice,
    NoticePrint,
    Person,
)
from app.sync import minimise
from tests.storage.conftest import WORKER_PASS

LONG_AGO = datetime.now(UTC) - timedelta(days=60)


@pytest.fixture
def ann(data_dir):
    opened = store.open_store(data_dir, "ann", WORKER_PASS)
    yield opened
    opened.close()


def _issued_notice(opened, synced: bool, printed: bool = False) -> str:
    state = {"sync_state": "synced", "server_rev": 1} if synced else {}
    with opened.session() as s:
        person = Person(family_name="Grey", given_names="Sam", **state)
        s.add(person)
        s.flush()
        episode = CustodyEpisode(person_id=person.id, status="closed", closed_at=LONG_AGO, **state)
        s.add(episode)
        s.flush()
        notice = Notice(
            episode_id=episode.id, kind="ra1", reference=f"RA1-{episode.id[:8]}",
            content={"given": True}, **state,
        )  # fmt: skip
        s.add(notice)
        s.flush()
        if printed:
            s.add(NoticePrint(notice_id=notice.id, kind="print"))
        return notice.id


@pytest.mark.parametrize("synced", [False, True])
def test_delete_from_notice_is_refused_by_the_database(ann, synced):
    notice_id = _issued_notice(ann, synced)  # not printed: nothing else refers to it
    refused = pytest.raises(exc.DatabaseError, match="an issued notice cannot be deleted")
    with refused, ann.session() as s:
        s.execute(text("DELETE FROM notice WHERE id = :id"), {"id": notice_id})
    with ann.session() as s:
        assert s.get(Notice, notice_id) is not None


def test_delete_from_notice_print_is_refused_by_the_database(ann):
    _issued_notice(ann, synced=True, printed=True)
    refused = pytest.raises(exc.DatabaseError, match="a print record cannot be deleted")
    with refused, ann.session() as s:
        s.execute(text("DELETE FROM notice_print"))


def test_delete_from_audit_event_is_refused_by_the_database(ann):
    with ann.session() as s:
        audit.record(s, ann.worker, "consultation", "custody_episode", "ep-1")
    with pytest.raises(exc.DatabaseError, match="append-only"), ann.session() as s:
        s.execute(text("DELETE FROM audit_event"))
    with ann.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) > 0


def test_data_minimisation_still_erases_a_synced_notice_through_the_ledger(ann):
    notice_id = _issued_notice(ann, synced=True, printed=True)
    erased = minimise.erase_old_episodes(ann, ann.worker, datetime.now(UTC), days=30)
    assert erased == 1
    with ann.session() as s:
        assert s.get(Notice, notice_id) is None
        assert s.scalar(select(func.count()).select_from(NoticePrint)) == 0


def test_data_minimisation_in_chunks_keeps_positive_history_ledger_and_audit(ann, monkeypatch):
    from app.storage.models import FormRecord, SyncErased, TestHistory

    monkeypatch.setattr(minimise, "CHUNK", 2)  # three chunks for five episodes
    synced = {"sync_state": "synced", "server_rev": 1}
    with ann.session() as s:
        person = Person(family_name="Grey", given_names="Sam", pnc_id="01/1A", **synced)
        s.add(person)
        s.flush()
        for i in range(5):
            episode = CustodyEpisode(
                person_id=person.id, status="closed", closed_at=LONG_AGO, **synced
            )
            s.add(episode)
            s.flush()
            answers = {"test_outcome": "completed", "tested_at": "2026-01-02T10:00:00+00:00",
                       "results": {"cocaine": "positive" if i < 2 else "negative"}}  # fmt: skip
            s.add(FormRecord(episode_id=episode.id, form_key="dt1", answers=answers, **synced))
        kept = CustodyEpisode(person_id=person.id, status="closed", closed_at=LONG_AGO)
        s.add(kept)  # not synced: stays
    assert minimise.erase_old_episodes(ann, ann.worker, datetime.now(UTC), days=30) == 5
    with ann.session() as s:
        assert s.scalar(select(func.count()).select_from(CustodyEpisode)) == 1
        assert s.scalar(select(func.count()).select_from(FormRecord)) == 0
        assert s.scalar(select(func.count()).select_from(SyncErased)) == 10
        history = s.scalars(select(TestHistory)).all()
        assert [(h.pnc_id, h.substances) for h in history] == [("01/1A", ["cocaine"])] * 2
        erasures = s.scalars(select(AuditEvent).where(AuditEvent.action == "erasure")).all()
        assert len(erasures) == 5 and audit.verify(s).ok
