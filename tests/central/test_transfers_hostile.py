"""A transfer routed into another suite (central.transfers) pushed the way an odd or hostile
workstation would, on SQLite and PostgreSQL: what the central store opens in the receiving
suite must itself keep the wire contract (or the receiving workstations could not place it),
and nothing a sending workstation chooses may break the push or reach another suite's
records."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from sqlalchemy import event, select

from central import reference
from central.contract import field_problem
from central.models import RecordVersion
from central.schemas import PushRecord
from central.transfers import derived_id
from tests.central.helpers import family, form, new_id, person

SPOC = json.loads((Path(__file__).parents[2] / "resources" / "spoc_directory.json").read_text())


def _spoc_with_suites(engine, **suites: str) -> None:
    doc = copy.deepcopy(SPOC)
    for cjit in doc["cjits"]:
        if cjit["id"] in suites:
            cjit["suite"] = suites[cjit["id"]]
    reference.store_documents(engine, {"spoc_directory": doc})


def _transfer(desk, *extra, dt1_answers=None, **answers):
    someone, visit = family(family_name="Quinn", given_names="Owen")
    ep = visit["id"]
    custody = form(ep, "custody_episode", {"family_name": "Quinn", "given_names": "Owen"})
    dt1 = form(ep, "dt1", {"test_outcome": "completed", "tested_at": "2026-11-24T10:05:00Z",
                           "results": {"opiates": "positive"}, **(dt1_answers or {})},
               form_version=2)  # fmt: skip
    values = {"receiving_cjit": "mansfield_ashfield", "reason": "resident_elsewhere",
              "appointment_at": "2026-11-25T10:00:00Z", "sent_at": "2026-11-24T11:20:00Z",
              "sent_by": "Ann Worker", **answers}  # fmt: skip
    transfer = form(ep, "transfer", values)
    return desk.push_answer(*extra, someone, visit, custody, dt1, transfer), transfer


@pytest.mark.parametrize(
    "appointment_at",
    ["2026-11-25T10:00:00", "2026-11-25", "2026-06-25T10:00", "2026-11-25T10:00:00.123456+05:30"],
)
def test_what_is_routed_keeps_the_wire_contract(enrol, engine, appointment_at):
    """The transfer's answers may be written in any form the forms codec reads (a naive time
    is UK local time, a bare date is midnight); the routed appointment is a wire record whose
    time must carry its offset, so the receiving workstation can place it."""
    _spoc_with_suites(engine, nottingham="bridewell", mansfield_ashfield="mansfield")
    bridewell, mansfield = enrol("bridewell"), enrol("mansfield", "Mansfield desk")
    answer, _ = _transfer(bridewell, appointment_at=appointment_at)
    assert answer["refused"] == []
    pulled, _ = mansfield.pull_all()
    assert {r["type"] for r in pulled} == {"person", "episode", "form", "appointment"}
    for rec in pulled:
        sent = {k: rec[k] for k in ("type", "id", "deleted", "fields")}
        problem = field_problem(PushRecord.model_validate({**sent, "base_rev": rec["rev"]}))
        assert problem is None, (rec["type"], rec["fields"], problem)


def test_a_derived_id_already_taken_never_fails_the_push(enrol, engine):
    """A workstation that (by accident or on purpose) already used the id the central store
    derives for a routed record: the push is still stored and answered, nothing is routed
    over the existing record, and the other suite's pull is unharmed."""
    _spoc_with_suites(engine, nottingham="bridewell", mansfield_ashfield="mansfield")
    bridewell, mansfield = enrol("bridewell"), enrol("mansfield", "Mansfield desk")
    someone, visit = family(family_name="Quinn", given_names="Owen")
    ep = visit["id"]
    transfer = form(ep, "transfer", {"receiving_cjit": "mansfield_ashfield",
                                     "reason": "resident_elsewhere",
                                     "appointment_at": "2026-11-25T10:00:00Z"})  # fmt: skip
    squatter = person(id=derived_id(transfer["id"], "person"), family_name="Squatter")
    bridewell.push(someone, visit, transfer, squatter)
    sent = {**transfer, "base_rev": 1, "fields": {**transfer["fields"], "answers": {
        **transfer["fields"]["answers"], "sent_at": "2026-11-24T11:20:00Z",
        "sent_by": "Ann"}}}  # fmt: skip
    response = bridewell.push_response(sent)
    assert response.status_code == 200, response.text
    assert response.json()["refused"] == []
    [stored] = [r for r in bridewell.pull_all()[0] if r["id"] == squatter["id"]]
    assert stored["fields"]["family_name"] == "Squatter" and stored["rev"] == 1
    assert mansfield.pull_all()[0] == []


