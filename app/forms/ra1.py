"""RA1: notice of the requirement to attend an initial assessment (Drugs Act 2005 s.9-10).

Given before release (004 IE1 (v)), with the follow-up requirement, the time, date and place,
and the warning. Copies: the detainee, the custody record and the assessing CJIT (IE1 (vi),
(vii)). If the requirement is not made, an inspector authorises that and gives reasons (IE1 (i)).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.forms.booking import Booking, booking_problems
from app.forms.context import FormContext
from app.forms.definition import FormDefinition
from app.forms.facts import identity_problems, is_positive_test
from app.forms.fields import Answers, Field, Problem, Section, equals, error
from app.forms.notices import (
    COPIES,
    cjit_problems,
    expected_cjit,
    given_before_appointment,
    given_fields,
    missing_copies,
    out_of_window_reason,
)
from app.forms.target_testing import RANKS
from app.forms.validation import detainee_age, not_before, not_in_future

_made = equals("requirement_made", True)
_not_made = equals("requirement_made", False)


def check_grounds(answers: Answers, ctx: FormContext) -> list[Problem]:
    """Made or not, an RA1 decision follows a positive test of an adult and names the person
    (004 IE1; 000 §2.1, §2.3). No DT1 at all is no positive test."""
    if answers.get("requirement_made") is None:
        return []
    problems = identity_problems(ctx.form("custody_episode"), "RA1")
    if not is_positive_test(ctx.form("dt1")):
        problems.append(
            error(
                "requirement_made",
                "An RA1 follows a positive test (004 IE1), and no positive result is recorded: "
                "complete the DT1 (outcome and results) first.",
                "ra1.no_positive_test",
            )
        )
    age = detainee_age(ctx)
    if age is not None and age < 18 and answers.get("requirement_made") is True:
        problems.append(
            error(
                "requirement_made",
                f"The detainee is {age}: the required assessment applies from 18.",
                "ra1.under_18",
            )
        )
    return problems


def check_made(answers: Answers, ctx: FormContext) -> list[Problem]:
    if answers.get("requirement_made") is not True:
        return []
    problems: list[Problem] = []
    dt1 = ctx.form("dt1")
    if answers.get("follow_up_required_if_assessor_requires") is not True:
        problems.append(
            error(
                "follow_up_required_if_assessor_requires",
                "The notice must also require the follow-up assessment if the drug worker requires it (004 IE1 (i)).",
                "ra1.follow_up_element",
            )
        )
    problems += missing_copies(
        answers,
        ("detainee", "custody_record", "cjit"),
        "An RA1 goes to the detainee, the custody record and the assessing CJIT",
    )
    problems += not_in_future(answers, "given_at", "The time the notice was given", ctx)
    problems += not_before(
        answers, "given_at", "The time the notice was given", dt1.get("tested_at"), "the test"
    )
    problems += given_before_appointment(answers, "appointment_at")
    problems += cjit_problems(answers, ctx, expected=expected_cjit(ctx))
    return problems + check_window(answers, ctx)


def check_window(answers: Answers, ctx: FormContext) -> list[Problem]:
    tested_at = ctx.form("dt1").get("tested_at")
    booking = Booking(
        "initial",
        "appointment_at",
        "place",
        answers.get("assessing_cjit"),
        tested_at if isinstance(tested_at, datetime) else None,
    )
    return booking_problems(answers, ctx, booking)


def check_not_made(answers: Answers, ctx: FormContext) -> list[Problem]:
    if answers.get("requirement_made") is not False:
        return []
    return not_in_future(answers, "not_made_authorised_at", "The inspector's authority", ctx)


def defaults(ctx: FormContext) -> dict[str, Any]:
    cjit = expected_cjit(ctx)
    return {
        # After a positive test of an adult the requirement is the rule; not making it needs
        # an inspector's authority and reasons (004 IE1 (i)), recorded when it happens.
        "requirement_made": True,
        "assessing_cjit": cjit,
        "place": ctx.reference.spoc_address(cjit),
        "follow_up_required_if_assessor_requires": True,
        "copies": [value for value, _ in COPIES],
    }


FORM = FormDefinition(
    key="ra1",
    title="RA1 notice of requirement to attend an initial assessment",
    short_title="RA1",
    version=1,
    kind="notice",
    printable=True,
    description="Given before release after a positive test (004 IE1).",
    sections=(
        Section(
            "requirement",
            "Requirement",
            (
                Field(
                    "requirement_made",
                    "bool",
                    "Is the requirement to attend an initial assessment made?",
                    required=True,
                ),
            ),
        ),
        Section(
            "appointment",
            "Initial assessment",
            (
                Field(
                    "appointment_at",
                    "datetime",
                    "Date and time of the initial assessment",
                    required=_made,
                    visible_when=_made,
                ),
                Field(
                    "assessing_cjit",
                    "choice",
                    "Assessing CJIT",
                    choices_source="spoc_directory",
                    required=_made,
                    visible_when=_made,
                    help="The local CJIT, or the CJIT of residence for someone living elsewhere (004 IE4a).",
                ),
                Field(
                    "place",
                    "multiline",
                    "Place",
                    required=_made,
                    visible_when=_made,
                    max_length=300,
                    help="Filled in from the assessing CJIT's address; change it if the assessment is elsewhere.",
                ),
                Field(
                    "follow_up_required_if_assessor_requires",
                    "bool",
                    "Also required to attend a follow-up assessment if the drug worker requires it",
                    required=_made,
                    visible_when=_made,
                    help="The statutory follow-up element (Drugs Act 2005 s.9).",
                    # The notice's wording says it in words: printing "Yes" would add nothing.
                    printed=False,
                ),
                out_of_window_reason(visible_when=_made),
            ),
        ),
        Section(
            "given",
            "Notice given",
            (
                Field(
                    "copies",
                    "multi_choice",
                    "Copies",
                    choices=COPIES,
                    required=_made,
                    visible_when=_made,
                ),
                *given_fields(required=_made, visible_when=_made),
            ),
        ),
        Section(
            "not_made",
            "Requirement not made",
            (
                Field(
                    "not_made_inspector_name",
                    "text",
                    "Authorising inspector's name",
                    required=_not_made,
                    visible_when=_not_made,
                    max_length=80,
                ),
                Field(
                    "not_made_inspector_rank",
                    "choice",
                    "Rank (Inspector or above)",
                    choices=RANKS,
                    required=_not_made,
                    visible_when=_not_made,
                ),
                Field(
                    "not_made_authorised_at",
                    "datetime",
                    "Date and time of the authority",
                    visible_when=_not_made,
                ),
                Field(
                    "not_made_reasons",
                    "multiline",
                    "Reasons (also written in the custody record)",
                    required=_not_made,
                    visible_when=_not_made,
                    max_length=1000,
                ),
            ),
        ),
    ),
    checks=(check_grounds, check_made, check_not_made),
    defaults_for=defaults,
)
