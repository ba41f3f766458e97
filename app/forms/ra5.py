"""RA5: confirmation that the follow-up requirement has ended (004 IE2): no further
intervention needed, on a DRR, or already on the caseload with the care plan reviewed."""

from __future__ import annotations

from app.forms.context import FormContext
from app.forms.definition import FormDefinition
from app.forms.fields import Answers, Field, Problem, Section
from app.forms.validation import not_before, not_in_future

REASONS = (
    ("no_further_intervention", "The drug worker decided no further intervention is needed"),
    ("on_drr", "Subject to a Drug Rehabilitation Requirement (DRR)"),
    ("already_on_caseload", "Already on the CJIT caseload; care plan reviewed"),
)


def check_ra5(answers: Answers, ctx: FormContext) -> list[Problem]:
    problems = not_in_future(answers, "ended_at", "The time the requirement ended", ctx)
    initial = ctx.form("ra1").get("appointment_at")
    return problems + not_before(
        answers, "ended_at", "The time the requirement ended", initial, "the initial assessment"
    )


FORM = FormDefinition(
    key="ra5",
    title="RA5 confirmation that the follow-up requirement has ended",
    short_title="RA5",
    version=1,
    kind="notice",
    printable=True,
    sections=(
        Section(
            "ended",
            "Follow-up requirement ended",
            (
                Field("reason", "choice", "Reason", choices=REASONS, required=True),
                Field("ended_at", "datetime", "Ended at (date and time)", required=True),
                Field("ended_by", "text", "Drug worker", required=True, max_length=80),
                Field("notes", "multiline", "Notes", max_length=1000, printed=False),
            ),
        ),
    ),
    checks=(check_ra5,),
)
