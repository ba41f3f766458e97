"""The wire contract: each odd record a workstation could send is refused alone, with a reason
as data ({id, index, code, field, message}); the rest of its batch is stored and nothing
refused ever reaches another workstation (issue 11, items 4 and 5) — on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.forms.registry import FORMS
from app.sync.wire import FIELDS
from tests.central.helpers import (
    appointment,
    audit_event,
    episode,
    family,
    form,
    new_id,
    notice,
    person,
    record,
)


def _with(sent: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {**sent, "fields": {**sent["fields"], **fields}}


def _without(sent: dict[str, Any], name: str) -> dict[str, Any]:
    return {**sent, "fields": {k: v for k, v in sent["fields"].items() if k != name}}


def _dt1(episode_id: str, **answers: Any) -> dict[str, Any]:
    values = {"test_outcome": "completed", "tested_at": "2026-04-02T10:00:00+00:00"}
    return form(episode_id, "dt1", {**values, "results": {"opiates": "positive"}, **answers})


# (what, build(episode_id, person_id) -> the odd record, code, field)
ODD = [
    ("a family name that is a list", lambda e, p: person(family_name=["Smith"]),
     "wrong_type", "family_name"),
    ("a family name that is a number", lambda e, p: person(family_name=7),
     "wrong_type", "family_name"),
    ("a date of birth that is an integer", lambda e, p: person(date_of_birth=19900101),
     "wrong_type", "date_of_birth"),
    ("a date of birth in year 1", lambda e, p: person(date_of_birth="0001-01-01"),
     "out_of_range", "date_of_birth"),
    ("a postcode longer than its column", lambda e, p: person(postcode="NG1 1AA" * 5),
     "too_long", "postcode"),
    ("an episode without person_id", lambda e, p: _without(episode(p), "person_id"),
     "missing_field", "person_id"),
    ("an episode of a person nobody has", lambda e, p: episode(new_id()),
     "unknown_reference", "person_id"),
    ("an episode whose person_id names an episode", lambda e, p: episode(e),
     "unknown_reference", "person_id"),
    ("an object status", lambda e, p: episode(p, status={"open": True}),
     "not_allowed", "status"),
    ("an unknown status", lambda e, p: episode(p, status="archived"), "not_allowed", "status"),
    ("an appointment whose at is not a time", lambda e, p: appointment(e, at="tomorrow"),
     "wrong_type", "at"),
    ("an appointment at a time without its offset",
     lambda e, p: appointment(e, at="2026-04-03T10:00:00"), "wrong_type", "at"),
    ("an unknown field", lambda e, p: person(nickname="Jo"), "unknown_field", "nickname"),
    ("a field name of 5,000 characters", lambda e, p: person(**{"x" * 5000: 1}),
     "invalid_record", "fields"),
    ("a DT1 tested_at that is a number", lambda e, p: _dt1(e, tested_at=1712052000),
     "wrong_type", "answers.tested_at"),
    ("a DT1 tested_at that is a sentence", lambda e, p: _dt1(e, tested_at="this morning"),
     "wrong_type", "answers.tested_at"),
    ("a DT1 tested_at in year 1", lambda e, p: _dt1(e, tested_at="0001-01-01T10:00:00+00:00"),
     "out_of_range", "answers.tested_at"),
    ("a DT1 tested_at in year 9999",
     lambda e, p: _dt1(e, tested_at="9999-12-31T23:59:00+00:00"),
     "out_of_range", "answers.tested_at"),
    ("an answer that is not one of the choices", lambda e, p: _dt1(e, test_outcome="maybe"),
     "not_allowed", "answers.test_outcome"),
    ("a result that is not positive, negative or not tested",
     lambda e, p: _dt1(e, results={"opiates": "yes"}), "not_allowed", "answers.results"),
    ("a yes/no answer that is text", lambda e, p: _dt1(e, disputed="no"),
     "wrong_type", "answers.disputed"),
    ("an answer key of 10,000 characters", lambda e, p: _dt1(e, **{"k" * 10_000: "x"}),
     "invalid_record", "fields"),
    ("an answer key no form has", lambda e, p: _dt1(e, tested_when="today"),
     "unknown_answer", "answers.tested_when"),
    ("answers that are a list", lambda e, p: _with(_dt1(e), answers=["completed"]),
     "wrong_type", "answers"),
    ("a form nobody defined", lambda e, p: form(e, "dt9", {}), "not_allowed", "form_key"),
    ("a form version from the future", lambda e, p: _with(_dt1(e), form_version=99),
     "unknown_form_version", "form_version"),
    ("a notice of an unknown kind", lambda e, p: notice(e, kind="ra9"), "not_allowed", "kind"),
    ("a notice without its reference", lambda e, p: notice(e, reference=""),
     "missing_field", "reference"),
    ("a resolves id of 2^31", lambda e, p: {**person(), "resolves": [2**31]},
     "invalid_record", "resolves[0]"),
    ("a base_rev of 2^31", lambda e, p: {**person(), "base_rev": 2**31},
     "invalid_record", "base_rev"),
    ("an audit event with an unknown action", lambda e, p: audit_event(action="peek"),
     "not_allowed", "action"),
    ("an audit event whose hash is not a hash", lambda e, p: audit_event(hash="x"),
     "wrong_type", "hash"),
    ("a record of a megabyte", lambda e, p: notice(e, content={"text": ["x" * 10_000] * 120}),
     "too_large", None),
]  # fmt: skip


@pytest.mark.parametrize(("what", "build", "code", "field"), ODD, ids=[o[0] for o in ODD])
def test_an_odd_record_is_refused_alone_with_its_reason_and_the_batch_goes_on(
    enrol, what, build, code, field
):
    desk, colleague = enrol(name="Desk 1"), enrol(name="Desk 2")
    someone, visit = family()
    desk.push(someone, visit)
    odd = build(visit["id"], someone["id"])
    fine = person(family_name="Fine")
    answer = desk.push_answer(odd, fine)
    [refused] = answer["refused"]
    assert refused == {
        "id": odd["id"],
        "index": 0,
        "type": odd["type"],
        "code": code,
        "field": field,
        "message": refused["message"],
    }, what
    assert refused["message"].endswith(".") and len(refused["message"]) < 300
    assert [r["id"] for r in answer["results"]] == [fine["id"]]
    records, _ = colleague.pull_all()  # the suite goes on; the odd record is nowhere
    assert odd["id"] not in {r["id"] for r in records} and fine["id"] in {r["id"] for r in records}


def test_a_draft_may_leave_any_question_unanswered(enrol):
    desk = enrol()
    someone, visit = family()
    empty = {"test_outcome": None, "tested_at": "", "results": {}, "other_substances": []}
    desk.push(someone, visit, form(visit["id"], "dt1", empty), form(visit["id"], "ra1", {}))


def test_a_child_of_a_refused_parent_is_refused_too_and_says_why(enrol):
    desk = enrol()
    odd = person(date_of_birth="17/05/1990")
    visit = episode(odd["id"])
    dt1 = _dt1(visit["id"])
    answer = desk.push_answer(odd, visit, dt1)
    assert answer["results"] == []
    assert [(r["id"], r["code"]) for r in answer["refused"]] == [
        (odd["id"], "wrong_type"),
        (visit["id"], "parent_refused"),
        (dt1["id"], "parent_refused"),
    ]


def test_a_child_whose_parent_is_already_stored_is_accepted_even_if_the_parents_edit_is_refused(
    enrol,
):
    desk = enrol()
    someone, visit = family()
    desk.push(someone, visit)
    odd_edit = {**_with(someone, date_of_birth=1990), "base_rev": 1}
    answer = desk.push_answer(odd_edit, _dt1(visit["id"]))
    assert [r["code"] for r in answer["refused"]] == ["wrong_type"]
    assert len(answer["results"]) == 1


def test_a_reference_to_a_record_later_in_the_same_batch_is_accepted(enrol):
    desk = enrol()
    someone, visit = family()
    first = notice(visit["id"], reference="RA1-1")
    variation = notice(visit["id"], kind="ra2", reference="RA2-1", varies_notice_id=first["id"])
    booked = appointment(visit["id"], notice_id=variation["id"])
    desk.push(booked, variation, someone, first, visit)  # any order within one batch


def test_a_suites_records_cannot_be_named_from_another_suite(enrol):
    bridewell, other = enrol("bridewell"), enrol("mansfield")
    someone, visit = family()
    bridewell.push(someone, visit)
    answer = other.push_answer(_dt1(visit["id"]))
    assert [r["code"] for r in answer["refused"]] == ["unknown_reference"]


def test_a_tombstone_need_not_repeat_its_fields(enrol):
    desk = enrol()
    someone, visit = family()
    booked = appointment(visit["id"])
    desk.push(someone, visit, booked)
    [result] = desk.push({**booked, "base_rev": 1, "deleted": True, "fields": {}})
    assert result["status"] == "applied"


def test_every_record_the_contract_declares_a_workstation_can_send(enrol):
    """The helpers' records cover every type and field of the contract: none is refused."""
    desk = enrol()
    someone, visit = family()
    dt1 = _dt1(visit["id"])
    issued = notice(visit["id"], form_record_id=dt1["id"], issued_by=new_id())
    sent = [someone, visit, dt1, issued, appointment(visit["id"], notice_id=issued["id"])]
    sent.append(audit_event(record_type="person", record_id=someone["id"], reason="checked"))
    desk.push(*sent)
    assert {r["type"] for r in sent} == set(FIELDS)


