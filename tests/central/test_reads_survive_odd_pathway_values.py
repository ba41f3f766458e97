"""Issue 13's figures read whatever a workstation once stored (issue 11.5), like the rest of
the monthly report: a remand, RoB, FTA report, transfer or referral with a year 1 / 9999
instant, text where a time was expected, or answers of the wrong shape never give a 5xx.
Written straight into the store (a client from before the contract), read through the API
and the command line, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from central.__main__ import main
from tests.central.test_reads_survive_odd_values import ODD_TIMES, _put


def _odd_episode(engine, suite: str, value: object) -> None:
    person = _put(engine, suite, "person", {"family_name": "Odd"})
    ep = _put(engine, suite, "episode", {"person_id": person})
    forms = {
        "dt1": {"test_outcome": "completed", "tested_at": "2026-04-02T10:00:00Z",
                "results": {"opiates": "positive"}, "disputed": True},
        "lab_result": {"confirmed": {"opiates": value}, "received_at": value},
        "remand": {"remanded_at": value, "sent_at": value},
        "rob": {"bail_decided_at": value, "assessment_at": value,
                "assessment_outcome": "failed_to_attend"},
        "ra3": {"outcome": "failed_to_attend", "recorded_at": "2026-04-03T10:00:00Z",
                "reported_to_police_at": value},
        "fta_report": {"assessment": value, "reported_at": value},
        "transfer": {"sent_at": value},
        "referral_in": {"received_at": value},
    }  # fmt: skip
    for key, answers in forms.items():
        _put(engine, suite, "form", {"episode_id": ep, "answers": answers}, key)


def _remand_sent(engine, suite: str, remanded_at: object, sent_at: object) -> None:
    ep = _put(engine, suite, "episode", {"person_id": "x"})
    answers = {"remanded_at": remanded_at, "sent_at": sent_at}
    _put(engine, suite, "form", {"episode_id": ep, "answers": answers}, "remand")


@pytest.mark.parametrize("value", ODD_TIMES, ids=repr)
def test_the_pathway_figures_survive_any_stored_date(enrol, engine, database_url, capsys, value):
    desk = enrol()
    _odd_episode(engine, desk.suite, value)
    _remand_sent(engine, desk.suite, value, "2026-04-02T10:00:00Z")
    _remand_sent(engine, desk.suite, "2026-04-01T09:00:00Z", "2026-04-02T10:00:00Z")
    for fmt in ("json", "csv"):
        response = desk.get("/v1/reports/monthly", **{"from": "2026-04", "to": "2026-04",
                                                     "format": fmt})  # fmt: skip
        assert response.status_code == 200, response.text
    april = desk.get("/v1/reports/monthly", **{"from": "2026-04", "to": "2026-04"}).json()
    assert april["months"][0]["prison_referrals"] == 2
    assert april["months"][0]["prison_referrals_late"] == 1
    capsys.readouterr()
    args = ["report", "monthly", "--month", "2026-04", "--format", "json"]
    assert main([*args, "--database-url", database_url]) == 0
    assert '"prison_referrals": 2' in capsys.readouterr().out


def test_the_pathway_figures_survive_answers_of_the_wrong_shape(enrol, engine):
    desk = enrol()
    ep = _put(engine, desk.suite, "episode", {"person_id": "x"})
    for key, answers in (
        ("dt1", {"test_outcome": "completed", "tested_at": "2026-04-02T10:00:00Z",
                 "results": ["opiates"], "disputed": True}),
        ("lab_result", {"confirmed": ["opiates"]}),
        ("lab_result", ["x"]),
        ("fta_report", {"assessment": {"x": 1}, "reported_at": "2026-04-02T10:00:00Z"}),
        ("ra3", {"outcome": ["failed_to_attend"], "recorded_at": 5}),
        ("rob", {"assessment_outcome": {"a": 1}, "bail_decided_at": ["x"]}),
        ("remand", "sent"),
    ):  # fmt: skip
        _put(engine, desk.suite, "form", {"episode_id": ep, "answers": answers}, key)
    _put(engine, desk.suite, "form", {"episode_id": None, "answers": None}, "transfer")
    _put(engine, desk.suite, "form", ["not", "a", "mapping"], "referral_in")
    response = desk.get("/v1/reports/monthly", **{"from": "2026-04", "to": "2026-04"})
    assert response.status_code == 200, response.text
