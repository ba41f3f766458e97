"""Push: idempotent batches, three-way merge, conflicts, append-only records."""

from __future__ import annotations

from sqlalchemy import func, select

from central.models import Record, RecordVersion
from tests.central.helpers import (
    appointment,
    audit_event,
    family,
    form,
    new_id,
    notice,
    person,
)


def _count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_new_record_is_applied_with_rev_1_and_a_sequence_number(enrol):
    desk = enrol()
    [result] = desk.push(person(family_name="Smith"))
    assert (result["rev"], result["seq"], result["status"]) == (1, 1, "applied")
    assert result["stored"] is None  # stored exactly as sent


def test_the_same_batch_sent_twice_stores_nothing_twice(enrol, engine):
    desk = enrol()
    batch = new_id()
    records = family()
    first = desk.push_response(*records, batch_id=batch).json()
    second = desk.push_response(*records, batch_id=batch).json()
    assert second["replayed"] and second["results"] == first["results"]
    assert _count(engine, Record) == 2 and _count(engine, RecordVersion) == 2


def test_a_batch_id_reused_for_different_records_is_refused(enrol):
    desk = enrol()
    batch = new_id()
    desk.push(person(family_name="Smith"), batch_id=batch)
    response = desk.push_response(person(family_name="Jones"), batch_id=batch)
    assert response.status_code == 409 and response.json()["code"] == "batch_id_reused"
    assert "new batch_id" in response.json()["detail"]


def test_a_refused_record_is_refused_alone_and_the_rest_of_the_batch_is_stored(enrol, engine):
    desk = enrol()
    someone, visit = family()
    issued = notice(visit["id"])
    desk.push(someone, visit, issued)
    changed = {**issued, "fields": {**issued["fields"], "content": {"text": "Changed"}}}
    newcomer = person(family_name="New")
    answer = desk.push_answer(newcomer, changed)
    [refused] = answer["refused"]
    assert (refused["id"], refused["index"], refused["code"]) == (issued["id"], 1, "append_only")
    assert [r["id"] for r in answer["results"]] == [newcomer["id"]]
    assert _count(engine, Record) == 4  # the newcomer was stored, the notice kept as first sent


def _edit(sent: dict, base_rev: int, **fields) -> dict:
    return {**sent, "base_rev": base_rev, "fields": {**sent["fields"], **fields}}


def test_an_edit_from_the_current_rev_is_applied(enrol):
    desk = enrol()
    smith = person(family_name="Smith", postcode="NG1 1AA")
    desk.push(smith)
    [result] = desk.push(_edit(smith, 1, family_name="Smyth"))
    assert (result["status"], result["rev"], result["stored"]) == ("applied", 2, None)


def test_pushing_the_same_content_again_is_unchanged_and_takes_no_sequence_number(enrol):
    desk = enrol()
    smith = person(family_name="Smith")
    [first] = desk.push(smith)
    [again] = desk.push({**smith, "base_rev": 1})
    stored = {"deleted": False, "fields": smith["fields"]}
    assert again == {**first, "status": "unchanged", "stored": stored}


def test_edits_to_different_fields_on_two_desks_merge_and_the_push_returns_the_merged_version(
    enrol,
):
    one, two = enrol(name="Desk 1"), enrol(name="Desk 2")
    someone, visit = family()
    one.push(someone, visit)
    one.push(_edit(visit, 1, status="closed", closed_at="2026-04-02T12:00:00+00:00"))
    [result] = two.push(_edit(visit, 1, custody_record_number="CR9"))
    assert result["status"] == "merged" and result["rev"] == 3
    merged = {
        **visit["fields"],
        "status": "closed",
        "closed_at": "2026-04-02T12:00:00+00:00",
        "custody_record_number": "CR9",
    }
    assert result["stored"] == {"deleted": False, "fields": merged}
    records, _ = two.pull_all()
    assert records[-1]["fields"] == merged and records[-1]["rev"] == 3


def test_the_same_field_changed_on_two_desks_keeps_the_server_value_and_both_in_a_conflict(enrol):
    one, two = enrol(name="Desk 1"), enrol(name="Desk 2")
    smith = person(family_name="Smith", postcode="NG1 1AA")
    one.push(smith)
    one.push(_edit(smith, 1, family_name="Smyth"))
    [result] = two.push(_edit(smith, 1, family_name="Smithe", postcode="NG7 2BB"))
    assert result["status"] == "conflict"
    [conflict] = result["conflicts"]
    assert (conflict["field"], conflict["yours"], conflict["theirs"], conflict["winner"]) == (
        "family_name",
        "Smithe",
        "Smyth",
        "theirs",
    )
    records, page = one.pull_all()
    assert records[-1]["fields"] == {
        **smith["fields"],
        "family_name": "Smyth",
        "postcode": "NG7 2BB",
    }
    assert result["stored"]["fields"] == records[-1]["fields"]
    assert [c["id"] for c in page["conflicts"]] == [conflict["id"]]


