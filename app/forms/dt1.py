"""DT1: the police record of the drug test, which goes to court with the file.

It records the date and time of the required assessment (004 IE1 vi) and, as Nottingham
recommends (000 §2.4), other substances used or admitted and an indicator on the front of the
court file that a DT1 is included.
"""

from __future__ import annotations

from datetime import datetime

from app.forms.context import FormContext
from app.forms.definition import FormDefinition
from app.forms.fields import (
    Answers,
    Decision,
    Field,
    Problem,
    Section,
    contains,
    equals,
    error,
    warning,
)
from app.forms.target_testing import inspector_fields
from app.forms.times import describe_datetime, to_local
from app.forms.validation import (
    any_positive,
    arrest_is_trigger_offence,
    detainee_age,
    not_before,
    not_in_future,
)

OUTCOMES = (
    ("completed", "Test completed"),
    ("refused", "Refused"),
    ("not_possible", "Test not possible"),
)
AUTHORITIES = (
    ("trigger_offence", "Trigger offence"),
    ("inspector", "Inspector's authority"),
)


def _completed(answers: Answers) -> bool:
    return answers.get("test_outcome") == "completed"


def _positive(answers: Answers) -> bool:
    return _completed(answers) and any_positive(answers.get("results"))


def decide(answers: Answers, _ctx: FormContext) -> Decision:
    outcome = answers.get("test_outcome")
    if outcome is None:
        return Decision("incomplete", ["Record whether the test was completed."])
    if outcome == "refused":
        return Decision(
            "refused",
            ["The sample was refused: without good cause that is an offence (PACE s.63B)."],
        )
    if outcome == "not_possible":
        return Decision("not_possible", ["No test was possible: consider the Annex E checklist."])
    results = answers.get("results") or {}
    positives = sorted(k for k, v in results.items() if v == "positive")
    if positives:
        reasons = [
            f"Positive for {', '.join(positives)}: the required assessment applies (RA1, 004 IE1)."
        ]
        if answers.get("disputed"):
            reasons.append(
                "The result is disputed: the requirement still stands; the appointment is set later."
            )
        return Decision("positive", reasons)
    return Decision(
        "negative",
        ["Negative: the police may not retest for this offence; consider the Annex E checklist."],
    )


def check_test(answers: Answers, ctx: FormContext) -> list[Problem]:
    problems = not_in_future(answers, "tested_at", "The test time", ctx)
    arrived = ctx.form("custody_episode").get("arrived_at")
    problems += not_before(answers, "tested_at", "The test time", arrived, "arrival in custody")
    if _completed(answers):
        tested = {s["id"] for s in ctx.reference.tested_substances}
        missing = sorted(tested - set((answers.get("results") or {}).keys()))
        if missing:
            problems.append(
                error(
                    "results",
                    f"Record a result for each tested substance (missing: {', '.join(missing)}).",
                )
            )
    age = detainee_age(ctx)
    if age is not None and age < 18:
        problems.append(
            warning(
                "test_outcome",
                f"The detainee is {age}: testing on arrest applies from 18 (14 after charge where notified).",
            )
        )
    return problems


def check_authority(answers: Answers, ctx: FormContext) -> list[Problem]:
    authority = answers.get("authority")
    if authority == "trigger_offence" and arrest_is_trigger_offence(ctx) is False:
        return [
            error(
                "authority",
                "None of the arrest offences is a trigger offence: the test needs an inspector's authority.",
            )
        ]
    if authority != "inspector":
        return []
    problems: list[Problem] = []
    authorised, tested = answers.get("inspector_authorised_at"), answers.get("tested_at")
    if (
        isinstance(authorised, datetime)
        and isinstance(tested, datetime)
        and to_local(authorised) > to_local(tested)
    ):
        problems.append(
            error(
                "inspector_authorised_at",
                f"The authority ({describe_datetime(authorised)}) must come before the test ({describe_datetime(tested)}).",
            )
        )
    return problems


def check_assessment(answers: Answers, ctx: FormContext) -> list[Problem]:
    problems = not_before(
        answers, "ra_at", "The required assessment", answers.get("tested_at"), "the test"
    )
    ra1 = ctx.form("ra1")
    appointment = ra1.get("appointment_at") if ra1.get("requirement_made") else None
    ra_at = answers.get("ra_at")
    if (
        isinstance(appointment, datetime)
        and isinstance(ra_at, datetime)
        and to_local(appointment) != to_local(ra_at)
    ):
        problems.append(
            warning(
                "ra_at",
                f"The RA1 gives the appointment as {describe_datetime(appointment)}: the DT1 should record the same.",
            )
        )
    return problems


def _inspector_field(f: Field) -> Field:
    from dataclasses import replace

    return replace(
        f, required=equals("authority", "inspector"), visible_when=equals("authority", "inspector")
    )


FORM = FormDefinition(
    key="dt1",
    title="DT1 drug test record",
    short_title="DT1",
    version=1,
    # Printed for the court file with its cover sheet (000 §2.4), but stays a record: the
    # police can still correct it, and each print is its own frozen snapshot.
    printable=True,
    sections=(
        Section(
            "test",
            "Test",
            (
                Field("test_outcome", "choice", "Outcome", required=True, choices=OUTCOMES),
                Field(
                    "tested_at", "datetime", "Date and time of the test (or attempt)", required=True
                ),
                Field(
                    "tested_by", "text", "Tested by (name and number)", required=True, max_length=80
                ),
                Field(
                    "results",
                    "substance_results",
                    "Result for each tested substance",
                    required=_completed,
                    visible_when=_completed,
                    help="The device does not distinguish powder cocaine from crack.",
                ),
                Field(
                    "disputed",
                    "bool",
                    "Does the person dispute the result?",
                    required=_positive,
                    visible_when=_positive,
                    help="A disputed result still stands; a copy of the DT1 goes to the CJIT.",
                ),
            ),
        ),
        Section(
            "authority",
            "Authority for the test",
            (
                Field("authority", "choice", "Authority", required=True, choices=AUTHORITIES),
                *(_inspector_field(f) for f in inspector_fields()),
            ),
        ),
        Section(
            "assessment",
            "Required assessment",
            (
                Field(
                    "ra_at",
                    "datetime",
                    "Date and time of the required assessment",
                    required=_positive,
                    visible_when=_positive,
                    help="004 IE1 (vi): record the date and time on the DT1.",
                ),
            ),
        ),
        Section(
            "court",
            "For the court",
            (
                Field(
                    "other_substances",
                    "multi_choice",
                    "Other substances used or admitted",
                    choices_source="other_substances",
                    help="So the court is informed (000 §2.4).",
                ),
                Field(
                    "other_substances_detail",
                    "text",
                    "Other substance: describe",
                    max_length=200,
                    required=contains("other_substances", "other"),
                    visible_when=contains("other_substances", "other"),
                ),
                Field(
                    "court_file_indicator",
                    "bool",
                    "DT1 included in court file",
                    help="Marks the front of the file so the clerk and magistrate see the DT1 (000 §2.4).",
                ),
            ),
        ),
    ),
    checks=(check_test, check_authority, check_assessment),
    decider=decide,
)