def test_the_routing_is_traced_to_the_push_that_disclosed_it(enrol, engine):
    """DPA 2018 s.62 on the central store's side: every record opened in the receiving suite
    names, in its first version, the batch and the device whose push disclosed it."""
    _spoc_with_suites(engine, nottingham="bridewell", mansfield_ashfield="mansfield")
    bridewell, mansfield = enrol("bridewell"), enrol("mansfield", "Mansfield desk")
    batch = new_id()
    someone, visit = family()
    transfer = form(visit["id"], "transfer", {"receiving_cjit": "mansfield_ashfield",
                    "reason": "resident_elsewhere", "appointment_at": "2026-11-25T10:00:00Z",
                    "sent_at": "2026-11-24T11:20:00Z", "sent_by": "Ann"})  # fmt: skip
    bridewell.push(someone, visit, transfer, batch_id=batch)
    routed = {r["id"] for r in mansfield.pull_all()[0]}
    assert len(routed) == 5
    with engine.connect() as conn:
        rows = conn.execute(
            select(RecordVersion.batch_id, RecordVersion.device_id).where(
                RecordVersion.record_id.in_(routed)
            )
        ).all()
    assert sorted(set(rows)) == [(batch, bridewell.device_id)] and len(rows) == 5


def _spoc_entry(engine, cjit_id: str, suite: str) -> None:
    doc = copy.deepcopy(SPOC)
    doc["cjits"].append({**doc["cjits"][1], "id": cjit_id, "suite": suite})
    for cjit in doc["cjits"]:
        if cjit["id"] == "nottingham":
            cjit["suite"] = "bridewell"
    reference.store_documents(engine, {"spoc_directory": doc})


def test_a_spoc_suite_no_device_could_have_is_not_routed_to(enrol, engine):
    """The SPOC directory is reference data: a suite name longer than the store's column
    (a typing slip in the JSON) must not fail every push of a sent transfer for ever."""
    _spoc_entry(engine, "far_away", "s" * 65)
    bridewell = enrol("bridewell")
    answer, _ = _transfer(bridewell, receiving_cjit="far_away")
    assert answer["refused"] == []


def test_a_long_spoc_id_still_routes_a_placeable_appointment(enrol, engine):
    cjit_id = "cjit_" + "x" * 60
    _spoc_entry(engine, cjit_id, "mansfield")
    bridewell, mansfield = enrol("bridewell"), enrol("mansfield", "Mansfield desk")
    answer, _ = _transfer(bridewell, receiving_cjit=cjit_id)
    assert answer["refused"] == []
    pulled, _ = mansfield.pull_all()
    [appointment] = [r for r in pulled if r["type"] == "appointment"]
    sent = {k: appointment[k] for k in ("type", "id", "deleted", "fields")}
    assert field_problem(PushRecord.model_validate({**sent, "base_rev": 1})) is None


