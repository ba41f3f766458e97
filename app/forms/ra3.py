"""RA3: record of attendance at either assessment. A failure to attend or to remain is
reported to the police (004 §4.1.2; Drugs Act 2005 s.14)."""

from __future__ import annotations

from app.forms.context import FormContext
from app.forms.definition import FormDefinition
from app.forms.fields import Answers, Decision, Field, Problem, Section, warning
from app.forms.validation import not_before, not_in_future

ASSESSMENTS = (("initial", "Initial assessment"), ("follow_up", "Follow-up assessment"))
OUTCOMES = (
    ("attended_and_remained", "Attended and remained"),
    ("failed_to_attend", "Failed to attend"),
    ("failed_to_remain", "Failed to remain"),
)
FAILURES = ("failed_to_attend", "failed_to_remain")


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
            )
        )
    return problems


FORM = FormDefinition(
    key="ra3",
    title="RA3 record of attendance at assessment",
    short_title="RA3",
    version=1,
    sections=(
        Section(
            "attendance",
            "Attendance",
            (
                Field("assessment", "choice", "Assessment", choices=ASSESSMENTS, required=True),
                Field("appointment_at", "datetime", "Appointment (date and time)"),
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
    decider=decide,
)
