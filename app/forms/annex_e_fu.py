"""Annex E non-engagement: whether the person went to the voluntary appointment, the report to
the partnership when they did not (no legal sanction, 004 §4.8), and an additional
appointment within 5 working days of the missed one *(decision: the issue's number)*. The
additional appointment's letter is printed like the first (the Annex E letter layout)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.forms.context import FormContext
from app.forms.deadlines import annex_e_second_appointment_deadline
from app.forms.definition import FormDefinition
from app.forms.facts import identity_problems
from app.forms.fields import Answers, Decision, Field, Problem, Section, answered, error, warning
from app.forms.times import local_date
from app.forms.validation import not_before, not_in_future

OUTCOMES = (("attended", "Attended"), ("did_not_attend", "Did not attend"))
_missed = lambda a: a.get("first_outcome") == "did_not_attend"  # noqa: E731


def first_appointment(ctx: FormContext) -> datetime | None:
    at = ctx.form("annex_e").get("appointment_at")
    return at if isinstance(at, datetime) else None


def decide(answers: Answers, ctx: FormContext) -> Decision:
    if answers.get("first_outcome") is None:
        return Decision("incomplete", ["Record whether the person attended."])
    if answers.get("first_outcome") == "attended":
        return Decision("engaged", ["The person attended the Annex E appointment."])
    steps = []
    if not answered(answers, "reported_to_partnership_at"):
        steps.append("report the non-engagement to the partnership")
    if not answered(answers, "second_appointment_at"):
        steps.append("offer an additional appointment within 5 working days")
    if steps:
        return Decision("to_do", [f"Did not attend: {' and '.join(steps)}."])
    return Decision("non_engagement", ["Did not attend; reported; additional appointment offered."])


def check_dna(answers: Answers, ctx: FormContext) -> list[Problem]:
    problems = not_in_future(answers, "reported_to_partnership_at", "The time reported", ctx)
    first = first_appointment(ctx)
    problems += not_before(
        answers, "second_appointment_at", "The additional appointment", first,
        "the first appointment",
    )  # fmt: skip
    second = answers.get("second_appointment_at")
    if first is not None and isinstance(second, datetime) and not problems:
        due = annex_e_second_appointment_deadline(first, calendar=ctx.calendar)
        if local_date(second) > due:
            problems.append(
                error(
                    "second_appointment_at",
                    "The additional appointment is offered within 5 working days of the "
                    f"missed one: by {ctx.calendar.describe(due)}.",
                    "window.outside",
                )
            )
    if _missed(answers) and not answered(answers, "reported_to_partnership_at"):
        problems.append(
            warning(
                "reported_to_partnership_at",
                "Non-engagement is reported to the partnership (there is no legal sanction): "
                "record when it was reported.",
                "annex_e.not_reported",
            )
        )
    return problems


def check_letter(answers: Answers, ctx: FormContext) -> list[Problem]:
    problems = identity_problems(ctx.form("custody_episode"), "appointment letter")
    if not answered(answers, "second_appointment_at"):
        problems.append(
            error("second_appointment_at", "Set the additional appointment first.", "required")
        )
    return problems


def defaults(ctx: FormContext) -> dict[str, Any]:
    annex_e = ctx.form("annex_e")
    return {"second_place": annex_e["place"]} if annex_e.get("place") else {}


FORM = FormDefinition(
    key="annex_e_fu",
    title="Annex E appointment: attendance and non-engagement",
    short_title="Annex E attendance",
    version=1,
    printable=True,
    disclosures={"reported_to_partnership_at": "partnership"},
    description="No legal sanction; non-engagement is reported to the partnership (004 §4.8).",
    sections=(
        Section(
            "first",
            "First appointment",
            (Field("first_outcome", "choice", "Outcome", choices=OUTCOMES, required=True),),
        ),
        Section(
            "partnership",
            "Reported to the partnership",
            (
                Field("reported_to_partnership_at", "datetime", "Reported at",
                      visible_when=_missed, printed=False),
                Field("reported_to", "text", "Reported to", max_length=120, visible_when=_missed,
                      printed=False),
            ),
        ),
        Section(
            "second",
            "Additional appointment",
            (
                Field("second_appointment_at", "datetime", "Additional appointment (date and time)",
                      print_label="Date and time", visible_when=_missed),
                Field("second_place", "multiline", "Place", max_length=300, visible_when=_missed),
                Field("second_outcome", "choice", "Outcome", choices=OUTCOMES,
                      visible_when=_missed, printed=False),
            ),
        ),
    ),
    checks=(check_dna,),
    issue_checks=(check_letter,),
    decider=decide,
    defaults_for=defaults,
)  # fmt: skip
