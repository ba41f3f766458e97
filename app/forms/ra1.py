"""RA1: notice of the requirement to attend an initial assessment (Drugs Act 2005 s.9-10).

Given before release (004 IE1 (v)), with the follow-up requirement, the time, date and place,
and the warning. Copies: the detainee, the custody record and the assessing CJIT (IE1 (vi),
(vii)). If the requirement is not made, an inspector authorises that and gives reasons (IE1 (i)).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.forms.context import FormContext
from app.forms.definition import FormDefinition
from app.forms.fields import Answers, Field, Problem, Section, equals, error, warning
from app.forms.notices import (
    COPIES,
    expected_cjit,
    given_before_appointment,
    given_fields,
    missing_copies,
    out_of_window_reason,
    place_and_cjit,
)
from app.forms.target_testing import RANKS
from app.forms.validation import (
    any_positive,
    detainee_age,
    not_before,
    not_in_future,
    window_problems,
)
from app.forms.windows import initial_assessment_window, window_rule

_made = equals("requirement_made", True)
_not_made = equals("requirement_made", False)


def check_made(answers: Answers, ctx: FormContext) -> list[Problem]:
    if answers.get("requirement_made") is not True:
        return []
    problems: list[Problem] = []
    dt1 = ctx.form("dt1")
    if dt1 and not any_positive(dt1.get("results")):
        problems.append(
            error(
                "requirement_made",
                "An RA1 follows a positive test, and the DT1 shows no positive result.",
            )
        )
    age = detainee_age(ctx)
    if age is not None and age < 18:
        problems.append(
            error(
                "requirement_made",
                f"The detainee is {age}: the required assessment applies from 18.",
            )
        )
    if answers.get("follow_up_required_if_assessor_requires") is not True:
        problems.append(
            error(
                "follow_up_required_if_assessor_requires",
                "The notice must also require the follow-up assessment if the drug worker requires it (004 IE1 (i)).",
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
    problems += place_and_cjit(answers, ctx, "appointment_at", expected=expected_cjit(ctx))
    return problems + check_window(answers, ctx)


def check_window(answers: Answers, ctx: FormContext) -> list[Problem]:
    appointment = answers.get("appointment_at")
    if not isinstance(appointment, datetime):
        return []
    dt1, episode = ctx.form("dt1"), ctx.form("custody_episode")
    tested_at = dt1.get("tested_at")
    if not isinstance(tested_at, datetime):
        return [
            warning(
                "appointment_at",
                "Record the time of the test on the DT1 so the appointment window can be checked.",
            )
        ]
    problems = not_before(answers, "appointment_at", "The appointment", tested_at, "the test")
    facts: dict[str, Any] = {
        "resident_in_area": episode.get("resident_in_area") is not False,
        "disputed": bool(dt1.get("disputed")),
    }
    window = initial_assessment_window(tested_at, policy=ctx.policy, calendar=ctx.calendar, **facts)
    return problems + window_problems(
        "appointment_at",
        appointment,
        window,
        window_rule(tested_at, policy=ctx.policy, **facts),
        answers,
    )


def check_not_made(answers: Answers, ctx: FormContext) -> list[Problem]:
    if answers.get("requirement_made") is not False:
        return []
    return not_in_future(answers, "not_made_authorised_at", "The inspector's authority", ctx)


def defaults(ctx: FormContext) -> dict[str, Any]:
    cjit = expected_cjit(ctx)
    return {
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
    checks=(check_made, check_not_made),
    defaults_for=defaults,
)
