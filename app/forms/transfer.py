"""Out-of-area residents: the assessment record is transferred to the CJIT of residence
before the follow-up (004 IE4a; contacts from the SPOC list). Printed for that CJIT and
synced: when the receiving CJIT uses the same central store (its SPOC entry names its
`suite`), the central store opens a referred-in episode in that suite (`central.transfers`).
Each print, and recording it as sent, is a disclosure to that CJIT (DPA 2018 s.62)."""

from __future__ import annotations

from typing import Any

from app.forms.appointments import current_appointment
from app.forms.context import FormContext
from app.forms.definition import FormDefinition
from app.forms.facts import identity_problems
from app.forms.fields import Answers, Field, Problem, Section, error
from app.forms.notices import expected_cjit
from app.forms.validation import not_in_future

REASONS = (
    ("resident_elsewhere", "Resident in another area (004 IE4a)"),
    ("moved", "Has moved to another area"),
    ("other", "Other (say why in the notes)"),
)


def defaults(ctx: FormContext) -> dict[str, Any]:
    out: dict[str, Any] = {"receiving_cjit": expected_cjit(ctx), "reason": "resident_elsewhere"}
    current = current_appointment(ctx, "initial")
    if current is not None and current.issued:
        out.update(appointment_at=current.at, place=current.place, notice_reference=current.notice)
    return out


def check_transfer(answers: Answers, ctx: FormContext) -> list[Problem]:
    problems = not_in_future(answers, "sent_at", "The time sent", ctx)
    if answers.get("receiving_cjit") == ctx.policy.local_cjit:
        problems.append(
            error(
                "receiving_cjit",
                "This is the local CJIT: a transfer goes to the CJIT of the area where the "
                "person lives (004 IE4a).",
                "transfer.to_local_cjit",
            )
        )
    return problems


def check_printable(_answers: Answers, ctx: FormContext) -> list[Problem]:
    return identity_problems(ctx.form("custody_episode"), "transfer record")


FORM = FormDefinition(
    key="transfer",
    title="Transfer of the assessment record to the CJIT of residence",
    short_title="Transfer",
    version=1,
    printable=True,
    disclosed_to="cjit_of_residence",
    disclosures={"sent_at": "cjit_of_residence"},
    description="The record goes to the CJIT where the person lives (004 IE4a).",
    sections=(
        Section(
            "to",
            "Transfer to",
            (
                Field("receiving_cjit", "choice", "CJIT of residence", required=True,
                      choices_source="spoc_directory"),
                Field("reason", "choice", "Reason", choices=REASONS, required=True),
            ),
        ),
        Section(
            "assessment",
            "Required assessment",
            (
                Field("appointment_at", "datetime", "Assessment (date and time)"),
                Field("place", "multiline", "Place", max_length=300),
                Field("notice_reference", "text", "Notice given (number)", max_length=40),
                Field("summary", "multiline", "What the receiving CJIT needs to know",
                      max_length=3000),
            ),
        ),
        Section(
            "sent",
            "Sent",
            (
                Field("sent_at", "datetime", "Sent at"),
                Field("sent_by", "text", "Sent by", max_length=80,
                      required=lambda a: a.get("sent_at") is not None),
                Field("notes", "multiline", "Notes", max_length=1000, printed=False),
            ),
        ),
    ),
    checks=(check_transfer,),
    issue_checks=(check_printable,),
    defaults_for=defaults,
)  # fmt: skip
