"""A required assessment referred in by another force or CJIT (004 IE4b; 000 §2.3): the person
was tested elsewhere and lives here, so the assessment is ours. Recorded by hand from the
referral, or opened by the central store when another suite transfers a record to us
(`central.transfers`). Its appointment is the episode's initial assessment
(`app.forms.appointments`), so the RA3, the board and the figures treat it like our own."""

from __future__ import annotations

from app.forms.definition import FormDefinition
from app.forms.fields import Field, Section
from app.forms.validation import not_in_future

FORM = FormDefinition(
    key="referral_in",
    title="Required assessment referred in by another force or CJIT",
    short_title="Referral in",
    version=1,
    description="Tested elsewhere, living here: the assessment is ours (004 IE4b).",
    sections=(
        Section(
            "from",
            "Referred by",
            (
                Field("referring_cjit", "choice", "Referring CJIT", choices_source="spoc_directory"),
                Field("referring_force", "text", "Referring force or custody suite", max_length=120),
                Field("received_at", "datetime", "Referral received at", required=True),
                Field("notice_reference", "text", "Their notice (number)", max_length=40),
                Field("tested_at", "datetime", "Tested at"),
                Field("positive_for", "multi_choice", "Positive for",
                      choices_source="tested_substances"),
            ),
        ),
        Section(
            "appointment",
            "Required assessment",
            (
                Field("appointment_at", "datetime", "Assessment (date and time)", required=True),
                Field("place", "multiline", "Place", max_length=300),
                Field("summary", "multiline", "What the referring CJIT says", max_length=3000),
                Field("transfer_id", "text", "Transfer record", max_length=36, printed=False,
                      help="Filled in when the referral came through the central store."),
            ),
        ),
    ),
    checks=(lambda a, ctx: not_in_future(a, "received_at", "The time received", ctx),),
)  # fmt: skip
