"""Issue 14: an accidental Ctrl+N can be discarded; it is audited and never sent."""

import pytest
from sqlalchemy import select

from app.services import episodes, sync_status
from app.storage.models import AuditEvent, CustodyEpisode, Person
from app.sync import outbox
from tests.services.conftest import save


def _sent_ids(workspace) -> set[str]:
    batch = outbox.build_batch(workspace.store, "device-1")
    return {item[1] for item in batch.items} if batch else set()


def test_an_empty_episode_is_never_sent_nor_counted_as_unsynced(workspace):
    before = sync_status.summary(workspace).pending
    episode_id = episodes.new_episode(workspace)
    assert sync_status.summary(workspace).pending == before + 1  # only its audit line
    sent = _sent_ids(workspace)
    with workspace.store.session() as s:
        person_id = s.get(CustodyEpisode, episode_id).person_id
    assert episode_id not in sent and person_id not in sent


def test_discarding_an_empty_episode_removes_it_and_the_audit_log_says_so(workspace):
    episode_id = episodes.new_episode(workspace)
    episodes.load_episode(workspace, episode_id)
    episodes.discard_empty_episode(workspace, episode_id)
    with workspace.store.session() as s:
        assert s.get(CustodyEpisode, episode_id) is None
        assert s.scalars(select(Person)).all() == []
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.record_id == episode_id).order_by(AuditEvent.seq)
        ).all()
    assert [(e.action, e.detail.get("event")) for e in events] == [
        ("collection", "episode_created"),
        ("consultation", None),
        ("erasure", "empty_episode_discarded"),
    ]
    assert all(e.actor == "ann" for e in events)


def test_an_episode_with_an_answer_travels_and_cannot_be_discarded(workspace):
    episode_id = episodes.new_episode(workspace)
    save(workspace, episode_id, "dt1", tested_by="DO 1")
    with workspace.store.session() as s:
        episode = s.get(CustodyEpisode, episode_id)
        assert (episode.sync_state, episode.person.sync_state) == ("pending", "pending")
    with pytest.raises(episodes.NotEmpty, match="Close it instead"):
        episodes.discard_empty_episode(workspace, episode_id)
    assert episode_id in _sent_ids(workspace)
