"""Annex E: criteria to assist the identification of specified Class A drug misusers (004 §4.9).

Used when the test is negative or no test was possible. Criteria in decreasing reliability:
1 information volunteered; 2 inferred evidence; 3 indirect evidence, which needs to be
supported by inferred evidence, so criterion 3 alone does not identify. There is no legal
sanction for missing the appointment this leads to (004 §4.8): the notice carries no warning.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.forms.context import FormContext
from app.forms.definition import FormDefinition
from app.forms.fields import Answers, Decision, Field, Problem, Section, answered, error, warning
from app.forms.validation import any_positive, not_before

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
    if any_positive(ctx.form("dt1").get("results")):
        problems.append(
            warning(
                "volunteered",
                "The DT1 shows a positive test: the required assessment (RA1) applies, not Annex E.",
            )
        )
    identified = decide(answers, ctx).outcome == "identified"
    if answered(answers, "appointment_at"):
        if not identified:
            problems.append(
                warning(
                    "appointment_at",
                    "An appointment is set but the checklist does not identify the person.",
                )
            )
        if not answered(answers, "place"):
            problems.append(error("place", "Give the place of the appointment."))
        arrived = ctx.form("custody_episode").get("arrived_at")
        problems += not_before(
            answers, "appointment_at", "The appointment", arrived, "arrival in custody"
        )
    return problems


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
                Field("notes", "multiline", "Notes", help="What was seen or said, and by whom."),
                Field(
                    "appointment_at",
                    "datetime",
                    "Appointment with CJIT (date and time)",
                    help="Voluntary: there is no legal sanction for not attending.",
                ),
                Field("place", "multiline", "Place of the appointment"),
            ),
        ),
    ),
    checks=(check_annex_e,),
    decider=decide,
)
