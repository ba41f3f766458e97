"""The outbox's states through a real sync: in flight, acknowledged, pending again; offline and
revoked are summaries, not crashes."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from app.services import episodes
from app.services import sync as sync_service
from app.storage.models import CustodyEpisode
from app.sync import state
from app.sync.transport import Transport
from central.auth import revoke_device
from tests.sync.helpers import answers, assert_same_everywhere, new_episode, sync, unsynced

pytestmark = pytest.mark.slow


def test_an_edit_made_while_its_row_is_in_flight_returns_it_to_pending_and_is_sent_next(
    pair, monkeypatch
):
    a, b = pair
    episode_id = new_episode(a)
    real_push = Transport.push
    edited = []

    def edit_during_flight(self, body):
        if not edited:
            edited.append(True)
            with a.store.session() as s:
                assert s.get(CustodyEpisode, episode_id).sync_state == "in_flight"
            current = answers(a, episode_id, "custody_episode")
            episodes.save_answers(
                a, episode_id, "custody_episode", {**current, "postcode": "NG5 1AA"}
            )
        return real_push(self, body)

    monkeypatch.setattr(Transport, "push", edit_during_flight)
    sync(a)  # the first batch acknowledges the old local_rev; the edit goes in a later one
    monkeypatch.undo()
    assert unsynced(a) == 0
    sync(b)
    assert answers(b, episode_id, "custody_episode")["postcode"] == "NG5 1AA"
    assert_same_everywhere(a, b)


def test_offline_is_a_normal_summary_and_keeps_the_outbox(pair):
    a, _ = pair
    new_episode(a)
    a.settings = replace(a.settings, central_url="http://127.0.0.1:9")
    summary = sync_service.sync_now(a)
    assert summary.offline and summary.headline.startswith("Offline")
    assert unsynced(a) > 0


def test_a_revoked_workstation_is_told_why_and_keeps_its_work(pair, central):
    a, _ = pair
    new_episode(a)
    revoke_device(central.engine, state.read(a.store, state.DEVICE_ID)[state.DEVICE_ID])
    summary = sync_service.sync_now(a)
    [failure] = summary.failures
    assert "revoked" in failure.reason and "enrol" in failure.what_to_do
    assert unsynced(a) > 0
    with a.store.session() as s:
        assert s.scalars(select(CustodyEpisode)).first() is not None


def test_a_workstation_that_is_not_enrolled_is_told_how_to_enrol(tmp_path):
    from tests.sync.conftest import open_client

    client = open_client(tmp_path / "c")
    try:
        assert not sync_service.is_enrolled(client)
        [failure] = sync_service.sync_now(client).failures
        assert "not enrolled" in failure.reason and "enrolment code" in failure.what_to_do
    finally:
        client.close()
