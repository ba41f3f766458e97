"""The monthly report (needs assessment Figure 4) through the API and the command line."""

from __future__ import annotations

import csv
import io
import json

from app.forms.registry import FORMS
from central.__main__ import main
from tests.central.helpers import family, form


def dt1(
    episode_id: str,
    tested_at: str,
    positive: bool,
    authority: str = "trigger_offence",
    outcome: str = "completed",
):
    results = {"opiates": "positive" if positive else "negative", "cocaine": "negative"}
    answers = {
        "test_outcome": outcome,
        "tested_at": tested_at,
        "results": results,
        "authority": authority,
    }
    return form(episode_id, "dt1", answers)


def _episode(desk) -> str:
    someone, visit = family()
    desk.push(someone, visit)
    return visit["id"]


def april_2013_like(desk) -> None:
    """236 successful tests, 60 positive (25%), as in April 2013; plus RA forms and noise."""
    ep = _episode(desk)
    forms = [
        dt1(
            ep,
            "2026-04-10T09:00:00Z",
            positive=i < 60,
            authority="inspector" if i < 3 else "trigger_offence",
        )
        for i in range(235)
    ]
    forms.append(dt1(ep, "2026-03-31T23:30:00Z", positive=False))  # 00:30 BST on 1 April
    forms.append(dt1(ep, "2026-04-30T23:30:00Z", positive=True))  # 00:30 BST on 1 May
    forms.append(dt1(ep, "2026-04-11T09:00:00Z", positive=True, outcome="refused"))
    forms += [
        form(ep, "ra1", {"requirement_made": True, "given_at": "2026-04-12T12:00:00Z"})
        for _ in range(50)
    ]
    forms.append(form(ep, "ra1", {"requirement_made": False, "given_at": "2026-04-12T12:00:00Z"}))
    outcomes = ["attended_and_remained"] * 30 + ["failed_to_attend"] * 8 + ["failed_to_remain"] * 2
    forms += [
        form(ep, "ra3", {"outcome": o, "recorded_at": "2026-04-20T14:00:00+01:00"})
        for o in outcomes
    ]
    desk.push(*forms)


EXPECTED_APRIL = {
    "month": "2026-04",
    "successful_tests": 236,
    "positive_tests": 60,
    "positive_rate_percent": 25.4,
    "inspector_authority_tests": 3,
    "required_assessments_made": 50,
    "attended": 30,
    "failed_to_attend": 10,
    # Issue 13's figures (central.reports_pathway): every positive here is opiates only, and
    # every RA3 is the initial assessment's.
    "positive_opiates_only": 60,
    "positive_cocaine_only": 0,
    "positive_both": 0,
    "tests_confirmed_negative": 0,
    "initial_attended": 30,
    "initial_failed": 10,
    "follow_up_attended": 0,
    "follow_up_failed": 0,
    "failures_reported": 0,
    "rob_applied": 0,
    "rob_assessed": 0,
    "rob_failed": 0,
    "prison_referrals": 0,
    "prison_referrals_late": 0,
    "transfers_out": 0,
    "transfers_in": 0,
}


def test_the_monthly_report_counts_tests_positives_and_assessments_by_uk_month(enrol):
    desk = enrol()
    april_2013_like(desk)
    body = desk.get("/v1/reports/monthly", **{"from": "2026-03", "to": "2026-05"}).json()
    march, april, may = body["months"]
    assert april == EXPECTED_APRIL
    assert march["successful_tests"] == 0 and march["positive_rate_percent"] is None
    assert (may["successful_tests"], may["positive_tests"]) == (1, 1)


def test_a_deleted_form_does_not_count(enrol):
    desk = enrol()
    test = dt1(_episode(desk), "2026-04-10T09:00:00Z", positive=True)
    desk.push(test)
    desk.push({**test, "base_rev": 1, "deleted": True})
    [april] = desk.get("/v1/reports/monthly", **{"from": "2026-04"}).json()["months"]
    assert april["successful_tests"] == 0


