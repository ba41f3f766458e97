"""Protocol 3 (docs/sync-protocol.md 4.7): a push asks for the pull page, the counts, the test
history and the audit anchor in its answer, each exactly what its own endpoint answers, read
after the batch's commit; not part of the batch (a replay answers it afresh)."""

from __future__ import annotations

from datetime import UTC, datetime

from central.record_types import PROTOCOL_VERSION
from tests.central.helpers import Workstation, audit_event, family, form, new_id, next_event


def _push(desk: Workstation, records: list[dict], then: dict, batch_id: str | None = None):
    body = {"batch_id": batch_id or new_id(), "device_id": desk.device_id, "records": records}
    if then is not None:
        body["then"] = then
    response = desk.client.post("/v1/push", json=body, headers=desk.headers)
    assert response.status_code == 200, response.text
    return response.json()


def _positive_dt1(episode_id: str) -> dict:
    answers = {
        "test_outcome": "completed",
        "tested_at": datetime(2026, 3, 1, 10, 0, tzinfo=UTC).isoformat(),
        "results": {"opiates": "positive"},
        "authority": "trigger_offence",
    }
    return form(episode_id, "dt1", answers)


def test_hello_says_protocol_3_and_a_desk_of_protocol_2_is_still_welcome(enrol):
    desk = enrol()
    for version in (2, 3):
        answer = desk.client.post(
            "/v1/hello", json={"protocol_version": version, "app_version": "0.3.0"},
            headers=desk.headers,
        )  # fmt: skip
        assert answer.status_code == 200
        assert answer.json()["protocol_version"] == PROTOCOL_VERSION == 3
        assert answer.json()["min_protocol_version"] == 2


def test_a_push_answers_the_pull_page_counts_and_history_its_own_endpoints_would(enrol):
    colleague, desk = enrol(name="desk 1"), enrol(name="desk 2")
    someone, episode = family(family_name="Okafor")
    dt1 = _positive_dt1(episode["id"])
    colleague.push(someone, episode, dt1)
    mine = family(family_name="Smith")
    then = {
        "pull": {"cursor": 0, "limit": 1000, "skip_own": True},
        "counts": True,
        "history": {"since": "2025-01-01"},
    }
    answer = _push(desk, list(mine), then)
    assert [r["status"] for r in answer["results"]] == ["applied", "applied"]
    got = answer["then"]
    # the colleague's three records; not this desk's own two (skip_own)
    assert got["pull"] == desk.pull(0, 1000, skip_own="true")
    assert {r["id"] for r in got["pull"]["records"]} == {someone["id"], episode["id"], dt1["id"]}
    assert got["pull"]["more"] is False
    assert got["counts"] == desk.get("/v1/counts").json()
    assert got["counts"]["as_of_seq"] == got["pull"]["next_cursor"]  # one snapshot
    assert got["history"] == desk.get("/v1/history", since="2025-01-01").json()
    assert [p["family_name"] for p in got["history"]["people"]] == ["Okafor"]
    assert got["anchor"] is None


def test_counts_come_only_with_the_last_page_they_describe(enrol):
    colleague, desk = enrol(name="desk 1"), enrol(name="desk 2")
    colleague.push(*family(), *family())
    then = {"pull": {"cursor": 0, "limit": 1}, "counts": True}
    got = _push(desk, list(family()), then)["then"]
    assert got["pull"]["more"] is True and len(got["pull"]["records"]) == 1
    assert got["counts"] is None  # stale before the desk could use them
    got = _push(desk, list(family()), {"counts": True})["then"]  # no pull asked: counts alone
    assert got["counts"] == desk.get("/v1/counts").json() and got["pull"] is None


def test_a_push_answers_the_anchor_for_the_chain_it_just_stored(enrol):
    desk = enrol()
    first = audit_event()
    second = next_event(first, record_id=new_id())
    head = second["fields"]["hash"]
    then = {"anchor": {"audit_length": 2, "audit_head": head}}
    got = _push(desk, [first, second], then)["then"]
    assert got["anchor"]["refused"] == []
    assert (got["anchor"]["receipt"]["length"], got["anchor"]["receipt"]["head"]) == (2, head)
    alone = desk.client.post(
        "/v1/anchor", json={"audit_length": 2, "audit_head": head}, headers=desk.headers
    ).json()
    assert alone["receipt"]["head"] == head and alone["public_key"] == got["anchor"]["public_key"]


def test_then_is_not_part_of_the_batch_a_replay_answers_it_afresh(enrol):
    colleague, desk = enrol(name="desk 1"), enrol(name="desk 2")
    batch_id, records = new_id(), list(family())
    first = _push(desk, records, {"pull": {"cursor": 0, "skip_own": True}}, batch_id)
    assert first["then"]["pull"]["records"] == []
    colleague.push(*family())  # meanwhile
    again = _push(
        desk, records, {"pull": {"cursor": 0, "skip_own": True}, "counts": True}, batch_id
    )
    assert again["replayed"] and again["results"] == first["results"]
    assert len(again["then"]["pull"]["records"]) == 2  # read now, not stored with the batch
    plain = _push(desk, records, None, batch_id)  # a desk of protocol 2 re-sending it
    assert plain["replayed"] and plain.get("then") is None


def test_a_malformed_then_is_refused_like_any_malformed_request(enrol):
    desk = enrol()
    for then in (
        {"pull": {"cursor": -1}},
        {"pull": {"limit": 1001}},
        {"pull": {"cursor": True}},
        {"counts": 1},
        {"history": {"since": "2025-13-45"}},
        {"anchor": {"audit_length": 1, "audit_head": "nothex"}},
        {"pulls": {}},
    ):
        body = {"batch_id": new_id(), "device_id": desk.device_id, "records": [], "then": then}
        response = desk.client.post("/v1/push", json=body, headers=desk.headers)
        assert response.status_code == 422, then
        assert response.json()["code"] == "invalid_request"


def test_a_push_answers_an_anchor_claim_it_refuses_and_keeps_the_refusal(enrol):
    desk = enrol()
    first = audit_event()
    second = next_event(first, record_id=new_id())
    _push(desk, [first, second], None)
    short = {"anchor": {"audit_length": 1, "audit_head": first["fields"]["hash"]}}
    got = _push(desk, [], short)["then"]["anchor"]  # a log cut short since it was sent
    assert [r["field"] for r in got["refused"]] == ["audit_length"]
    assert got["receipt"]["length"] == 2
