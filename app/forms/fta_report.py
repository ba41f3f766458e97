"""The report of a failure to attend or remain for a required assessment, with the drug
worker's evidential statement (004 §4.1.2; Drugs Act 2005 s.14: the assessor reports the
failure to the police, and failing without good cause is an offence).

The Home Office series has an evidential statement template for this (BRIEF: its elements are
who, what was required, the notice served, what happened); its exact wording was not found, so
the printed statement is built from those elements and says it is not the official text. It
is printed for the police: each print is a disclosure to them (s.62), and so is recording
when it was reported.
"""

from __future__ import annotations

from typing import Any

from app.forms.appointments import ORIGIN, current_appointment
from app.forms.context import FormContext
from app.forms.definition import FormDefinition
from app.forms.facts import FAILURES, attendance_outcome, identity_problems
from app.forms.fields import Answers, Field, Problem, Section, error
from app.forms.ra3 import OUTCOMES
from app.forms.validation import not_before, not_in_future

ASSESSMENTS = (("initial", "Initial assessment"), ("follow_up", "Follow-up assessment"))
RA3_OF = {"initial": "ra3", "follow_up": "ra3_follow_up"}
FAILURE_OUTCOMES = tuple((k, v) for k, v in OUTCOMES if k in FAILURES)


def failed_assessment(ctx: FormContext) -> str:
    """The assessment whose RA3 records a failure (the follow-up's when both do)."""
    for which in ("follow_up", "initial"):
        if attendance_outcome(ctx.form(RA3_OF[which])) in FAILURES:
            return which
    return "initial"


def defaults(ctx: FormContext) -> dict[str, Any]:
    """What the episode already says: the assessment that was missed, the appointment the
    person was last told of in writing (after any RA2) and the notice that told them."""
    which = failed_assessment(ctx)
    out: dict[str, Any] = {"assessment": which}
    outcome = attendance_outcome(ctx.form(RA3_OF[which]))
    if outcome in FAILURES:
        out["outcome"] = outcome
    current = current_appointment(ctx, which)
    if current is not None and current.issued:
        out.update(required_at=current.at, place=current.place, notice_reference=current.notice)
        served = [n for n in ctx.notices if n.reference == current.notice]
        if served:
            out["notice_served_at"] = served[-1].answers.get("given_at") or served[-1].issued_at
    return out


def check_report(answers: Answers, ctx: FormContext) -> list[Problem]:
    problems = not_in_future(answers, "statement_at", "The time of the statement", ctx)
    problems += not_in_future(answers, "reported_at", "The time reported", ctx)
    problems += not_before(
        answers, "statement_at", "The time of the statement", answers.get("required_at"),
        "the time the person was required to attend",
    )  # fmt: skip
    return problems


def check_printable(answers: Answers, ctx: FormContext) -> list[Problem]:
    """The statement states a failure recorded on the RA3 and a notice actually served."""
    problems = identity_problems(ctx.form("custody_episode"), "evidential statement")
    which = answers.get("assessment") or "initial"
    if attendance_outcome(ctx.form(RA3_OF.get(which, "ra3"))) not in FAILURES:
        problems.append(
            error(
                "outcome",
                "The RA3 of that assessment does not record a failure to attend or remain: "
                "record the attendance first (004 §4.1.2).",
                "fta.no_failure_recorded",
            )
        )
    served = {n.reference for n in ctx.issued(ORIGIN.get(which, "ra1"), "ra2")}
    if answers.get("notice_reference") not in served:
        problems.append(
            error(
                "notice_reference",
                "A failure can only be reported when the written notice was served: give the "
                f"number of the issued {ORIGIN.get(which, 'ra1').upper()} or RA2 (Drugs Act "
                "2005 s.14; 004 IE1).",
                "fta.no_notice",
            )
        )
    return problems


FORM = FormDefinition(
    key="fta_report",
    title="Failure to attend or remain: report to the police and evidential statement",
    short_title="FTA report",
    version=1,
    printable=True,
    disclosed_to="police",
    disclosures={"reported_at": "police"},
    description="The drug worker reports a failure to the police (004 §4.1.2; Drugs Act 2005 s.14).",
    sections=(
        Section(
            "required",
            "What the person was required to do",
            (
                Field("assessment", "choice", "Assessment", choices=ASSESSMENTS, required=True),
                Field("required_at", "datetime", "Required to attend at (date and time)", required=True),
                Field("place", "multiline", "Place", required=True, max_length=300),
                Field("notice_reference", "text", "Notice served (number)", required=True, max_length=40),
                Field("notice_served_at", "datetime", "Notice served at", required=True),
            ),
        ),
        Section(
            "happened",
            "What happened",
            (
                Field("outcome", "choice", "Failure", choices=FAILURE_OUTCOMES, required=True),
                Field(
                    "account", "multiline", "What happened", required=True, max_length=2000,
                    help="In your own words: how long you waited, any contact, when they left.",
                ),
                Field("reason_given", "multiline", "Any reason the person gave", max_length=1000),
            ),
        ),
        Section(
            "statement",
            "Statement of the drug worker",
            (
                Field("statement_by", "text", "Name of the drug worker", required=True, max_length=80),
                Field("statement_role", "text", "Position", max_length=80,
                      placeholder="CJIT drugs worker"),
                Field("statement_at", "datetime", "Statement made at", required=True),
            ),
        ),
        Section(
            "report",
            "Report to the police",
            (
                Field("reported_to", "text", "Reported to (officer, station)", required=True,
                      max_length=120),
                Field("reported_at", "datetime", "Reported at"),
            ),
        ),
    ),
    checks=(check_report,),
    issue_checks=(check_printable,),
    defaults_for=defaults,
)  # fmt: skip
