"""RA2: notice varying the time, date or place of either assessment (Drugs Act 2005 s.13(8)).

It repeats the warning. When the police vary it, it is copied to the CJIT and the custody
record; when the CJIT varies it, the police copy is usually not needed (004 IE1).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.forms.appointments import Appointment, appointment_replaced
from app.forms.booking import Booking, booking_problems
from app.forms.context import FormContext
from app.forms.definition import FormDefinition
from app.forms.facts import identity_problems
from app.forms.fields import Answers, Field, Problem, Section, error
from app.forms.notices import (
    COPIES,
    given_before_appointment,
    given_section,
    missing_copies,
    out_of_window_reason,
)
from app.forms.validation import not_before, not_in_future

VARIES = (("ra1", "RA1 initial assessment"), ("ra4", "RA4 follow-up assessment"))
VARIED_BY = (("police", "Police"), ("cjit", "CJIT"))


def check_copies(answers: Answers, _ctx: FormContext) -> list[Problem]:
    if answers.get("varied_by") == "police":
        return missing_copies(
            answers,
            ("detainee", "cjit", "custody_record"),
            "When the police vary the arrangements the notice goes to the detainee, the CJIT and the custody record",
        )
    # 004 IE1: a CJIT variation need not go to the police; the CJIT keeps the copy the
    # person signs for (the receipt).
    return missing_copies(
        answers,
        ("detainee", "cjit"),
        "The variation is given to the person in writing and the CJIT keeps a signed copy",
    )


def check_varied(answers: Answers, ctx: FormContext) -> list[Problem]:
    """The RA2 names an issued RA1 or RA4 of this episode and changes its arrangement."""
    problems = identity_problems(ctx.form("custody_episode"), "RA2")
    kind, number = answers.get("varies_kind"), answers.get("varies_notice")
    if not (isinstance(kind, str) and isinstance(number, str)):
        return problems
    wanted = number.strip().upper()
    named = [n for n in ctx.notices if n.reference.upper() == wanted]
    if not named or named[-1].kind not in (kind, "ra2"):
        return problems + [
            error(
                "varies_notice",
                f"No {kind.upper()} numbered {wanted} was issued in this episode: copy the "
                "number printed on the notice being varied.",
                "ra2.unknown_notice",
            )
        ]
    replaced = appointment_replaced(ctx, kind)
    if replaced is None:
        return problems + [
            error(
                "varies_kind",
                f"The {kind.upper()} sets no appointment to vary.",
                "ra2.nothing_to_vary",
            )
        ]
    new = _new(answers, replaced)
    if new is not None and new.same_arrangement(replaced):
        problems.append(
            error(
                "new_appointment_at",
                "The new date, time and place are the same as the current ones: change them, "
                "or do not issue a variation.",
                "ra2.no_change",
            )
        )
    return problems


def _new(answers: Answers, replaced: Appointment) -> Appointment | None:
    at = answers.get("new_appointment_at")
    if not isinstance(at, datetime):
        return None
    place = str(answers.get("new_place") or "")
    return Appointment(replaced.assessment, at, place, replaced.cjit, None, "ra2", False)


def check_times(answers: Answers, ctx: FormContext) -> list[Problem]:
    problems = not_in_future(answers, "given_at", "The time the notice was given", ctx)
    problems += given_before_appointment(answers, "new_appointment_at")
    return problems + check_window(answers, ctx)


def check_window(answers: Answers, ctx: FormContext) -> list[Problem]:
    """The new arrangement meets the rules of the assessment it varies (the same check as
    the RA1 or the RA4 that set it)."""
    kind = answers.get("varies_kind")
    replaced = appointment_replaced(ctx, kind)
    cjit = replaced.cjit if replaced else None
    if kind == "ra4":
        ra4 = ctx.issued("ra4")
        anchor = ra4[-1].answers.get("initial_assessment_at") if ra4 else None
        purpose = "follow_up"
    else:
        anchor = ctx.form("dt1").get("tested_at")
        purpose = "initial"
    anchor = anchor if isinstance(anchor, datetime) else None
    problems = not_before(answers, "new_appointment_at", "The new appointment", anchor, "the test")
    if problems:
        return problems
    booking = Booking(purpose, "new_appointment_at", "new_place", cjit, anchor)
    return booking_problems(answers, ctx, booking)


def defaults(_ctx: FormContext) -> dict[str, Any]:
    return {"copies": [value for value, _ in COPIES]}


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
                    "varies_kind",
                    "choice",
                    "Which notice is varied",
                    choices=VARIES,
                    required=True,
                    prefill="notice:varied.kind",
                    # The notice says which arrangement it replaces, naming the notice.
                    printed=False,
                ),
                Field(
                    "varies_notice",
                    "text",
                    "Reference of the notice varied",
                    required=True,
                    max_length=60,
                    help="The notice number printed on the RA1 or RA4.",
                    prefill="notice:varied.reference",
                    printed=False,
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
                Field(
                    "new_place",
                    "multiline",
                    "New place",
                    required=True,
                    max_length=300,
                    prefill="appointment:varied.place",
                    help="Pre-filled with the current place: change it only if the place changes.",
                ),
                out_of_window_reason(),
            ),
        ),
        given_section(),
    ),
    checks=(check_varied, check_copies, check_times),
    defaults_for=defaults,
)
