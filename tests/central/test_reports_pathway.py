"""Issue 13's monthly figures (000 Figures 1-5) from a known set of episodes, through the API
and the command line: positives by drug after any laboratory confirmation, initial and
follow-up attendance separately, failures reported, RoB, prison referrals, transfers."""

from __future__ import annotations

import json

from central.__main__ import main
from tests.central.helpers import family, form


def _episode(desk) -> str:
    someone, visit = family()
    desk.push(someone, visit)
    return visit["id"]


def _dt1(ep, results, disputed=False, at="2026-04-10T09:00:00Z"):
    answers = {"test_outcome": "completed", "tested_at": at, "results": results,
               "authority": "trigger_offence", "disputed": disputed}  # fmt: skip
    return form(ep, "dt1", answers, form_version=2)


BOTH = {"opiates": "positive", "cocaine": "positive"}
OPIATES = {"opiates": "positive", "cocaine": "negative"}
COCAINE = {"opiates": "negative", "cocaine": "positive"}


def known_episodes(desk) -> None:
    e1, e2, e3, e4, e5, e6, e7, e8, e9, e10 = (_episode(desk) for _ in range(10))
    desk.push(
        # e1: both drugs; initial attended; follow-up failed, reported in May.
        _dt1(e1, BOTH),
        form(e1, "ra3", {"outcome": "attended_and_remained",
                         "recorded_at": "2026-04-11T10:00:00Z"}, form_version=2),
        form(e1, "ra3_follow_up", {"outcome": "failed_to_remain",
                                   "recorded_at": "2026-04-30T10:00:00Z",
                                   "reported_to_police_at": "2026-05-01T09:00:00Z"}),
        # e2: cocaine disputed and confirmed negative: the requirement ended.
        _dt1(e2, COCAINE, disputed=True),
        form(e2, "lab_result", {"confirmed": {"cocaine": "negative"},
                                "received_at": "2026-04-20T09:00:00Z"}),
        # e3: both disputed; opiates confirmed negative, cocaine confirmed positive.
        _dt1(e3, BOTH, disputed=True),
        form(e3, "lab_result", {"confirmed": {"opiates": "negative", "cocaine": "positive"},
                                "received_at": "2026-04-21T09:00:00Z"}),
        # e4: opiates; failed the initial assessment, reported with the FTA statement (and
        # later on the RA3 too: one failure, reported once).
        _dt1(e4, OPIATES),
        form(e4, "ra3", {"outcome": "failed_to_attend", "recorded_at": "2026-04-12T10:00:00Z",
                         "reported_to_police_at": "2026-04-14T09:00:00Z"}, form_version=2),
        form(e4, "fta_report", {"assessment": "initial", "reported_at": "2026-04-12T11:00:00Z"}),
        # e5, e6: Restriction on Bail: one assessed, one failed to attend.
        form(e5, "rob", {"bail_decided_at": "2026-04-02T11:00:00Z",
                         "assessment_at": "2026-04-06T10:00:00+01:00",
                         "assessment_outcome": "attended_and_remained"}),
        form(e6, "rob", {"bail_decided_at": "2026-04-03T11:00:00Z",
                         "assessment_at": "2026-04-08T10:00:00+01:00",
                         "assessment_outcome": "failed_to_attend"}),
        # e7, e8: prison referrals, one in time, one late; e9 remanded, not yet sent.
        form(e7, "remand", {"remanded_at": "2026-04-10T10:00:00Z",
                            "sent_at": "2026-04-11T09:00:00Z"}),
        form(e8, "remand", {"remanded_at": "2026-04-10T10:00:00Z",
                            "sent_at": "2026-04-11T11:00:00Z"}),
        form(e9, "remand", {"remanded_at": "2026-04-10T10:00:00Z"}),
        # e10: a transfer out (and a draft one not yet sent), a referral in.
        form(e10, "transfer", {"receiving_cjit": "mansfield_ashfield",
                               "sent_at": "2026-04-15T12:00:00Z"}),
        form(e10, "transfer", {"receiving_cjit": "derby"}),
        form(e10, "referral_in", {"received_at": "2026-04-16T12:00:00Z",
                                  "appointment_at": "2026-04-17T10:00:00Z"}),
    )  # fmt: skip


APRIL = {
    "positive_tests": 4,  # the test on arrest, as Figure 4 counts it
    "positive_opiates_only": 1,
    "positive_cocaine_only": 1,
    "positive_both": 1,
    "tests_confirmed_negative": 1,
    "initial_attended": 1,
    "initial_failed": 1,
    "follow_up_attended": 0,
    "follow_up_failed": 1,
    "failures_reported": 1,
    "rob_applied": 2,
    "rob_assessed": 1,
    "rob_failed": 1,
    "prison_referrals": 2,
    "prison_referrals_late": 1,
    "transfers_out": 1,
    "transfers_in": 1,
}


def test_the_pathway_figures_come_from_the_episodes_under_stable_keys(enrol):
    desk = enrol()
    known_episodes(desk)
    april, may = desk.get("/v1/reports/monthly", **{"from": "2026-04", "to": "2026-05"}).json()[
        "months"
    ]
    assert {k: april[k] for k in APRIL} == APRIL
    assert may["failures_reported"] == 1 and may["follow_up_failed"] == 0


def test_another_suites_episodes_are_not_in_the_figures(enrol):
    known_episodes(enrol())
    other = enrol(suite="kings_meadow", name="Kings Meadow desk")
    [april] = other.get("/v1/reports/monthly", **{"from": "2026-04"}).json()["months"]
    assert all(april[k] == 0 for k in APRIL)


def test_the_command_line_json_carries_the_pathway_figures(enrol, database_url, capsys):
    known_episodes(enrol())
    argv = ["--database-url", database_url, "report", "monthly", "--month", "2026-04"]
    assert main([*argv, "--format", "json"]) == 0
    [april] = json.loads(capsys.readouterr().out)
    assert {k: april[k] for k in APRIL} == APRIL
