"""Remand in custody: the assessment details go to the receiving prison within 24 hours of the
remand decision (000 §2.4). A referral with a deadline: on the board until it is sent, printed
for the prison (a disclosure to it, DPA 2018 s.62)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.forms.context import FormContext
from app.forms.deadlines import prison_referral_deadline
from app.forms.definition import FormDefinition
from app.forms.facts import identity_problems, positive_substances
from app.forms.fields import Answers, Decision, Field, Problem, Section, warning
from app.forms.times import describe_datetime
from app.forms.validation import not_before, not_in_future

SENT_BY = (
    ("secure_email", "Secure e-mail"),
    ("by_hand", "By hand with the escort"),
    ("post", "Post"),
    ("phone", "Telephone, then in writing"),
)


def decide(answers: Answers, ctx: FormContext) -> Decision:
    remanded = answers.get("remanded_at")
    if not isinstance(remanded, datetime):
        return Decision("incomplete", ["Record when the court remanded the person."])
    due = prison_referral_deadline(remanded)
    sent = answers.get("sent_at")
    if isinstance(sent, datetime):
        late = sent > due
        return Decision(
            "sent_late" if late else "sent",
            [f"Sent {describe_datetime(sent)}; due by {describe_datetime(due)} (000 §2.4)."],
        )
    overdue = ctx.now > due
    return Decision(
        "overdue" if overdue else "due",
        [f"The assessment details must reach the prison by {describe_datetime(due)} (000 §2.4)."],
    )


def check_remand(answers: Answers, ctx: FormContext) -> list[Problem]:
    problems = not_in_future(answers, "remanded_at", "The time of the remand", ctx)
    problems += not_in_future(answers, "sent_at", "The time sent", ctx)
    problems += not_before(
        answers, "sent_at", "The time sent", answers.get("remanded_at"), "the remand"
    )
    outcome = decide(answers, ctx).outcome
    if outcome in ("overdue", "sent_late"):
        problems.append(
            warning(
                "sent_at",
                decide(answers, ctx).reasons[0]
                + " It is late: record why in the notes and send it now.",
                "remand.late",
            )
        )
    return problems


def check_printable(_answers: Answers, ctx: FormContext) -> list[Problem]:
    return identity_problems(ctx.form("custody_episode"), "prison referral")


def defaults(ctx: FormContext) -> dict[str, Any]:
    drugs = positive_substances(ctx.form("dt1"))
    summary = f"Tested positive on arrest for {', '.join(drugs)}." if drugs else ""
    return {"assessment_summary": summary} if summary else {}


FORM = FormDefinition(
    key="remand",
    title="Remanded in custody: referral to the receiving prison",
    short_title="Prison referral",
    version=1,
    printable=True,
    disclosed_to="prison",
    disclosures={"sent_at": "prison"},
    description="The assessment details go to the receiving prison within 24 hours (000 §2.4).",
    sections=(
        Section(
            "remand",
            "Remand",
            (
                Field("remanded_at", "datetime", "Remanded at (date and time of the decision)",
                      required=True),
                Field("court", "text", "Court", required=True, max_length=120),
                Field("prison", "text", "Receiving prison", required=True, max_length=120),
            ),
        ),
        Section(
            "details",
            "Assessment details for the prison",
            (
                Field("assessment_summary", "multiline", "Assessment details", required=True,
                      max_length=3000,
                      help="Drug use, risks, treatment and prescribing the prison should continue."),
                Field("prescribing", "multiline", "Current prescribing (drug, dose, prescriber)",
                      max_length=1000),
                Field("cjit_contact", "text", "CJIT contact for the prison", max_length=200),
            ),
        ),
        Section(
            "sent",
            "Sent",
            (
                Field("sent_at", "datetime", "Sent to the prison at"),
                Field("sent_how", "choice", "How", choices=SENT_BY,
                      required=lambda a: a.get("sent_at") is not None),
                Field("sent_by", "text", "Sent by", max_length=80,
                      required=lambda a: a.get("sent_at") is not None),
                Field("notes", "multiline", "Notes", max_length=1000, printed=False),
            ),
        ),
    ),
    checks=(check_remand,),
    issue_checks=(check_printable,),
    decider=decide,
    defaults_for=defaults,
)  # fmt: skip
