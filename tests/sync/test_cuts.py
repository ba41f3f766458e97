"""Sync states that survive any cut (issue 11, item 3) and the disclosure logged at the
acknowledgement (item 8), through a TCP proxy in front of the real central service."""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest
from sqlalchemy import select

from app.services import episodes
from app.services import sync as sync_service
from app.storage.models import AuditEvent, CustodyEpisode, FormRecord, Person
from tests.sync.helpers import answers, assert_same_everywhere, new_episode, server_counts, sync
from tests.sync.proxy import Proxy

pytestmark = pytest.mark.slow


def _through(ws, proxy: Proxy) -> None:
    ws.settings = replace(ws.settings, central_url=proxy.url)


def _edit(ws, episode_id: str, **changes: str) -> None:
    current = answers(ws, episode_id, "custody_episode")
    episodes.save_answers(ws, episode_id, "custody_episode", {**current, **changes})


def _open_conflicts(*workspaces) -> int:
    return server_counts(workspaces[0])["open_conflicts"] + sum(
        len(sync_service.conflicts(ws)) for ws in workspaces
    )


# Where a sync stops once its push was acknowledged: before the pull (protocol 2, where the
# pull is its own request), or after the push's answer carried the pull page (protocol 3).
CUT_AFTER_ACK = {2: "cut_pull", 3: "cut_after_push"}


def test_a_sync_cut_between_push_and_pull_then_a_second_edit_leaves_the_later_edit_everywhere(
    central, pair, desk_protocol
):
    a, b = pair
    episode_id = new_episode(a, "Smith", "Jo")
    sync(a)
    sync(b)
    _edit(b, episode_id, given_names="Joanne")  # a colleague's change: A's push will merge
    sync(b)
    proxy = Proxy(central.port)
    _through(a, proxy)
    proxy.mode = CUT_AFTER_ACK[desk_protocol]
    _edit(a, episode_id, postcode="NG1 1AA")
    assert sync_service.sync_now(a).offline  # the push was acknowledged, the pull never ran
    assert proxy.fired.is_set()
    _edit(a, episode_id, postcode="NG2 2BB")  # the worker's later edit
    sync(a)
    sync(b)
    sync(a)
    for ws in (a, b):
        kept = answers(ws, episode_id, "custody_episode")
        assert (kept["postcode"], kept["given_names"]) == ("NG2 2BB", "Joanne")
        with ws.store.session() as s:
            person = s.get(CustodyEpisode, episode_id).person
            assert (person.postcode, person.given_names) == ("NG2 2BB", "Joanne")
    assert _open_conflicts(a, b) == 0
    assert_same_everywhere(a, b)
    proxy.close()


def test_the_disclosure_is_logged_when_the_push_is_acknowledged_whatever_happens_next(
    central, pair, desk_protocol
):
    a, _ = pair
    episode_id = new_episode(a, "Okafor", "Ada")
    proxy = Proxy(central.port)
    _through(a, proxy)
    proxy.mode = CUT_AFTER_ACK[desk_protocol]
    assert sync_service.sync_now(a).offline
    assert proxy.fired.is_set()
    with a.store.session() as s:
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "disclosure").order_by(AuditEvent.seq)
        ).all()
        form_id = s.scalars(select(FormRecord.id).where(FormRecord.episode_id == episode_id)).one()
        person_id = s.get(CustodyEpisode, episode_id).person_id
    [pushed] = [e for e in events if e.detail.get("event") == "pushed"]
    assert pushed.detail["central"] == proxy.url
    assert pushed.detail["stored"]["episode"] == [episode_id]
    assert pushed.detail["stored"]["form"] == [form_id]
    assert pushed.detail["stored"]["person"] == [person_id]
    assert pushed.detail["sent"]["episode"] == 1
    text = json.dumps(pushed.detail) + (pushed.reason or "")
    assert "Okafor" not in text and "Ada" not in text and "1990" not in text  # no content
    proxy.close()


A_FIELDS = ("phone", "address", "arrest_offence_other")
B_FIELDS = ("postcode", "given_names")


def test_hundreds_of_edits_through_a_flaky_connection_lose_none_and_conflict_with_nothing(
    central, pair
):
    a, b = pair
    episode_id = new_episode(a, "Flaky", "Fran")
    sync(a)
    sync(b)
    proxy = Proxy(central.port, odds=0.3, seed=11)
    _through(a, proxy)
    proxy.mode = "flaky"
    rng = random.Random(7)
    expected: dict[str, str] = {}
    offline = 0
    for i in range(300):
        field = rng.choice(A_FIELDS)
        expected[field] = f"A{i}"
        _edit(a, episode_id, **{field: expected[field]})
        if i % 3 == 2:
            offline += sync_service.sync_now(a).offline
        if i % 25 == 24:  # a colleague edits other answers of the same form, and syncs
            field = rng.choice(B_FIELDS)
            expected[field] = f"B{i}"
            _edit(b, episode_id, **{field: expected[field]})
            sync(b)
    assert proxy.cuts > 20 and offline > 10  # the network really was bad
    proxy.mode = None
    sync(a)
    sync(b)
    sync(a)
    for ws in (a, b):
        kept = answers(ws, episode_id, "custody_episode")
        assert {k: kept[k] for k in expected} == expected
    assert _open_conflicts(a, b) == 0
    assert_same_everywhere(a, b)
    with a.store.session() as s:
        assert s.scalars(select(Person)).one().given_names == expected.get("given_names", "Fran")
    proxy.close()
