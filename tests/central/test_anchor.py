"""Issue 15.1, the central half: the central store keeps each workstation's audit chain (length
and head), refuses pushed events that do not extend it and a claimed history that does not
contain it, and signs a receipt of what it holds (docs/security.md, the audit anchor)."""

from __future__ import annotations

from sqlalchemy import select

from app.storage import anchor, audit
from app.storage import keycrypto as kc
from central.auth import create_enrolment_code
from central.db import read_session
from central.models import DeviceAnchor, Record
from tests.central.helpers import Workstation, audit_event, new_id, next_event, person


def _chain(count: int, **first: object) -> list[dict]:
    events = [audit_event(**first)]
    while len(events) < count:
        events.append(next_event(events[-1], record_id=new_id()))
    return events


def _claim(desk: Workstation, length: int, head: str, tl_key: str = "") -> dict:
    body = {"audit_length": length, "audit_head": head, "tl_key": tl_key}
    response = desk.client.post("/v1/anchor", json=body, headers=desk.headers)
    assert response.status_code == 200, response.text
    return response.json()


def _head(events: list[dict]) -> str:
    return events[-1]["fields"]["hash"]


def _public_key(client, engine) -> bytes:
    code, _ = create_enrolment_code(engine, "bridewell")
    answer = client.post("/v1/enrol", json={"code": code, "device_name": "desk"}).json()
    return kc.unb64(answer["anchor_public_key"])


def test_enrolment_answers_the_key_that_signs_receipts_and_it_stays_the_same(client, engine):
    first, second = _public_key(client, engine), _public_key(client, engine)
    assert len(first) == 32 and first == second


def test_a_chain_pushed_in_order_is_held_and_a_receipt_of_it_is_signed(enrol, client, engine):
    desk = enrol()
    events = _chain(6)
    desk.push(person(), *events[:4])
    desk.push(*events[4:])
    answer = _claim(desk, 6, _head(events))
    assert answer["refused"] == []
    receipt = anchor.Anchor.from_json(answer["receipt"])
    assert (receipt.device_id, receipt.length, receipt.head) == (desk.device_id, 6, _head(events))
    assert anchor.signature_ok(receipt, _public_key(client, engine))


def test_a_device_that_has_sent_no_audit_event_gets_no_receipt_but_the_key(enrol, client, engine):
    answer = _claim(enrol(), 0, audit.GENESIS)
    assert (answer["receipt"], answer["refused"]) == (None, [])
    assert kc.unb64(answer["public_key"]) == _public_key(client, engine)


def test_events_sent_again_are_taken_as_they_are(enrol):
    desk = enrol()
    events = _chain(5)
    desk.push(*events)
    events.append(next_event(events[-1]))
    desk.push(*events[2:])  # the count repair re-sends the log, with one new event
    answer = _claim(desk, 6, _head(events))
    assert answer["refused"] == [] and answer["receipt"]["length"] == 6


def test_an_event_that_skips_one_is_refused_and_so_is_every_later_one(enrol, engine):
    desk = enrol()
    events = _chain(8)
    desk.push(*events[:5])
    answer = desk.push_answer(*events[6:])  # the 6th was removed before it was sent
    assert [(r["code"], r["field"]) for r in answer["refused"]] == [
        ("audit_chain_broken", "prev_hash")
    ] * 2
    assert "removed or changed" in answer["refused"][0]["message"]
    with read_session(engine) as s:
        stored = set(s.scalars(select(Record.id).where(Record.type == "audit_event")))
        held = s.get(DeviceAnchor, desk.device_id)
    assert stored == {e["id"] for e in events[:5]}
    assert (held.length, held.head) == (5, _head(events[:5]))
    assert held.problem_code == "audit_chain_broken"  # kept for the partnership


def test_a_rewritten_event_with_its_chain_recomputed_is_refused(enrol):
    desk = enrol()
    events = _chain(5)
    desk.push(*events[:3])
    # The worker rewrites the 3rd event (not the one sent) and re-hashes from there on.
    forged = [next_event(events[1], reason="rewritten")]
    forged.append(next_event(forged[-1]))
    answer = desk.push_answer(*forged[1:])  # only the new event is pending
    assert [r["code"] for r in answer["refused"]] == ["audit_chain_broken"]
    assert _claim(desk, 4, _head(forged))["receipt"]["head"] == _head(events[:3])