def test_a_push_of_many_sent_transfers_reads_the_sending_forms_once(enrol, engine):
    """The sending episodes' forms are found by a JSON field no index serves: one query for
    the whole push, not a scan of the suite's forms per transfer under the write lock."""
    _spoc_with_suites(engine, nottingham="bridewell", mansfield_ashfield="mansfield")
    bridewell, mansfield = enrol("bridewell"), enrol("mansfield", "Mansfield desk")
    records, transfers = [], []
    for _ in range(5):
        someone, visit = family()
        records += [someone, visit]
        transfers.append(form(visit["id"], "transfer", {
            "receiving_cjit": "mansfield_ashfield", "reason": "resident_elsewhere",
            "appointment_at": "2026-11-25T10:00:00Z", "sent_at": "2026-11-24T11:20:00Z",
            "sent_by": "Ann"}))  # fmt: skip
    bridewell.push(*records)
    scans: list[str] = []

    def count(conn, cursor, statement, parameters, *args):
        text = f"{statement} {parameters}"
        if statement.lstrip().upper().startswith("SELECT") and "episode_id" in text:
            scans.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        bridewell.push(*transfers)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(scans) == 1
    assert len([r for r in mansfield.pull_all()[0] if r["type"] == "appointment"]) == 5


def test_the_receiving_suite_edits_what_was_routed_without_conflict(enrol, engine):
    _spoc_with_suites(engine, nottingham="bridewell", mansfield_ashfield="mansfield")
    bridewell, mansfield = enrol("bridewell"), enrol("mansfield", "Mansfield desk")
    _, transfer = _transfer(bridewell, place="CJIT Office")
    routed, page = mansfield.pull_all()
    edited = []
    for rec in routed:
        fields = dict(rec["fields"])
        if rec["type"] == "appointment":
            fields["status"] = "varied"
        elif rec["type"] == "form" and fields["form_key"] == "referral_in":
            fields["answers"] = {**fields["answers"], "place": "Mansfield hub"}
        else:
            continue
        edited.append({"type": rec["type"], "id": rec["id"], "base_rev": rec["rev"],
                       "deleted": False, "fields": fields})  # fmt: skip
    results = mansfield.push(*edited)
    assert [(r["status"], r["conflicts"]) for r in results] == [("applied", [])] * 2
    _, page = mansfield.pull_all(page["next_cursor"])  # its own edits, echoed
    # The sender corrects its transfer afterwards: the routing does not run again, so the
    # receiving suite's edits stand and nothing new arrives there.
    answers = {**transfer["fields"]["answers"], "place": "Somewhere else"}
    bridewell.push(
        {**transfer, "base_rev": 1, "fields": {**transfer["fields"], "answers": answers}}
    )
    assert mansfield.pull(page["next_cursor"])["records"] == []


def test_only_identity_and_contact_travel_not_ethnicity(enrol, engine):
    """Data minimisation (DPA 2018 Part 3): ethnic origin is sensitive processing; the
    receiving CJIT asks the person at the assessment."""
    _spoc_with_suites(engine, nottingham="bridewell", mansfield_ashfield="mansfield")
    bridewell, mansfield = enrol("bridewell"), enrol("mansfield", "Mansfield desk")
    someone, visit = family(family_name="Quinn")
    custody = form(visit["id"], "custody_episode", {
        "family_name": "Quinn", "given_names": "Owen", "gender": "male", "ethnicity": "asian_chinese",
        "phone": "07700 900123"})  # fmt: skip
    transfer = form(visit["id"], "transfer", {"receiving_cjit": "mansfield_ashfield",
                    "reason": "resident_elsewhere", "sent_at": "2026-11-24T11:20:00Z",
                    "sent_by": "Ann"})  # fmt: skip
    bridewell.push(someone, visit, custody, transfer)
    [routed] = [r["fields"]["answers"] for r in mansfield.pull_all()[0]
                if r["type"] == "form" and r["fields"]["form_key"] == "custody_episode"]  # fmt: skip
    assert routed["phone"] == "07700 900123" and routed["gender"] == "male"
    assert "ethnicity" not in routed
