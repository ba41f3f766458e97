"""Push: idempotent batches, three-way merge, conflicts, append-only records."""

from __future__ import annotations

from sqlalchemy import func, select

from central.models import Record, RecordVersion
from tests.central.helpers import new_id, record


def _count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_new_record_is_applied_with_rev_1_and_a_sequence_number(enrol):
    desk = enrol()
    [result] = desk.push(record("person", family_name="Smith"))
    assert (result["rev"], result["seq"], result["status"]) == (1, 1, "applied")


def test_the_same_batch_sent_twice_stores_nothing_twice(enrol, engine):
    desk = enrol()
    batch = new_id()
    records = [record("person", family_name="Smith"), record("episode", custody_record_number="1")]
    first = desk.push_response(*records, batch_id=batch).json()
    second = desk.push_response(*records, batch_id=batch).json()
    assert second["replayed"] and second["results"] == first["results"]
    assert _count(engine, Record) == 2 and _count(engine, RecordVersion) == 2


def test_a_batch_id_reused_for_different_records_is_refused(enrol):
    desk = enrol()
    batch = new_id()
    desk.push(record("person", family_name="Smith"), batch_id=batch)
    response = desk.push_response(record("person", family_name="Jones"), batch_id=batch)
    assert response.status_code == 409 and "new batch_id" in response.json()["detail"]


def test_a_batch_is_all_or_nothing(enrol, engine):
    desk = enrol()
    notice = record("notice", kind="ra1", text="Attend at the AOT")
    desk.push(notice)
    changed = {**notice, "fields": {"kind": "ra1", "text": "Changed"}}
    response = desk.push_response(record("person", family_name="New"), changed)
    assert response.status_code == 409
    assert _count(engine, Record) == 1  # the person in the refused batch was not stored


def test_an_edit_from_the_current_rev_is_applied(enrol):
    desk = enrol()
    person = record("person", family_name="Smith", postcode="NG1 1AA")
    desk.push(person)
    [result] = desk.push(
        {**person, "base_rev": 1, "fields": {"family_name": "Smyth", "postcode": "NG1 1AA"}}
    )
    assert (result["status"], result["rev"]) == ("applied", 2)


def test_pushing_the_same_content_again_is_unchanged_and_takes_no_sequence_number(enrol):
    desk = enrol()
    person = record("person", family_name="Smith")
    [first] = desk.push(person)
    [again] = desk.push({**person, "base_rev": 1})
    assert again == {**first, "status": "unchanged"}


def test_edits_to_different_fields_on_two_desks_merge(enrol):
    one, two = enrol(name="Desk 1"), enrol(name="Desk 2")
    episode = record("episode", status="open", custody_record_number="CR1", closed_at=None)
    one.push(episode)
    one.push({**episode, "base_rev": 1, "fields": {**episode["fields"], "status": "closed"}})
    [result] = two.push(
        {**episode, "base_rev": 1, "fields": {**episode["fields"], "custody_record_number": "CR9"}}
    )
    assert result["status"] == "merged" and result["rev"] == 3
    records, _ = two.pull_all()
    assert records[-1]["fields"] == {
        "status": "closed",
        "custody_record_number": "CR9",
        "closed_at": None,
    }


def test_the_same_field_changed_on_two_desks_keeps_the_server_value_and_both_in_a_conflict(enrol):
    one, two = enrol(name="Desk 1"), enrol(name="Desk 2")
    person = record("person", family_name="Smith", postcode="NG1 1AA")
    one.push(person)
    one.push({**person, "base_rev": 1, "fields": {"family_name": "Smyth", "postcode": "NG1 1AA"}})
    [result] = two.push(
        {**person, "base_rev": 1, "fields": {"family_name": "Smithe", "postcode": "NG7 2BB"}}
    )
    assert result["status"] == "conflict"
    [conflict] = result["conflicts"]
    assert (conflict["field"], conflict["yours"], conflict["theirs"], conflict["winner"]) == (
        "family_name",
        "Smithe",
        "Smyth",
        "theirs",
    )
    records, page = one.pull_all()
    assert records[-1]["fields"] == {"family_name": "Smyth", "postcode": "NG7 2BB"}
    assert [c["id"] for c in page["conflicts"]] == [conflict["id"]]


def test_a_conflict_is_closed_when_the_worker_confirms_it(enrol):
    one, two = enrol(name="Desk 1"), enrol(name="Desk 2")
    person = record("person", family_name="Smith")
    one.push(person)
    one.push({**person, "base_rev": 1, "fields": {"family_name": "Smyth"}})
    [result] = two.push({**person, "base_rev": 1, "fields": {"family_name": "Smithe"}})
    conflict_id = result["conflicts"][0]["id"]
    [confirmed] = two.push(
        {**person, "base_rev": 2, "fields": {"family_name": "Smithe"}, "resolves": [conflict_id]}
    )
    assert confirmed["status"] == "applied"
    assert two.pull()["conflicts"] == []


