"""Protocol 3 (docs/sync-protocol.md 4.7): an end-of-shift sync is hello and two pushes — the
shift's push brings the pull page, the counts and the test history; the sync's own audit
entries (the disclosure written at the acknowledgement among them) go in the last push, which
brings the audit anchor's receipt. A desk of protocol 2 still makes each its own request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select

from app.storage import anchor
from app.storage.models import AuditEvent, TestHistory
from app.sync import engine, pull
from app.sync.answers import Answered
from tests.sync.helpers import (
    assert_same_everywhere,
    new_episode,
    save_dt1,
    server_counts,
    sync,
    unsynced,
)

pytestmark = pytest.mark.slow

TESTED_AT = datetime.now(UTC) - timedelta(days=2)
PROTOCOL_2 = [
    "POST /v1/hello",
    "POST /v1/push",  # the shift
    "POST /v1/push",  # the disclosure its acknowledgement wrote
    "GET /v1/pull",
    "GET /v1/counts",
    "GET /v1/history",
    "POST /v1/push",  # the sync's own audit entry
    "POST /v1/anchor",
]
PROTOCOL_3 = ["POST /v1/hello", "POST /v1/push", "POST /v1/push"]


@pytest.fixture
def requests(monkeypatch) -> list[str]:
    seen: list[str] = []
    send = httpx.Client.send

    def counted(client, request, **kw):
        seen.append(f"{request.method} {request.url.path}")
        return send(client, request, **kw)

    monkeypatch.setattr(httpx.Client, "send", counted)
    return seen


def _audit_events(ws) -> int:
    with ws.store.session() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent))


def test_an_end_of_shift_sync_is_hello_and_two_pushes_and_leaves_nothing_behind(
    central, pair, desk_protocol, requests
):
    a, b = pair
    colleague = new_episode(b, "Okafor", "Ada")
    save_dt1(b, colleague, TESTED_AT)
    sync(b)
    new_episode(a, "Smith", "Jo")
    requests.clear()
    summary = sync(a)
    assert summary.failures == [] and summary.pulled >= 3  # the colleague's person, episode, dt1
    assert requests == (PROTOCOL_3 if desk_protocol == 3 else PROTOCOL_2)
    assert unsynced(a) == 0  # the disclosure and the summary entry travelled too
    assert server_counts(a)["types"]["audit_event"]["live"] >= _audit_events(a)
    with a.store.session() as s:
        check = anchor.verify(a.store, s)
        history = s.scalar(select(func.count()).select_from(TestHistory))
    assert (check.status, check.anchored_length) == ("extends", check.local_length)
    assert history == 1  # the colleague's positive test, from the push's answer in protocol 3
    sync(b)
    assert_same_everywhere(a, b)


def test_the_disclosure_reaches_the_central_store_in_the_last_push(
    central, pair, desk_protocol, requests
):
    a, _ = pair
    new_episode(a, "Smith", "Jo")
    sync(a)
    with a.store.session() as s:
        pushed = [
            e.id
            for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "disclosure"))
            if e.detail.get("event") == "pushed"
        ]
    assert len(pushed) == 1
    from central.models import Record

    with central.engine.connect() as conn:
        assert conn.scalar(select(func.count()).where(Record.id == pushed[0])) == 1


def test_when_the_pull_has_more_pages_the_rest_and_the_counts_are_asked_for_as_before(
    central, pair, requests, monkeypatch
):
    a, b = pair
    for name in ("Okafor", "Nwosu", "Adeyemi"):
        new_episode(b, name, "Ada")
    sync(b)
    new_episode(a, "Smith", "Jo")
    monkeypatch.setattr(pull, "PAGE", 2)
    monkeypatch.setattr(engine, "PAGE", 2)
    requests.clear()
    summary = sync(a)
    assert summary.failures == [] and summary.pulled == 9  # 3 people, episodes and forms
    assert requests[:2] == ["POST /v1/hello", "POST /v1/push"]  # with the first page
    pulls = requests.count("GET /v1/pull")  # the later pages (reference documents too)
    assert pulls >= 4 and requests[2 : 2 + pulls] == ["GET /v1/pull"] * pulls
    assert requests[-2:] == ["GET /v1/counts", "POST /v1/push"]  # no stale counts used
    sync(b)
    assert_same_everywhere(a, b)


class _Network:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def pull(self, cursor, limit=500, epoch=None, types=None, skip_own=False):
        self.asked.append(f"pull {cursor}")
        return {"from": "network"}

    def counts(self):
        self.asked.append("counts")
        return {"from": "network"}

    def history(self, since=None):
        self.asked.append(f"history {since}")
        return {"from": "network"}

    def anchor(self, claim):
        self.asked.append("anchor")
        return {"from": "network"}


def test_an_answer_stands_in_only_for_the_very_request_it_answers():
    network = _Network()
    answered = Answered(network)
    asked = {
        "pull": {"cursor": 5, "limit": 1000, "epoch": "e", "skip_own": True},
        "counts": True,
        "history": {"since": "2025-01-01"},
    }
    carried = {"pull": {"page": 1}, "counts": {"as_of_seq": 9}, "history": {"people": []}}
    answered.take(asked, carried)
    assert answered.counts() == {"from": "network"}  # counts only after their page
    answered.take(asked, carried)
    assert answered.pull(4, 1000, "e", skip_own=True) == {"from": "network"}  # other cursor
    assert answered.counts() == {"from": "network"}  # ...so the counts are dropped too
    assert answered.history("2024-01-01") == {"from": "network"}  # other since
    answered.take(asked, carried)
    assert answered.pull(5, 1000, "e", skip_own=True) == {"page": 1}
    assert answered.counts() == {"as_of_seq": 9}
    assert answered.counts() == {"from": "network"}  # once
    assert answered.history("2025-01-01") == {"people": []}
    assert answered.pull(9, 1000, "e", skip_own=True) == {"from": "network"}
    answered.take({"anchor": {"audit_length": 3}}, {"anchor": {"receipt": None}})
    assert answered.anchor({"audit_length": 4}) == {"from": "network"}  # the chain grew
    assert network.asked == ["counts", "pull 4", "counts", "history 2024-01-01", "counts",
                             "pull 9", "anchor"]  # fmt: skip
