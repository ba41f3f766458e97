"""Issue 13's forms over the wire from an odd or hostile workstation (raw HTTP), on SQLite
and PostgreSQL: what no client could write is refused as data ({id, code, field, message})
while the rest of the batch is stored; what the contract does accept, at its very edges, never
fails another workstation's pull, the history, or the monthly report (API and CLI)."""

from __future__ import annotations

import json

import pytest

from central.__main__ import main
from tests.central.helpers import family, form

EDGE_TIMES = (
    "1900-01-01T14:00:00+14:00",  # the first instant of 1900 in UK time (GMT)
    "2099-12-31T11:59:59-12:00",  # the last of 2099
    "2026-10-25T01:30:00",  # naive, in the hour the clocks go back
    "2026-03-29T01:30:00",  # naive, in the hour that does not exist
    "2026-10-31T23:59:00+00:00",
)

REFUSED = [
    ("lab_result", {"confirmed": {"opiates": "maybe"}}, "not_allowed"),
    ("lab_result", {"confirmed": ["opiates"]}, "wrong_type"),
    ("lab_result", {"confirmed": {"opiates": 1}}, "wrong_type"),
    ("lab_result", {"received_at": "0001-01-01T00:00:00+00:00"}, "out_of_range"),
    ("lab_result", {"received_at": "9999-12-31T23:59:00+00:00"}, "out_of_range"),
    ("rob", {"appointments_missed": -1}, "out_of_range"),
    ("rob", {"appointments_attended": 2**40}, "out_of_range"),
    ("rob", {"appointments_attended": True}, "wrong_type"),
    ("rob", {"appointments_attended": "3"}, "wrong_type"),
    ("rob", {"assessment_outcome": "partly"}, "not_allowed"),
    ("remand", {"remanded_at": 1775124000}, "wrong_type"),
    ("remand", {"sent_how": "pigeon"}, "not_allowed"),
    ("fta_report", {"assessment": "annex_e"}, "not_allowed"),
    ("fta_report", {"outcome": ["failed_to_attend"]}, "wrong_type"),
    ("transfer", {"reason": "because"}, "not_allowed"),
    ("referral_in", {"positive_for": "opiates"}, "wrong_type"),
    ("annex_e_fu", {"first_outcome": "x"}, "not_allowed"),
    ("drr_report", {"reported_at": "yesterday"}, "wrong_type"),
    ("drr_report", {"outcome": "x\x00y"}, "invalid_record"),
    ("remand", {"no_such_question": 1}, "unknown_answer"),
]


@pytest.mark.parametrize(("form_key", "answers", "code"), REFUSED, ids=repr)
def test_what_no_client_writes_is_refused_as_data(enrol, form_key, answers, code):
    desk = enrol()
    someone, visit = family()
    bad = form(visit["id"], form_key, answers)
    good = form(visit["id"], "drr_report", {"probation_officer": "Pat"})
    answer = desk.push_answer(someone, visit, bad, good)
    [refusal] = answer["refused"]
    assert (refusal["id"], refusal["code"]) == (bad["id"], code)
    assert refusal["field"] and refusal["message"]
    assert {r["id"] for r in answer["results"]} == {someone["id"], visit["id"], good["id"]}


def _edge_forms(ep: str, at: str) -> list[dict]:
    long, key = "\u202e" + "x" * 19_990, "\u202e\u0007" + "k" * 190
    results = {f"drug{i}": "positive" for i in range(300)}
    return [
        form(ep, "dt1", {"test_outcome": "completed", "tested_at": at, "disputed": True,
                         "results": {"opiates": "positive", **results}}, form_version=2),
        form(ep, "lab_result", {"confirmed": {"opiates": "negative", "unknown": "positive",
                                              key: "negative"}, "received_at": at,
                                "sent_at": at}),
        form(ep, "remand", {"remanded_at": at, "sent_at": at, "court": long, "prison": long}),
        form(ep, "remand", {"remanded_at": at}),
        form(ep, "rob", {"bail_decided_at": at, "assessment_at": at,
                         "assessment_outcome": "failed_to_attend", "last_missed_at": at,
                         "appointments_missed": 2**31 - 1, "failures_reported_at": at}),
        form(ep, "ra3", {"outcome": "failed_to_attend", "recorded_at": at,
                         "reported_to_police_at": at}, form_version=2),
        form(ep, "fta_report", {"assessment": "initial", "reported_at": at,
                                "required_at": at, "statement_at": at}),
        form(ep, "fta_report", {"assessment": "follow_up", "reported_at": at}),
        form(ep, "transfer", {"receiving_cjit": long, "sent_at": at, "appointment_at": at}),
        form(ep, "referral_in", {"received_at": at, "appointment_at": at,
                                 "positive_for": [long, "opiates"]}),
        form(ep, "annex_e_fu", {"reported_to_partnership_at": at, "second_appointment_at": at}),
        form(ep, "drr_report", {"reported_at": at, "outcome": long}),
    ]  # fmt: skip


def test_values_at_the_edges_of_the_contract_break_no_read(enrol, database_url, capsys):
    desk, other = enrol(), enrol(name="Bridewell desk 2")
    for at in EDGE_TIMES:
        someone, visit = family()
        desk.push(someone, visit, *_edge_forms(visit["id"], at))
    pulled, _ = other.pull_all()
    assert len([r for r in pulled if r["type"] == "form"]) == 12 * len(EDGE_TIMES)
    assert other.get("/v1/history").status_code == 200
    for months in (("1900-01", "1900-02"), ("2026-03", "2026-11"), ("2099-11", "2099-12")):
        for fmt in ("json", "csv"):
            response = other.get("/v1/reports/monthly", **{"from": months[0], "to": months[1],
                                                          "format": fmt})  # fmt: skip
            assert response.status_code == 200, response.text
    capsys.readouterr()
    args = ["report", "monthly", "--month", "2026-03", "--to", "2026-11", "--format", "json"]
    assert main([*args, "--database-url", database_url]) == 0
    october = next(m for m in json.loads(capsys.readouterr().out) if m["month"] == "2026-10")
    assert october["transfers_out"] == 2 and october["prison_referrals"] == 2


def test_two_laboratory_results_of_one_episode_count_the_one_changed_last(enrol):
    """Two workstations may each record the laboratory's result of one episode offline; the
    figures take the one changed last (the order stored rows come back in is no rule)."""
    desk = enrol()
    someone, visit = family()
    ep = visit["id"]
    dt1 = form(ep, "dt1", {"test_outcome": "completed", "tested_at": "2026-04-10T09:00:00Z",
                           "results": {"opiates": "positive"}, "disputed": True},
               form_version=2)  # fmt: skip
    first = form(ep, "lab_result", {"confirmed": {"opiates": "positive"}})
    second = form(ep, "lab_result", {"confirmed": {"opiates": "positive"}})
    desk.push(someone, visit, dt1, first, second)
    corrected = {**first, "base_rev": 1, "fields": {**first["fields"], "answers": {
        "confirmed": {"opiates": "negative"}, "received_at": "2026-04-20T09:00:00Z"}}}  # fmt: skip
    desk.push(corrected)
    [april] = desk.get("/v1/reports/monthly", **{"from": "2026-04", "to": "2026-04"}).json()[
        "months"
    ]
    assert (april["tests_confirmed_negative"], april["positive_opiates_only"]) == (1, 0)