def test_a_conflict_is_closed_when_the_worker_confirms_it(enrol):
    one, two = enrol(name="Desk 1"), enrol(name="Desk 2")
    smith = person(family_name="Smith")
    one.push(smith)
    one.push(_edit(smith, 1, family_name="Smyth"))
    [result] = two.push(_edit(smith, 1, family_name="Smithe"))
    conflict_id = result["conflicts"][0]["id"]
    [confirmed] = two.push({**_edit(smith, 2, family_name="Smithe"), "resolves": [conflict_id]})
    assert confirmed["status"] == "applied"
    assert two.pull()["conflicts"] == []


def _dt1(one, answers: dict) -> dict:
    someone, visit = family()
    dt1 = form(visit["id"], "dt1", answers)
    one.push(someone, visit, dt1)
    return dt1


def _answers(sent: dict, base_rev: int, answers: dict) -> dict:
    return _edit(sent, base_rev, answers=answers)


def test_answers_inside_a_form_merge_answer_by_answer(enrol):
    one, two = enrol(name="Desk 1"), enrol(name="Desk 2")
    dt1 = _dt1(one, {"test_outcome": "completed"})
    one.push(_answers(dt1, 1, {"test_outcome": "completed", "disputed": True}))
    [result] = two.push(
        _answers(dt1, 1, {"test_outcome": "completed", "results": {"opiates": "positive"}})
    )
    assert result["status"] == "merged"
    records, _ = two.pull_all()
    assert records[-1]["fields"]["answers"] == {
        "disputed": True,
        "results": {"opiates": "positive"},
        "test_outcome": "completed",
    }


def test_the_same_answer_changed_on_two_desks_is_a_conflict_named_by_its_answer_key(enrol):
    one, two = enrol(name="Desk 1"), enrol(name="Desk 2")
    dt1 = _dt1(one, {"authority": "trigger_offence", "tested_by": "PC 1"})
    one.push(_answers(dt1, 1, {"authority": "trigger_offence", "tested_by": "PC 2"}))
    [result] = two.push(_answers(dt1, 1, {"authority": "inspector", "tested_by": "PC 3"}))
    assert [c["field"] for c in result["conflicts"]] == ["answers.tested_by"]
    assert result["stored"]["fields"]["answers"] == {"authority": "inspector", "tested_by": "PC 2"}


def _booked(desk) -> dict:
    someone, visit = family()
    booked = appointment(visit["id"])
    desk.push(someone, visit, booked)
    return booked


def test_a_deletion_against_a_colleagues_edit_keeps_the_record_and_asks(enrol):
    one, two = enrol(name="Desk 1"), enrol(name="Desk 2")
    booked = _booked(one)
    one.push(_edit(booked, 1, place="Bridewell"))
    [result] = two.push({**booked, "base_rev": 1, "deleted": True})
    assert result["status"] == "conflict" and result["conflicts"][0]["field"] == "_deleted"
    records, _ = one.pull_all()
    assert records[-1]["deleted"] is False


def test_a_tombstone_travels_when_nobody_else_edited(enrol):
    desk = enrol()
    booked = _booked(desk)
    [result] = desk.push({**booked, "base_rev": 1, "deleted": True, "fields": {}})
    assert result["status"] == "applied"
    records, _ = desk.pull_all()
    assert records[-1]["deleted"] is True and records[-1]["rev"] == 2


def _issued(desk) -> dict:
    someone, visit = family()
    issued = notice(visit["id"])
    desk.push(someone, visit, issued)
    return issued


def test_an_identical_replay_of_a_notice_is_fine(enrol):
    desk = enrol()
    issued = _issued(desk)
    [result] = desk.push(issued)
    assert result["status"] == "unchanged" and result["stored"] is None


def test_a_changed_notice_is_refused_because_notices_are_append_only(enrol):
    desk = enrol()
    issued = _issued(desk)
    answer = desk.push_answer(_edit(issued, 1, reference="RA1-2026-0002"))
    [refused] = answer["refused"]
    assert refused["code"] == "append_only" and "first written" in refused["message"]


def test_a_changed_audit_event_is_refused(enrol):
    desk = enrol()
    event = audit_event(record_id=new_id())
    desk.push(event)
    answer = desk.push_answer(_edit(event, 1, action="erasure"))
    assert [r["code"] for r in answer["refused"]] == ["append_only"]


def test_a_notice_cannot_be_deleted(enrol):
    desk = enrol()
    issued = _issued(desk)
    answer = desk.push_answer({**issued, "deleted": True, "base_rev": 1})
    [refused] = answer["refused"]
    assert refused["code"] == "cannot_delete" and "cannot be deleted" in refused["message"]


def test_a_record_of_another_suite_cannot_be_overwritten(enrol):
    bridewell, other = enrol("bridewell"), enrol("mansfield")
    smith = person(family_name="Smith")
    bridewell.push(smith)
    answer = other.push_answer(_edit(smith, 1, family_name="X"))
    assert [r["code"] for r in answer["refused"]] == ["id_taken"]
    records, _ = bridewell.pull_all()
    assert records[0]["fields"] == smith["fields"]


def test_an_unknown_base_rev_merges_with_no_common_base_and_loses_nothing(enrol):
    desk = enrol()
    smith = person(family_name="Smith", postcode="NG1")
    desk.push(smith)
    [result] = desk.push(_edit(smith, 7, family_name="Smyth"))
    assert result["status"] == "conflict"
    assert result["conflicts"][0]["yours"] == "Smyth"
