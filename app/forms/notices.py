"""Pieces shared by the written notices (RA1, RA2, RA4, RA5): copies, who gave it, the CJIT."""

from __future__ import annotations

from datetime import datetime

from app.forms.context import FormContext
from app.forms.fields import Answers, Field, Predicate, Problem, Section, error, warning
from app.forms.times import to_local

# The first part of a notice's number ("RA1-261124-3F9A0C"); the Annex E letter is "AE".
NUMBER_PREFIX = {
    "annex_e": "AE",
    "annex_e_fu": "AE2",
    "fta_report": "FTA",
    "remand": "PR",
    "transfer": "TR",
    "drr_report": "DRR",
}


def number_prefix(kind: str) -> str:
    return NUMBER_PREFIX.get(kind, kind.upper())


COPIES = (
    ("detainee", "Detainee"),
    ("custody_record", "Custody record"),
    ("cjit", "CJIT"),
)


def out_of_window_reason(visible_when: Predicate | None = None) -> Field:
    """The reason recorded when an appointment is set outside its usual window: it turns the
    out-of-window error into a warning, so the unusual case is possible and the record shows it."""
    return Field(
        "out_of_window_reason",
        "multiline",
        "Reason the appointment is outside the usual window or place",
        visible_when=visible_when,
        max_length=500,
        # For the police and the CJIT: the person's copy says where and when, not why.
        printed=("custody_record", "cjit"),
        help="Only when the appointment cannot be in its window or at the AOT; printed on the "
        "custody record and CJIT copies only when it applies.",
    )


def given_section() -> Section:
    """Who gave the notice, when, and to whom its copies went (004 IE1 (vi), (vii))."""
    return Section(
        "given",
        "Notice given",
        (
            Field("copies", "multi_choice", "Copies", choices=COPIES, required=True),
            *given_fields(),
        ),
    )


def given_fields(
    required: bool | Predicate = True, visible_when: Predicate | None = None
) -> tuple[Field, ...]:
    return (
        Field(
            "given_by",
            "text",
            "Given by (name and number)",
            print_label="Given by",
            required=required,
            visible_when=visible_when,
            max_length=80,
            prefill="shift:given_by",
        ),
        Field(
            "given_at",
            "datetime",
            "Given at (date and time)",
            print_label="Given at",
            required=required,
            visible_when=visible_when,
        ),
    )


def missing_copies(answers: Answers, needed: tuple[str, ...], why: str) -> list[Problem]:
    have = set(answers.get("copies") or ())
    missing = [label for value, label in COPIES if value in needed and value not in have]
    if missing:
        return [
            error(
                "copies",
                f"{why}: add the {' and '.join(missing).lower()} cop{'ies' if len(missing) > 1 else 'y'}.",
                "copies.missing",
            )
        ]
    return []


def given_before_appointment(answers: Answers, appointment_key: str) -> list[Problem]:
    given, appointment = answers.get("given_at"), answers.get(appointment_key)
    if (
        isinstance(given, datetime)
        and isinstance(appointment, datetime)
        and to_local(appointment) <= to_local(given)
    ):
        return [
            error(
                appointment_key,
                "The appointment must be after the notice is given.",
                "appointment.before_notice",
            )
        ]
    return []


def cjit_problems(answers: Answers, ctx: FormContext, *, expected: str | None) -> list[Problem]:
    """A warning when the assessing CJIT is not the one the residence rule expects (004 IE4a)."""
    cjit_id = answers.get("assessing_cjit")
    if expected and cjit_id and cjit_id != expected:
        name = (ctx.reference.spoc(expected) or {}).get("name", expected)
        return [
            warning(
                "assessing_cjit",
                f"The residence rule points to {name} (004 IE4a): check the assessing CJIT.",
                "cjit.not_expected",
            )
        ]
    return []


def expected_cjit(ctx: FormContext) -> str:
    """The CJIT the residence rule points to: local, or the CJIT of residence (004 IE4a)."""
    episode = ctx.form("custody_episode")
    if episode.get("resident_in_area") is False and episode.get("cjit_of_residence"):
        return str(episode["cjit_of_residence"])
    return ctx.policy.local_cjit
