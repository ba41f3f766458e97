"""Annex E: criteria to assist the identification of specified Class A drug misusers (004 §4.9).

Used when the test is negative or no test was possible. Criteria in decreasing reliability:
1 information volunteered; 2 inferred evidence; 3 indirect evidence, which needs to be
supported by inferred evidence, so criterion 3 alone does not identify. There is no legal
sanction for missing the appointment this leads to (004 §4.8): the letter given to the person
says so and carries no warning.

The appointment is checked like every other (booking.py): 004 §4.1.1 and §4.9.2 (IPAE2) give
this route its window, "within 24 hours or 1 working day" with the local CJIT, or within 48
hours (or the next working day) with the CJIT of residence for someone living elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from app.forms.booking import Booking, booking_problems
from app.forms.context import FormContext
from app.forms.definition import FormDefinition
from app.forms.facts import identity_problems, is_positive_test
from app.forms.fields import Answers, Decision, Field, Problem, Section, answered, error, warning
from app.forms.notices import cjit_problems, expected_cjit, out_of_window_reason

CRITERIA: dict[int, tuple[tuple[str, str], ...]] = {
    1: (("volunteered", "Information volunteered by the individual"),),
    2: (
        ("paraphernalia", "Presence of paraphernalia"),
        ("behaviour", "Behaviour (consistent with drug use)"),
        ("appearance", "Appearance (e.g. needle marks on arms)"),
        ("arresting_officer_information", "Information from arresting officer"),
        ("intelligence", "Intelligence"),
        ("withdrawal_doctor_request", "Request to see a doctor for drug withdrawal symptoms"),
    ),
    3: (
        ("previous_drug_misuse", "Previous drug misuse"),
        ("previous_test_history", "Previous drug test history"),
    ),
}
CRITERION_OF = {key: n for n, items in CRITERIA.items() for key, _ in items}
ITEM_KEYS = tuple(CRITERION_OF)
TITLES = {
    1: "Criterion 1 - Information volunteered from individual",
    2: "Criterion 2 - Inferred evidence",
    3: "Criterion 3 - Indirect evidence (needs to be supported by inferred evidence)",
}


def annex_e_decision(items: Iterable[str]) -> Decision:
    """Identified or not from the items that apply; `strongest_criterion` is the most
    reliable criterion present (1 is strongest), None when no item applies."""
    present = set(items)
    unknown = present - set(ITEM_KEYS)
    if unknown:
        raise ValueError(f"Unknown Annex E items: {sorted(unknown)}")
    criteria = sorted({CRITERION_OF[k] for k in present})
    strongest = criteria[0] if criteria else None
    if strongest is None:
        return Decision("not_identified", ["No Annex E criterion applies."], None)
    if strongest == 3:
        return Decision(
            "not_identified",
            [
                "Only indirect evidence (criterion 3): it needs to be supported by inferred evidence "
                "(criterion 2) before the person is identified."
            ],
            3,
        )
    reasons = [
        f"Criterion {n}: " + "; ".join(label for key, label in CRITERIA[n] if key in present) + "."
        for n in criteria
    ]
    return Decision(
        "identified",
        ["Identified as a possible specified Class A drug misuser.", *reasons],
        strongest,
    )


def decide(answers: Answers, _ctx: FormContext) -> Decision:
    return annex_e_decision(k for k in ITEM_KEYS if answers.get(k) is True)


def check_annex_e(answers: Answers, ctx: FormContext) -> list[Problem]:
    problems: list[Problem] = []
    if is_positive_test(ctx.form("dt1")):
        problems.append(
            warning(
                "volunteered",
                "The DT1 shows a positive test: the required assessment (RA1) applies, not Annex E.",
                "annex_e.positive_test",
            )
        )
    if not answered(answers, "appointment_at"):
        return problems
    if decide(answers, ctx).outcome != "identified":
        problems.append(
            warning(
                "appointment_at",
                "An appointment is set but the checklist does not identify the person.",
                "annex_e.not_identified",
            )
        )
    for key, what in (("place", "the place"), ("assessing_cjit", "the CJIT")):
        if not answered(answers, key):
            problems.append(error(key, f"Give {what} of the appointment.", "required"))
    problems += cjit_problems(answers, ctx, expected=expected_cjit(ctx))
    booking = Booking(
        "annex_e", "appointment_at", "place", answers.get("assessing_cjit"), identified_at(ctx)
    )
    return problems + booking_problems(answers, ctx, booking)


def identified_at(ctx: FormContext) -> datetime | None:
    """When the person was identified: at the test (or attempt), else on arrival."""
    for moment in (ctx.form("dt1").get("tested_at"), ctx.form("custody_episode").get("arrived_at")):
        if isinstance(moment, datetime):
            return moment
    return None


def check_letter(answers: Answers, ctx: FormContext) -> list[Problem]:
    """The appointment letter names the person and gives an appointment to someone the
    checklist identifies."""
    problems = identity_problems(ctx.form("custody_episode"), "appointment letter")
    if decide(answers, ctx).outcome != "identified":
        problems.append(
            error(
                "volunteered",
                "The checklist does not identify the person (004 Annex E): there is no "
                "appointment letter to give.",
                "annex_e.not_identified",
            )
        )
    if not answered(answers, "appointment_at"):
        problems.append(
            error("appointment_at", "Set the appointment before printing the letter.", "required")
        )
    return problems


def defaults(ctx: FormContext) -> dict[str, Any]:
    cjit = expected_cjit(ctx)
    return {"assessing_cjit": cjit, "place": ctx.reference.spoc_address(cjit)}


def _item_fields(n: int) -> tuple[Field, ...]:
    return tuple(Field(key, "bool", label) for key, label in CRITERIA[n])


FORM = FormDefinition(
    key="annex_e",
    title="Annex E identification checklist",
    short_title="Annex E",
    version=1,
    kind="record",
    description="When the test is negative or no test was possible (004 §4.9, Annex E).",
    sections=(
        Section("criterion_1", TITLES[1], _item_fields(1)),
        Section("criterion_2", TITLES[2], _item_fields(2)),
        Section("criterion_3", TITLES[3], _item_fields(3)),
        Section(
            "outcome",
            "Notes and appointment",
            (
                Field(
                    "notes",
                    "multiline",
                    "Notes",
                    help="What was seen or said, and by whom.",
                    printed=False,
                ),
                Field(
                    "appointment_at",
                    "datetime",
                    "Appointment with CJIT (date and time)",
                    print_label="Date and time",
                    help="Voluntary: there is no legal sanction for not attending.",
                ),
                Field(
                    "assessing_cjit",
                    "choice",
                    "CJIT",
                    choices_source="spoc_directory",
                    help="The local CJIT, or the CJIT of residence for someone living elsewhere "
                    "(004 §4.1.1).",
                ),
                Field("place", "multiline", "Place of the appointment", max_length=300),
                out_of_window_reason(),
            ),
        ),
    ),
    printable=True,
    checks=(check_annex_e,),
    issue_checks=(check_letter,),
    decider=decide,
    defaults_for=defaults,
)