def test_an_event_whose_hash_does_not_match_its_content_is_refused(enrol):
    desk = enrol()
    first = audit_event()
    changed = {**first, "fields": {**first["fields"], "reason": "edited after hashing"}}
    [refused] = desk.push_answer(changed)["refused"]
    assert (refused["code"], refused["field"]) == ("audit_chain_broken", "hash")


def test_a_log_cut_after_it_was_sent_is_refused_as_rewritten(enrol):
    desk = enrol()
    events = _chain(10)
    desk.push(*events)
    answer = _claim(desk, 5, _head(events[:5]))
    [refused] = answer["refused"]
    assert (refused["id"], refused["code"], refused["field"]) == (
        desk.device_id,
        "audit_history_rewritten",
        "audit_length",
    )
    assert "at least 5 were removed" in refused["message"]
    assert answer["receipt"]["length"] == 10  # still what the central store holds


def test_a_changed_head_at_the_same_length_is_refused_as_rewritten(enrol):
    desk = enrol()
    events = _chain(4)
    desk.push(*events)
    [refused] = _claim(desk, 4, "f" * 64)["refused"]
    assert (refused["code"], refused["field"]) == ("audit_history_rewritten", "audit_head")
    assert _claim(desk, 4, _head(events))["refused"] == []
    assert _claim(desk, 9, "e" * 64)["refused"] == []  # longer: entries not yet sent


def test_a_team_leader_key_other_than_the_one_the_log_names_is_flagged(enrol):
    desk = enrol()
    created = audit_event(
        action="administration", detail={"event": "store_created", "tl_key": "ab" * 16}
    )
    desk.push(created)
    assert _claim(desk, 1, _head([created]), "ab" * 16)["refused"] == []
    [refused] = _claim(desk, 1, _head([created]), "cd" * 16)["refused"]
    assert (refused["code"], refused["field"]) == ("audit_history_rewritten", "tl_key")
    rekeyed = next_event(created, action="administration",
                         detail={"event": "store_rekeyed", "tl_key": "cd" * 16})  # fmt: skip
    desk.push(rekeyed)
    assert _claim(desk, 2, _head([rekeyed]), "cd" * 16)["refused"] == []


def test_a_re_enrolled_workstation_continues_its_log_under_the_new_device(enrol):
    events = _chain(6)
    enrol().push(*events[:4])
    again = enrol()  # the same workstation, enrolled again: a new device id
    again.push(*events[4:])
    assert _claim(again, 6, _head(events))["receipt"]["length"] == 6
    assert again.push_answer(next_event(events[2]))["refused"][0]["code"] == "audit_chain_broken"


def test_a_malformed_claim_is_a_422_and_no_token_a_401(enrol):
    desk = enrol()
    bad = {"audit_length": -1, "audit_head": "x", "tl_key": ""}
    assert desk.client.post("/v1/anchor", json=bad, headers=desk.headers).status_code == 422
    good = {"audit_length": 0, "audit_head": audit.GENESIS}
    assert desk.client.post("/v1/anchor", json=good).status_code == 401


def test_the_partnership_can_list_each_workstations_log_and_its_refusals(
    enrol, database_url, capsys
):
    from central.__main__ import main

    desk, idle = enrol(name="Bridewell desk 1"), enrol(name="Bridewell desk 2")
    events = _chain(3)
    desk.push(*events)
    desk.push_answer(next_event(events[0]))  # does not follow the third
    assert main(["audit-anchors", "--database-url", database_url]) == 0
    lines = capsys.readouterr().out.splitlines()
    [busy] = [line for line in lines if desk.device_id in line]
    [quiet] = [line for line in lines if idle.device_id in line]
    assert "3 events held" in busy and "REFUSED audit_chain_broken" in busy
    assert "no audit event held yet" in quiet
