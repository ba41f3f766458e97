"""Restriction on Bail (000 §2.4): an assessment within 3 working days of the bail decision,
then weekly appointments while on bail; a failure to attend is reported to the court and the
police (a disclosure, DPA 2018 s.62).

*(decision)* The weekly appointments are kept as the next appointment and two running counts
(attended, missed) with the time of the last miss: the partnership reports numbers (000
Figure 4 "RoB applied"), and a miss is reported once it is recorded. One RoB record per
episode; a new bail decision is a new episode at court.
"""

from __future__ import annotations

from datetime import date, datetime

from app.forms.context import FormContext
from app.forms.deadlines import restriction_on_bail_deadline
from app.forms.definition import FormDefinition
from app.forms.facts import FAILURES
from app.forms.fields import Answers, Decision, Field, Problem, Section, error, warning
from app.forms.ra3 import OUTCOMES
from app.forms.times import local_date
from app.forms.validation import not_before, not_in_future


def assessment_deadline(answers: Answers, ctx: FormContext) -> date | None:
    decided = answers.get("bail_decided_at")
    if not isinstance(decided, datetime):
        return None
    return restriction_on_bail_deadline(decided, calendar=ctx.calendar)


def failure_to_report(answers: Answers) -> bool:
    """A failure (at the RoB assessment or a weekly appointment) not yet reported."""
    reported = answers.get("failures_reported_at")
    last = answers.get("last_missed_at")
    failed = answers.get("assessment_outcome") in FAILURES or isinstance(last, datetime)
    if not failed:
        return False
    if not isinstance(reported, datetime):
        return True
    return isinstance(last, datetime) and last > reported


def decide(answers: Answers, ctx: FormContext) -> Decision:
    due = assessment_deadline(answers, ctx)
    if due is None:
        return Decision("incomplete", ["Record when the court bailed the person with the RoB."])
    if failure_to_report(answers):
        return Decision(
            "report_failure", ["A failure to attend: report it to the court and the police."]
        )
    if answers.get("assessment_outcome") is None:
        word = "overdue" if ctx.today > due else "due"
        return Decision(
            f"assessment_{word}",
            [f"The RoB assessment is due by {ctx.calendar.describe(due)} (000 §2.4)."],
        )
    return Decision("on_bail", ["Weekly appointments while on bail (000 §2.4)."])


def check_rob(answers: Answers, ctx: FormContext) -> list[Problem]:
    problems = not_in_future(answers, "bail_decided_at", "The bail decision", ctx)
    problems += not_in_future(answers, "failures_reported_at", "The time reported", ctx)
    problems += not_before(
        answers, "assessment_at", "The RoB assessment", answers.get("bail_decided_at"),
        "the bail decision",
    )  # fmt: skip
    due = assessment_deadline(answers, ctx)
    at = answers.get("assessment_at")
    if due is not None and isinstance(at, datetime) and local_date(at) > due:
        problems.append(
            error(
                "assessment_at",
                "The RoB assessment must be within 3 working days of the bail decision "
                f"(000 §2.4): by {ctx.calendar.describe(due)}.",
                "window.outside",
            )
        )
    if failure_to_report(answers):
        problems.append(
            warning(
                "failures_reported_at",
                "A failure to attend while on bail must be reported to the court and the "
                "police: record when it was reported.",
                "rob.not_reported",
            )
        )
    return problems


_failed = lambda a: a.get("assessment_outcome") in FAILURES or a.get("last_missed_at") is not None  # noqa: E731

FORM = FormDefinition(
    key="rob",
    title="Restriction on Bail: assessment and weekly appointments",
    short_title="RoB",
    version=1,
    disclosures={"failures_reported_at": "court and police"},
    description="Assessment within 3 working days, then weekly appointments (000 §2.4).",
    sections=(
        Section(
            "bail",
            "Bail decision",
            (
                Field("bail_decided_at", "datetime", "Bailed with RoB at (date and time)",
                      required=True),
                Field("court", "text", "Court", required=True, max_length=120),
            ),
        ),
        Section(
            "assessment",
            "RoB assessment",
            (
                Field("assessment_at", "datetime", "Assessment (date and time)", required=True,
                      help="Within 3 working days of the bail decision."),
                Field("assessment_outcome", "choice", "Outcome", choices=OUTCOMES),
            ),
        ),
        Section(
            "weekly",
            "Weekly appointments while on bail",
            (
                Field("next_appointment_at", "datetime", "Next appointment"),
                Field("appointments_attended", "int", "Appointments attended"),
                Field("appointments_missed", "int", "Appointments missed"),
                Field("last_missed_at", "datetime", "Last appointment missed (date and time)"),
            ),
        ),
        Section(
            "report",
            "Failures reported",
            (
                Field("failures_reported_at", "datetime", "Reported to the court and police at",
                      visible_when=_failed),
                Field("reported_to", "text", "Reported to", max_length=120,
                      visible_when=_failed),
                Field("notes", "multiline", "Notes", max_length=1000, printed=False),
            ),
        ),
    ),
    checks=(check_rob,),
    decider=decide,
)  # fmt: skip
