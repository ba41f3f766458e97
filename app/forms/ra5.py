"""RA5: confirmation that the follow-up requirement has ended (004 IE2): no further
intervention needed, on a DRR, or already on the caseload with the care plan reviewed.

004 IE2: the drug worker decides "before concluding the initial assessment" whether the
follow-up is required (the requirement lapses when the assessor says so at the initial
assessment: Drugs Act 2005 ss.9-14 as the BRIEF sums them up), so an RA5 is dated on the day
of the initial assessment. "If the service user fails to engage at the initial assessment, the
drug worker will not be able to make this decision": no further intervention, or a care plan
reviewed, needs the person to have attended and remained (their RA3). A DRR ends it whatever
happened.
"""

from __future__ import annotations

from datetime import datetime

from app.forms.appointments import initial_assessment_began
from app.forms.context import FormContext
from app.forms.definition import FormDefinition
from app.forms.facts import attendance_outcome, identity_problems
from app.forms.fields import Answers, Field, Problem, Section, error
from app.forms.times import local_date
from app.forms.validation import not_before, not_in_future

REASONS = (
    ("no_further_intervention", "The drug worker decided no further intervention is needed"),
    ("on_drr", "Subject to a Drug Rehabilitation Requirement (DRR)"),
    ("already_on_caseload", "Already on the CJIT caseload; care plan reviewed"),
)
NEEDS_ATTENDANCE = ("no_further_intervention", "already_on_caseload")


def check_ra5(answers: Answers, ctx: FormContext) -> list[Problem]:
    problems = identity_problems(ctx.form("custody_episode"), "RA5")
    problems += not_in_future(answers, "ended_at", "The time the requirement ended", ctx)
    began = initial_assessment_began(ctx)
    problems += not_before(
        answers, "ended_at", "The time the requirement ended", began, "the initial assessment"
    )
    ended = answers.get("ended_at")
    late = isinstance(began, datetime) and isinstance(ended, datetime) and not problems
    if late and local_date(ended) > local_date(began):  # type: ignore[arg-type]
        problems.append(
            error(
                "ended_at",
                "The follow-up requirement is ended at the initial assessment, before it "
                f"concludes (004 IE2), and that was on {ctx.calendar.describe(local_date(began))}: "
                "after that day a follow-up (RA4) is needed instead.",
                "ra5.after_initial_assessment",
            )
        )
    if ctx.issued("ra4"):
        problems.append(
            error(
                "reason",
                f"RA4 {ctx.issued('ra4')[-1].reference} already requires a follow-up "
                "assessment: it cannot be ended with an RA5 (004 IE2).",
                "ra5.follow_up_required",
            )
        )
    return problems + check_attendance(answers, ctx)


def check_attendance(answers: Answers, ctx: FormContext) -> list[Problem]:
    reason = answers.get("reason")
    if reason not in NEEDS_ATTENDANCE:
        return []
    outcome = attendance_outcome(ctx.form("ra3"))
    label = dict(REASONS)[reason]
    if outcome is None:
        return [
            error(
                "reason",
                f'"{label}" is decided at the initial assessment: record on the RA3 that the '
                "person attended and remained first (004 IE2).",
                "ra5.attendance_unknown",
            )
        ]
    if outcome != "attended_and_remained":
        return [
            error(
                "reason",
                f'The person did not attend and remain at the initial assessment, so "{label}" '
                "cannot be decided (004 IE2): arrange the follow-up assessment (RA4) instead.",
                "ra5.did_not_attend",
            )
        ]
    return []


FORM = FormDefinition(
    key="ra5",
    title="RA5 confirmation that the follow-up requirement has ended",
    short_title="RA5",
    version=1,
    kind="notice",
    printable=True,
    description="Given at the initial assessment when no follow-up is required (004 IE2).",
    sections=(
        Section(
            "ended",
            "Follow-up requirement ended",
            (
                # The notice states the reason in its own words (resources/wording.json
                # ra5.reasons): printing the choice as well said it twice.
                Field("reason", "choice", "Reason", choices=REASONS, required=True, printed=False),
                Field("ended_at", "datetime", "Ended at (date and time)", required=True),
                Field("ended_by", "text", "Drug worker", required=True, max_length=80),
                Field("notes", "multiline", "Notes", max_length=1000, printed=False),
            ),
        ),
    ),
    checks=(check_ra5,),
)
