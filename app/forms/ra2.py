"""RA2: notice varying the time, date or place of either assessment (Drugs Act 2005 s.13(8)).

It repeats the warning. When the police vary it, it is copied to the CJIT and the custody
record; when the CJIT varies it, the police copy is usually not needed (004 IE1).
"""

from __future__ import annotations

from datetime import datetime

from app.forms.context import FormContext
from app.forms.definition import FormDefinition
from app.forms.fields import Answers, Field, Problem, Section, warning
from app.forms.notices import (
    given_before_appointment,
    given_section,
    missing_copies,
    out_of_window_reason,
)
from app.forms.times import local_date
from app.forms.validation import not_in_future, window_problems
from app.forms.windows import follow_up_deadline, initial_assessment_window, window_rule

VARIES = (("ra1", "RA1 initial assessment"), ("ra4", "RA4 follow-up assessment"))
VARIED_BY = (("police", "Police"), ("cjit", "CJIT"))


def check_copies(answers: Answers, _ctx: FormContext) -> list[Problem]:
    if answers.get("varied_by") == "police":
        return missing_copies(
            answers,
            ("detainee", "cjit", "custody_record"),
            "When the police vary the arrangements the notice goes to the detainee, the CJIT and the custody record",
        )
    return missing_copies(
        answers, ("detainee",), "The variation must be given to the person in writing"
    )


def check_times(answers: Answers, ctx: FormContext) -> list[Problem]:
    problems = not_in_future(answers, "given_at", "The time the notice was given", ctx)
    problems += given_before_appointment(answers, "new_appointment_at")
    return problems + check_window(answers, ctx)


def check_window(answers: Answers, ctx: FormContext) -> list[Problem]:
    appointment = answers.get("new_appointment_at")
    if not isinstance(appointment, datetime):
        return []
    if answers.get("varies_kind") == "ra4":
        initial = ctx.form("ra4").get("initial_assessment_at")
        if not isinstance(initial, datetime):
            return []
        start = local_date(initial)
        deadline = follow_up_deadline(start, ctx.policy, ctx.calendar)
        rule = f"the follow-up is within {ctx.policy.follow_up_working_days} working days of the initial assessment"
        return window_problems("new_appointment_at", appointment, (start, deadline), rule, answers)
    dt1, episode = ctx.form("dt1"), ctx.form("custody_episode")
    tested_at = dt1.get("tested_at")
    if not isinstance(tested_at, datetime):
        return [
            warning(
                "new_appointment_at",
                "Record the time of the test on the DT1 so the appointment window can be checked.",
            )
        ]
    facts = {
        "resident_in_area": episode.get("resident_in_area") is not False,
        "disputed": bool(dt1.get("disputed")),
    }
    window = initial_assessment_window(tested_at, policy=ctx.policy, calendar=ctx.calendar, **facts)
    return window_problems(
        "new_appointment_at",
        appointment,
        window,
        window_rule(tested_at, policy=ctx.policy, **facts),
        answers,
    )


FORM = FormDefinition(
    key="ra2",
    title="RA2 notice of variation of assessment arrangements",
    short_title="RA2",
    version=1,
    kind="notice",
    printable=True,
    description="Changes the time, date or place of the initial or follow-up assessment.",
    sections=(
        Section(
            "varies",
            "Notice varied",
            (
                Field(
                    "varies_kind", "choice", "Which notice is varied", choices=VARIES, required=True
                ),
                Field(
                    "varies_notice",
                    "text",
                    "Reference of the notice varied",
                    required=True,
                    max_length=60,
                    help="The notice number printed on the RA1 or RA4.",
                ),
                Field("varied_by", "choice", "Varied by", choices=VARIED_BY, required=True),
                Field(
                    "reason", "multiline", "Reason for the change", required=True, max_length=500
                ),
            ),
        ),
        Section(
            "appointment",
            "New arrangements",
            (
                Field("new_appointment_at", "datetime", "New date and time", required=True),
                Field("new_place", "multiline", "New place", required=True, max_length=300),
                out_of_window_reason(),
            ),
        ),
        given_section(),
    ),
    checks=(check_copies, check_times),
)
