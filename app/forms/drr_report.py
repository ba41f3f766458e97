"""The outcome reported to Probation when the person is on a Drug Rehabilitation Requirement
(a DRR means no test, 000 §2.2.2; the follow-up ends with an RA5 "on a DRR", 004 IE2). The
report is printed for Probation: a disclosure to them (DPA 2018 s.62)."""

from __future__ import annotations

from typing import Any

from app.forms.appointments import current_appointment
from app.forms.context import FormContext
from app.forms.definition import FormDefinition
from app.forms.facts import attendance_outcome, identity_problems, on_drr, positive_substances
from app.forms.fields import Answers, Field, Problem, Section, error
from app.forms.times import describe_datetime
from app.forms.validation import not_in_future


def summary(ctx: FormContext) -> str:
    """The episode in a few sentences, for the worker to edit before it goes."""
    lines = []
    drugs = positive_substances(ctx.form("dt1"))
    if drugs:
        lines.append(f"Tested positive on arrest for {', '.join(drugs)}.")
    current = current_appointment(ctx, "initial")
    if current is not None and current.issued:
        lines.append(f"Required assessment {describe_datetime(current.at)}.")
    outcome = attendance_outcome(ctx.form("ra3"))
    if outcome:
        lines.append(f"Initial assessment: {outcome.replace('_', ' ')}.")
    if ctx.form("ra5").get("reason") == "on_drr":
        lines.append("Follow-up requirement ended: on a DRR (RA5).")
    return " ".join(lines)


def defaults(ctx: FormContext) -> dict[str, Any]:
    text = summary(ctx)
    return {"outcome": text} if text else {}


def check_printable(_answers: Answers, ctx: FormContext) -> list[Problem]:
    problems = identity_problems(ctx.form("custody_episode"), "report to Probation")
    if not on_drr(ctx.form("target_testing"), ctx.form("ra5")):
        problems.append(
            error(
                "outcome",
                "Nothing in this episode says the person is on a DRR (target-testing profile "
                "or RA5): answer that first.",
                "drr.not_on_drr",
            )
        )
    return problems


def check_report(answers: Answers, ctx: FormContext) -> list[Problem]:
    return not_in_future(answers, "reported_at", "The time reported", ctx)


FORM = FormDefinition(
    key="drr_report",
    title="DRR: outcome reported to Probation",
    short_title="DRR report",
    version=1,
    printable=True,
    disclosed_to="probation",
    disclosures={"reported_at": "probation"},
    description="When the person is on a Drug Rehabilitation Requirement.",
    sections=(
        Section(
            "probation",
            "Probation",
            (
                Field("probation_officer", "text", "Offender manager", required=True, max_length=120),
                Field("probation_office", "text", "Probation office", max_length=200),
            ),
        ),
        Section(
            "outcome",
            "Outcome",
            (
                Field("outcome", "multiline", "Outcome to report", required=True, max_length=3000),
                Field("reported_at", "datetime", "Reported at"),
                Field("reported_by", "text", "Reported by", max_length=80),
            ),
        ),
    ),
    checks=(check_report,),
    issue_checks=(check_printable,),
    defaults_for=defaults,
)  # fmt: skip
