"""RA3: record of attendance at an assessment, one record per assessment (the initial and the
follow-up), so recording the follow-up never overwrites the initial one. A failure to attend or
to remain is reported to the police (004 §4.1.2; Drugs Act 2005 s.14).

Version 2 split the record in two: version 1 was one `ra3` form with an `assessment` answer,
so the follow-up overwrote the initial assessment's attendance. A version-1 record migrates to
the initial assessment's form; one that said "follow_up" keeps that answer as stored, and
`facts.attendance_assessment` still reads it as the follow-up's record.
"""

from __future__ import annotations

from typing import Any

from app.forms.context import FormContext
from app.forms.definition import FormDefinition
from app.forms.facts import FAILURES
from app.forms.fields import Answers, Decision, Field, Problem, Section, warning
from app.forms.validation import not_before, not_in_future

ASSESSMENTS = {"initial": "initial assessment", "follow_up": "follow-up assessment"}
OUTCOMES = (
    ("attended_and_remained", "Attended and remained"),
    ("failed_to_attend", "Failed to attend"),
    ("failed_to_remain", "Failed to remain"),
)


def decide(answers: Answers, _ctx: FormContext) -> Decision:
    outcome = answers.get("outcome")
    if outcome is None:
        return Decision("incomplete", ["Record whether the person attended and remained."])
    if outcome in FAILURES:
        what = "attend" if outcome == "failed_to_attend" else "remain for"
        reported = answers.get("reported_to_police_at") is not None
        return Decision(
            "report_to_police",
            [
                f"The person failed to {what} the assessment: report it to the police (004 §4.1.2).",
                *(["Reported."] if reported else ["Not yet reported."]),
            ],
        )
    return Decision("complied", ["The person attended and remained for the assessment."])


def check_ra3(answers: Answers, ctx: FormContext) -> list[Problem]:
    problems = not_in_future(answers, "recorded_at", "The time recorded", ctx)
    problems += not_in_future(answers, "reported_to_police_at", "The time reported", ctx)
    problems += not_before(
        answers,
        "recorded_at",
        "The time recorded",
        answers.get("appointment_at"),
        "the appointment",
    )
    if answers.get("outcome") in FAILURES and answers.get("reported_to_police_at") is None:
        problems.append(
            warning(
                "reported_to_police_at",
                "A failure to attend or remain must be reported to the police: record when it was reported.",
                "ra3.not_reported",
            )
        )
    return problems


def _migrate_v1(raw: dict[str, Any]) -> dict[str, Any]:
    """v1 -> v2: the initial assessment's record no longer says which assessment it is."""
    out = dict(raw)
    if out.get("assessment") in ("initial", None):
        out.pop("assessment", None)
    return out


def _form(key: str, assessment: str, short_title: str) -> FormDefinition:
    label = ASSESSMENTS[assessment]
    return FormDefinition(
        key=key,
        title=f"RA3 record of attendance at the {label}",
        short_title=short_title,
        version=2 if key == "ra3" else 1,
        description=f"Did the person attend and remain for the {label}? (004 §4.1.2)",
        sections=(
            Section(
                "attendance",
                "Attendance",
                (
                    Field(
                        "appointment_at",
                        "datetime",
                        f"Appointment for the {label} (date and time)",
                        prefill=f"appointment:{assessment}.at",
                    ),
                    Field("outcome", "choice", "Outcome", choices=OUTCOMES, required=True),
                    Field("notes", "multiline", "Notes", max_length=1000, printed=False),
                ),
            ),
            Section(
                "recorded",
                "Recorded",
                (
                    Field("recorded_by", "text", "Recorded by", required=True, max_length=80),
                    Field("recorded_at", "datetime", "Recorded at", required=True),
                    Field(
                        "reported_to_police_at",
                        "datetime",
                        "Reported to the police at",
                        visible_when=lambda a: a.get("outcome") in FAILURES,
                    ),
                ),
            ),
        ),
        checks=(check_ra3,),
        disclosures={"reported_to_police_at": "police"},
        decider=decide,
        migrations={1: _migrate_v1} if key == "ra3" else {},
    )


FORM = _form("ra3", "initial", "RA3 initial")
FOLLOW_UP_FORM = _form("ra3_follow_up", "follow_up", "RA3 follow-up")