def test_answers_inside_a_form_merge_answer_by_answer(enrol):
    one, two = enrol(name="Desk 1"), enrol(name="Desk 2")
    form = record(
        "form", episode_id=new_id(), form_key="dt1", answers={"test_outcome": "completed"}
    )
    one.push(form)
    base = form["fields"]
    one.push(
        {
            **form,
            "base_rev": 1,
            "fields": {**base, "answers": {"test_outcome": "completed", "disputed": True}},
        }
    )
    [result] = two.push(
        {
            **form,
            "base_rev": 1,
            "fields": {
                **base,
                "answers": {"test_outcome": "completed", "results": {"opiates": "positive"}},
            },
        }
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
    form = record(
        "form", episode_id=new_id(), form_key="dt1", answers={"authority": "trigger_offence"}
    )
    one.push(form)
    one.push(
        {**form, "base_rev": 1, "fields": {**form["fields"], "answers": {"authority": "inspector"}}}
    )
    [result] = two.push(
        {**form, "base_rev": 1, "fields": {**form["fields"], "answers": {"authority": "none"}}}
    )
    assert [c["field"] for c in result["conflicts"]] == ["answers.authority"]


def test_a_deletion_against_a_colleagues_edit_keeps_the_record_and_asks(enrol):
    one, two = enrol(name="Desk 1"), enrol(name="Desk 2")
    appointment = record("appointment", place="AOT", starts_at="2026-04-02T10:00:00Z")
    one.push(appointment)
    one.push(
        {**appointment, "base_rev": 1, "fields": {**appointment["fields"], "place": "Bridewell"}}
    )
    [result] = two.push({**appointment, "base_rev": 1, "deleted": True})
    assert result["status"] == "conflict" and result["conflicts"][0]["field"] == "_deleted"
    records, _ = one.pull_all()
    assert records[-1]["deleted"] is False


def test_a_tombstone_travels_when_nobody_else_edited(enrol):
    desk = enrol()
    appointment = record("appointment", place="AOT")
    desk.push(appointment)
    [result] = desk.push({**appointment, "base_rev": 1, "deleted": True})
    assert result["status"] == "applied"
    records, _ = desk.pull_all()
    assert records[-1]["deleted"] is True and records[-1]["rev"] == 2


def test_an_identical_replay_of_a_notice_is_fine(enrol):
    desk = enrol()
    notice = record("notice", kind="ra1", text="Attend at the AOT")
    desk.push(notice)
    [result] = desk.push(notice)
    assert result["status"] == "unchanged"


def test_a_changed_notice_is_refused_because_notices_are_append_only(enrol):
    desk = enrol()
    notice = record("notice", kind="ra1", text="Attend at the AOT")
    desk.push(notice)
    response = desk.push_response(
        {**notice, "base_rev": 1, "fields": {"kind": "ra1", "text": "Other"}}
    )
    assert response.status_code == 409
    assert "append-only" in response.json()["detail"]


def test_a_changed_audit_event_is_refused(enrol):
    desk = enrol()
    event = record("audit_event", action="view", record_id=new_id())
    desk.push(event)
    response = desk.push_response({**event, "fields": {"action": "erase"}})
    assert response.status_code == 409 and response.json()["problems"]


def test_a_notice_cannot_be_deleted(enrol):
    desk = enrol()
    response = desk.push_response(record("notice", deleted=True, kind="ra1"))
    assert response.status_code == 422 and "cannot be deleted" in response.json()["detail"]


def test_a_record_of_another_suite_cannot_be_overwritten(enrol):
    bridewell, other = enrol("bridewell"), enrol("mansfield")
    person = record("person", family_name="Smith")
    bridewell.push(person)
    response = other.push_response({**person, "fields": {"family_name": "X"}})
    assert response.status_code == 409
    records, _ = bridewell.pull_all()
    assert records[0]["fields"] == {"family_name": "Smith"}


def test_an_unknown_base_rev_merges_with_no_common_base_and_loses_nothing(enrol):
    desk = enrol()
    person = record("person", family_name="Smith", postcode="NG1")
    desk.push(person)
    [result] = desk.push(
        {**person, "base_rev": 7, "fields": {"family_name": "Smyth", "postcode": "NG1"}}
    )
    assert result["status"] == "conflict"
    assert result["conflicts"][0]["yours"] == "Smyth"
