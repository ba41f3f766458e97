"""Faults during a push: no record lost, none duplicated (issue 6, "Done when").

Each test breaks one sync of workstation A, syncs again once the fault is gone, then checks
that A, B and the central store hold exactly the same records, every server rev is 1 (nothing
was applied twice) and nothing is left in the outbox.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app import demo
from app.services import episodes
from app.services import sync as sync_service
from app.storage.models import SyncBatch
from app.sync import outbox, state
from app.sync.transport import Transport
from central.models import PushBatch, Record
from tests.sync.helpers import answers, assert_same_everywhere, new_episode, sync
from tests.sync.proxy import Proxy

pytestmark = pytest.mark.slow


def _shift(ws) -> None:
    demo.fill(ws, episodes_today=5, history_episodes=0)


def _applied_once(central, suite: str) -> None:
    with central.engine.connect() as conn:
        revs = conn.execute(select(Record.rev).where(Record.suite == suite)).scalars().all()
    assert revs and set(revs) == {1}


def _persisted(ws) -> int:
    with ws.store.session() as s:
        return len(s.scalars(select(SyncBatch)).all())


def _through(ws, proxy: Proxy) -> None:
    ws.settings = replace(ws.settings, central_url=proxy.url)


def test_the_server_killed_between_persisting_a_batch_and_sending_it_loses_nothing(
    own_central, own_pair, suite, monkeypatch
):
    a, b = own_pair
    _shift(a)
    real_push = Transport.push

    def killed_first(self, body):
        own_central.kill()
        return real_push(self, body)

    monkeypatch.setattr(Transport, "push", killed_first)
    assert sync_service.sync_now(a).offline
    assert _persisted(a) == 1  # the batch waits, with its id and body
    monkeypatch.setattr(Transport, "push", real_push)
    own_central.start()
    sync(a)
    sync(b)
    assert_same_everywhere(a, b)
    _applied_once(own_central, suite)


def test_the_server_killed_mid_push_loses_nothing(own_central, own_pair, suite):
    a, b = own_pair
    _shift(a)
    proxy = Proxy(own_central.port, on_cut=own_central.kill)
    _through(a, proxy)
    proxy.mode = "cut_request"
    assert sync_service.sync_now(a).offline
    assert proxy.fired.is_set() and _persisted(a) == 1
    own_central.start()
    sync(a)
    sync(b)
    assert_same_everywhere(a, b)
    _applied_once(own_central, suite)
    proxy.close()


def test_the_connection_dropped_mid_response_loses_nothing_and_duplicates_nothing(
    own_central, own_pair, suite
):
    a, b = own_pair
    _shift(a)
    proxy = Proxy(own_central.port)
    _through(a, proxy)
    proxy.mode = "drop_response"
    assert sync_service.sync_now(a).offline
    assert proxy.fired.is_set() and _persisted(a) == 1
    sync(a)  # re-sends the same batch_id: the server replays its stored acknowledgement
    sync(b)
    assert_same_everywhere(a, b)
    _applied_once(own_central, suite)
    with own_central.engine.connect() as conn:
        assert conn.execute(select(PushBatch.batch_id)).scalars().all()
    proxy.close()


def test_a_batch_sent_twice_is_applied_once(own_central, own_pair, suite):
    a, b = own_pair
    _shift(a)
    device_id = state.read(a.store, state.DEVICE_ID)[state.DEVICE_ID]
    batch = outbox.build_batch(a.store, device_id)
    token = state.read(a.store, state.TOKEN)[state.TOKEN]
    with Transport(own_central.url, token) as transport:
        first = transport.push(batch.body)  # the answer "never arrived"
        second = transport.push(batch.body)
    assert (first["replayed"], second["replayed"]) == (False, True)
    assert second["results"] == first["results"]
    sync(a)  # sends the persisted batch a third time, then the rest
    sync(b)
    assert_same_everywhere(a, b)
    _applied_once(own_central, suite)


def test_a_device_clock_five_hours_wrong_changes_no_order_and_loses_nothing(
    own_central, own_pair, suite, monkeypatch
):
    a, b = own_pair
    episode_id = new_episode(a, "Clock")
    sync(a)
    sync(b)
    base = answers(a, episode_id, "custody_episode")
    episodes.save_answers(b, episode_id, "custody_episode", {**base, "postcode": "NG1 1AA"})
    sync(b)  # B is right, and first
    wrong = lambda: datetime.now(UTC) + timedelta(hours=5)  # noqa: E731
    for module in ("app.storage.models", "app.services.episodes", "app.storage.audit"):
        monkeypatch.setattr(f"{module}.utcnow", wrong)
    a.clock = wrong
    episodes.save_answers(a, episode_id, "custody_episode", {**base, "postcode": "NG9 9ZZ"})
    summary = sync(a)  # A's edit "looks" five hours newer, but arrived second: B's value wins
    assert any("5.0 hours" in n for n in summary.notes)
    monkeypatch.undo()
    assert answers(a, episode_id, "custody_episode")["postcode"] == "NG1 1AA"
    assert {c.other for c in sync_service.conflicts(a)} == {"NG9 9ZZ"}
    sync(b)
    assert_same_everywhere(a, b)