def test_the_report_is_available_as_csv(enrol):
    desk = enrol()
    april_2013_like(desk)
    response = desk.get("/v1/reports/monthly", **{"from": "2026-04", "format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:4] == ["Month", "Successful tests", "Positive tests", "% positive"]
    assert rows[1][:4] == ["2026-04", "236", "60", "25.4"]


def test_a_bad_report_period_is_a_readable_422(enrol):
    desk = enrol()
    response = desk.get("/v1/reports/monthly", **{"from": "2026-05", "to": "2026-04"})
    assert response.status_code == 422 and "before it starts" in response.json()["detail"]
    response = desk.get("/v1/reports/monthly", **{"from": "April"})
    assert response.status_code == 422 and "YYYY-MM" in response.json()["detail"]


def test_the_command_line_prints_the_monthly_table_csv_and_json(enrol, database_url, capsys):
    april_2013_like(enrol())
    assert main(["report", "monthly", "--month", "2026-04", "--database-url", database_url]) == 0
    table = capsys.readouterr().out
    assert "2026-04" in table and "25%" in table and "236" in table
    main(
        [
            "--database-url",
            database_url,
            "report",
            "monthly",
            "--month",
            "2026-04",
            "--format",
            "csv",
        ]
    )
    assert capsys.readouterr().out.splitlines()[1].startswith("2026-04,236,60,25.4,3,50,30,10")
    main(
        [
            "--database-url",
            database_url,
            "report",
            "monthly",
            "--month",
            "2026-04",
            "--format",
            "json",
        ]
    )
    assert json.loads(capsys.readouterr().out) == [EXPECTED_APRIL]


def test_each_assessments_attendance_counts_and_a_reported_failure_stays_counted(enrol):
    """004 §4.1.2: the initial failure (reported) and the follow-up attendance of the same
    episode are two records, so recording the follow-up never removes the failure."""
    desk = enrol()
    episode_id = _episode(desk)
    desk.push(
        form(
            episode_id,
            "ra3",
            {
                "outcome": "failed_to_attend",
                "recorded_at": "2026-04-20T14:00:00Z",
                "reported_to_police_at": "2026-04-20T15:00:00Z",
            },
            form_version=FORMS["ra3"].version,
        ),
        form(
            episode_id,
            "ra3_follow_up",
            {"outcome": "attended_and_remained", "recorded_at": "2026-04-27T11:00:00Z"},
            form_version=FORMS["ra3_follow_up"].version,
        ),
    )
    [april] = desk.get("/v1/reports/monthly", **{"from": "2026-04"}).json()["months"]
    assert (april["attended"], april["failed_to_attend"]) == (1, 1)


def test_report_facts_give_the_same_months_as_reading_every_form(enrol, engine):
    from central import reports

    april_2013_like(enrol("bridewell"))
    other = enrol("mansfield")
    ep = _episode(other)
    other.push(*[dt1(ep, f"2026-0{m}-15T10:00:00Z", positive=m % 2 == 0) for m in range(3, 7)])
    for suite in (None, "bridewell", "mansfield"):
        by_facts = reports.monthly(engine, "2026-02", "2026-06", suite)
        assert by_facts == reports.monthly_by_scan(engine, "2026-02", "2026-06", suite)
    assert vars(reports.monthly(engine, "2026-04", "2026-04", "bridewell")[0]) == EXPECTED_APRIL


def test_report_facts_follow_later_pushes_edits_and_deletions(enrol, engine):
    from central import reports

    desk = enrol()
    ep = _episode(desk)
    test = dt1(ep, "2026-04-10T09:00:00Z", positive=True)
    desk.push(test)
    [april] = reports.monthly(engine, "2026-04", "2026-04")
    assert (april.successful_tests, april.positive_tests) == (1, 1)
    moved = {**test["fields"]["answers"], "tested_at": "2026-05-02T09:00:00Z"}
    desk.push({**test, "base_rev": 1, "fields": {**test["fields"], "answers": moved}})
    desk.push(dt1(ep, "2026-04-11T09:00:00Z", positive=False))
    april, may = reports.monthly(engine, "2026-04", "2026-05")
    assert (april.successful_tests, april.positive_tests) == (1, 0)
    assert (may.successful_tests, may.positive_tests) == (1, 1)
    desk.push({**test, "base_rev": 2, "deleted": True})
    april, may = reports.monthly(engine, "2026-04", "2026-05")
    assert (april.successful_tests, may.successful_tests) == (1, 0)
    assert [vars(r) for r in reports.monthly(engine, "2026-04", "2026-05")] == [
        vars(r) for r in reports.monthly_by_scan(engine, "2026-04", "2026-05")
    ]


def test_rebuilding_report_facts_sees_a_form_changed_by_hand(enrol, engine):
    from sqlalchemy import update

    from central import report_facts, reports
    from central.models import Record

    desk = enrol()
    test = dt1(_episode(desk), "2026-04-10T09:00:00Z", positive=True)
    desk.push(test)
    assert reports.monthly(engine, "2026-04", "2026-04")[0].positive_tests == 1
    negative = {**test["fields"], "answers": {**test["fields"]["answers"], "results": {}}}
    with engine.begin() as conn:  # no new seq: the change log does not know
        conn.execute(update(Record).where(Record.id == test["id"]).values(fields=negative))
    assert reports.monthly(engine, "2026-04", "2026-04")[0].positive_tests == 1
    assert report_facts.rebuild(engine) > 0
    assert reports.monthly(engine, "2026-04", "2026-04")[0].positive_tests == 0