def _plausible(kind) -> st.SearchStrategy:
    odd = st.none() | st.booleans() | st.integers() | st.text(max_size=12) | st.lists(st.none())
    likely = {
        "text": st.text(max_size=40),
        "choice": st.sampled_from(kind.choices or ("x",)),
        "ref": st.just(new_id()),
        "int": st.integers(-5, 2**40),
        "date": st.dates().map(str),
        "datetime": st.datetimes(timezones=st.just(__import__("datetime").UTC)).map(
            lambda d: d.isoformat()
        ),
        "object": st.dictionaries(st.text(max_size=8), st.none() | st.text(max_size=8)),
        "hash": st.text("0123456789abcdef", min_size=64, max_size=64),
    }[kind.name]
    return likely | odd


def _answers(form_key: str) -> st.SearchStrategy:
    keys = [f.key for f in FORMS[form_key].fields]
    value = (
        st.none() | st.booleans() | st.integers() | st.text(max_size=30)
        | st.lists(st.text(max_size=8), max_size=3)
        | st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3)
    )  # fmt: skip
    return st.dictionaries(st.sampled_from(keys) | st.text(max_size=300), value, max_size=6)


@st.composite
def _records(draw) -> dict[str, Any]:
    record_type = draw(st.sampled_from(list(FIELDS)))
    fields = {name: draw(_plausible(kind)) for name, kind in FIELDS[record_type].items()}
    if record_type == "form":
        fields["form_key"] = draw(st.sampled_from(list(FORMS)))
        fields["answers"] = draw(_answers(fields["form_key"]))
    return record(record_type, **fields)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records=st.lists(_records(), min_size=1, max_size=6))
def test_any_mix_of_plausible_and_odd_values_is_stored_or_refused_never_a_server_error(
    enrol_once, records
):
    response = enrol_once.push_response(*records)
    assert response.status_code == 200, response.text
    body = response.json()
    answered = [r["id"] for r in body["results"]] + [r["id"] for r in body["refused"]]
    assert sorted(answered) == sorted(r["id"] for r in records)  # every record accounted for
    pulled, _ = enrol_once.pull_all()
    stored = {r["id"] for r in pulled}
    assert not stored & {r["id"] for r in body["refused"]}


@pytest.fixture
def enrol_once(enrol):
    return enrol()
