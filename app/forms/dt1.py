"""DT1: the police record of the drug test, which goes to court with the file.

It records the date and time of the required assessment (004 IE1 (vi)) and, as Nottingham
recommends (000 §2.4), other substances used or admitted and an indicator on the front of the
court file that a DT1 is included.

Version 2 (issue 12, "one appointment, entered once"): the DT1 no longer has its own typed
assessment time (`ra_at`, which could contradict the RA1). A printed DT1 states the current
appointment of the RA1 (after any RA2), or why there is none (`appointments.dt1_statement`):
so it is printed for court once the RA1 is issued, or for any outcome that needs no RA1.
"""

from __future__ import annotations

from datetime import datetime

from app.forms.context import FormContext
from app.forms.definition import FormDefinition
from app.forms.facts import identity_problems, is_positive_test, test_state
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
from app.forms.validation import arrest_is_trigger_offence, detainee_age, not_before, not_in_future

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
    return is_positive_test(answers)


def _tested(ctx: FormContext) -> list[str]:
    return [str(s["id"]) for s in ctx.reference.tested_substances]


def decide(answers: Answers, ctx: FormContext) -> Decision:
    outcome = answers.get("test_outcome")
    if outcome is None:
        return Decision("incomplete", ["Record whether the test was completed."])
    if test_state(answers, _tested(ctx)) == "incomplete":
        # No "Negative" before every tested substance has its result.
        return Decision("incomplete", ["Record the result for each tested substance."])
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
        age = detainee_age(ctx)
        if age is not None and age < 18:
            applies = f"the detainee is {age}, so the required assessment does not apply (18+)"
        else:
            applies = "the required assessment applies (RA1, 004 IE1)"
        reasons = [f"Positive for {', '.join(positives)}: {applies}."]
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
                    "dt1.results_missing",
                )
            )
    age = detainee_age(ctx)
    if age is not None and age < 18:
        problems.append(
            warning(
                "test_outcome",
                f"The detainee is {age}: testing on arrest applies from 18 (14 after charge where notified).",
                "age.under_18",
            )
        )
    return problems


def check_authority(answers: Answers, ctx: FormContext) -> list[Problem]:
    authority = answers.get("authority")
    if authority == "trigger_offence" and arrest_is_trigger_offence(ctx) is False:
        return [
            error(
                "authority",
                "None of the arrest offences is a trigger offence: the test needs an inspector's "
                'authority. Choose "Inspector\'s authority" and record it.',
                "dt1.not_a_trigger_offence",
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
                "dt1.authority_after_test",
            )
        )
    return problems


def check_printable(answers: Answers, ctx: FormContext) -> list[Problem]:
    """A DT1 printed for court names the person and states the required assessment it led
    to: so after a positive test of an adult, the RA1 (made, or not made on an inspector's
    authority) is issued first (004 IE1 (i), (vi))."""
    from app.forms.appointments import dt1_statement

    problems = identity_problems(ctx.form("custody_episode"), "DT1")
    if dt1_statement(ctx.with_episode({**ctx.episode, "dt1": answers}))["status"] == "not_arranged":
        problems.append(
            error(
                "test_outcome",
                "The DT1 records the time and place of the required assessment (004 IE1 (vi)): "
                "issue the RA1 first (or the RA1 recording the inspector's authority not to "
                "make the requirement).",
                "dt1.ra1_not_issued",
            )
        )
    return problems


def defaults(ctx: FormContext) -> dict:
    """The authority follows from the arrest offence when it is a trigger offence; the court
    file indicator is Nottingham's recommendation for every DT1 (000 §2.4)."""
    out: dict = {"court_file_indicator": True}
    if arrest_is_trigger_offence(ctx) is True:
        out["authority"] = "trigger_offence"
    return out


def _drop_assessment_time(raw: dict) -> dict:
    """v1 -> v2: the assessment time is the RA1's (after any RA2), not typed on the DT1."""
    return {k: v for k, v in raw.items() if k != "ra_at"}


def _inspector_field(f: Field) -> Field:
    from dataclasses import replace

    return replace(
        f, required=equals("authority", "inspector"), visible_when=equals("authority", "inspector")
    )


FORM = FormDefinition(
    key="dt1",
    title="DT1 drug test record",
    short_title="DT1",
    version=2,
    description="The police record of the test. Printed for the court file with a cover "
    "sheet (000 §2.4), stating the required assessment the RA1 set.",
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
                    "tested_by",
                    "text",
                    "Tested by (name and number)",
                    required=True,
                    max_length=80,
                    prefill="shift:tested_by",
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
    checks=(check_test, check_authority),
    issue_checks=(check_printable,),
    decider=decide,
    defaults_for=defaults,
    migrations={1: _drop_assessment_time},
)
