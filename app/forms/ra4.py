"""RA4: confirmation of the follow-up requirement, with its time, date and place.

Given before the initial assessment ends (Drugs Act 2005 s.13(7)); the follow-up takes place
within five working days of the initial assessment (004 IE3), with the CJIT of residence for
someone living elsewhere (004 IE4a).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.forms.booking import Booking, booking_problems
from app.forms.context import FormContext
from app.forms.definition import FormDefinition
from app.forms.facts import identity_problems
from app.forms.fields import Answers, Field, Problem, Section, error
from app.forms.notices import (
    cjit_problems,
    expected_cjit,
    given_before_appointment,
    given_section,
    missing_copies,
    out_of_window_reason,
)
from app.forms.times import describe_date, local_date, to_local
from app.forms.validation import not_before, not_in_future


def check_requirement(answers: Answers, ctx: FormContext) -> list[Problem]:
    """The follow-up requirement is made with the RA1 (004 IE1 (i)) and ends with an RA5
    (004 IE2): an RA4 needs the first and contradicts the second."""
    problems = identity_problems(ctx.form("custody_episode"), "RA4")
    made = [n for n in ctx.issued("ra1") if n.answers.get("requirement_made") is True]
    if not made:
        problems.append(
            error(
                "initial_assessment_at",
                "The follow-up requirement is made with the RA1 (004 IE1 (i)): issue the RA1 "
                "before the RA4.",
                "ra4.no_ra1",
            )
        )
    if ctx.issued("ra5"):
        problems.append(
            error(
                "appointment_at",
                f"RA5 {ctx.issued('ra5')[-1].reference} says the follow-up requirement has "
                "ended (004 IE2): an RA4 cannot require it again.",
                "ra4.requirement_ended",
            )
        )
    return problems


def check_given(answers: Answers, ctx: FormContext) -> list[Problem]:
    problems = not_in_future(answers, "given_at", "The time the notice was given", ctx)
    problems += given_before_appointment(answers, "appointment_at")
    problems += missing_copies(
        answers, ("detainee",), "The follow-up notice must be given to the person in writing"
    )
    initial, given = answers.get("initial_assessment_at"), answers.get("given_at")
    problems += not_before(
        answers, "given_at", "The notice", initial, "the start of the initial assessment"
    )
    if (
        isinstance(initial, datetime)
        and isinstance(given, datetime)
        and local_date(given) > local_date(initial)
    ):
        problems.append(
            error(
                "given_at",
                f"The notice must be given before the initial assessment ends (Drugs Act 2005 s.13(7)); "
                f"the initial assessment was on {describe_date(local_date(initial))}.",
                "ra4.given_after_assessment",
            )
        )
    return problems + cjit_problems(answers, ctx, expected=expected_cjit(ctx))


def check_window(answers: Answers, ctx: FormContext) -> list[Problem]:
    initial, appointment = answers.get("initial_assessment_at"), answers.get("appointment_at")
    if not (isinstance(initial, datetime) and isinstance(appointment, datetime)):
        return []
    if to_local(appointment) <= to_local(initial):
        return [
            error(
                "appointment_at",
                "The follow-up must be after the initial assessment.",
                "appointment.too_early",
            )
        ]
    booking = Booking(
        "follow_up", "appointment_at", "place", answers.get("assessing_cjit"), initial
    )
    return booking_problems(answers, ctx, booking)


def defaults(ctx: FormContext) -> dict[str, Any]:
    cjit = expected_cjit(ctx)
    return {
        "assessing_cjit": cjit,
        "place": ctx.reference.spoc_address(cjit),
        # The CJIT gives the RA4 and keeps a copy signed by the person (a receipt).
        "copies": ["detainee", "cjit"],
    }


FORM = FormDefinition(
    key="ra4",
    title="RA4 confirmation of requirement to attend a follow-up assessment",
    short_title="RA4",
    version=1,
    kind="notice",
    printable=True,
    description="The drug worker requires a follow-up assessment (004 IE3).",
    sections=(
        Section(
            "initial",
            "Initial assessment",
            (
                Field(
                    "initial_assessment_at",
                    "datetime",
                    "Initial assessment began (date and time)",
                    print_label="Initial assessment began",
                    required=True,
                    help="The follow-up window is counted from this day.",
                    prefill="assessment:initial.began",
                ),
            ),
        ),
        Section(
            "appointment",
            "Follow-up assessment",
            (
                Field(
                    "appointment_at",
                    "datetime",
                    "Date and time of the follow-up assessment",
                    required=True,
                ),
                Field(
                    "assessing_cjit",
                    "choice",
                    "Assessing CJIT",
                    choices_source="spoc_directory",
                    required=True,
                    help="For someone living elsewhere, the CJIT of residence (004 IE4a).",
                ),
                Field("place", "multiline", "Place", required=True, max_length=300),
                out_of_window_reason(),
            ),
        ),
        given_section(),
    ),
    checks=(check_requirement, check_given, check_window),
    defaults_for=defaults,
)
