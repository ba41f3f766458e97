"""Fallback texts for wording keys that an older wording file (version 2026.1) lacks.

Only used when the partnership's file has no text at that path: add these keys to
``resources/wording.json`` to change them without a release.
"""

from __future__ import annotations

DEFAULTS: dict[str, str] = {
    "dt1.cover_positive": "POSITIVE DRUG TEST",
    "dt1.cover_other_result": "DRUG TEST RECORD",
    "dt1.cover_note": (
        "The DT1 drug test record is in this file. Please read it before the hearing."
    ),
    "dt1.disputed": "The person DISPUTES the result. The requirement to attend still stands.",
    "dt1.not_disputed": "The person does not dispute the result.",
    "dt1.no_other_substances": "None recorded.",
    "ra1.not_made_body": (
        "An Inspector has authorised that the requirement to attend an initial assessment is "
        "NOT made. This record is for the custody record; it is not a notice to the person."
    ),
    "ra2.varies_line": "This notice varies notice {notice}.",
    "signatures.person": "Signature of the person receiving this notice",
    "signatures.officer": "Signature of the person giving this notice",
    "issued_line": "Issued on CJIT Desk by {by} on {at}.",
    # Added in wording 2026.2 (resources/wording.json has them): a reprint of a notice issued
    # with 2026.1 wording still prints.
    "signatures.when": "Date and time",
    "ra2.replaces_line": "This replaces the arrangement in notice {notice} ({was}), which no longer applies.",
    "dt1.arrest_heading": "Arrest offence and authority for the test",
    "dt1.assessment_heading": "Required assessment",
    "dt1.assessment_booked": "The person was required to attend an initial assessment and remain for its duration (notice {notice}):",
    "dt1.assessment_not_made": "The requirement to attend an initial assessment was not made, on an inspector's authority (notice {notice}).",
    "dt1.assessment_under_18": "The person is under 18: the required assessment does not apply.",
    "dt1.assessment_none": "No positive result: no required assessment.",
    "dt1.attendance_unknown": "Not yet known",
    "annex_e.no_sanction": "This appointment is voluntary. There is no legal penalty if you do not go. If you cannot go at this time, please ring the CJIT on the number above to arrange another.",
    "annex_e.copy_label": "FOR THE PERSON",
    # Issue 13 (the rest of the pathway): not yet in resources/wording.json 2026.2; a
    # partnership adds them there to change them without a release.
    "signatures.sent_by": "Signature of the person sending this",
    "fta_report.heading": "Evidential statement: failure to attend or remain for a required assessment (Drugs Act 2005 s.14)",
    "fta_report.copy_label": "FOR THE POLICE",
    "fta_report.default_role": "CJIT drugs worker",
    "fta_report.statement_of": "Statement of {name}, {role}.",
    "fta_report.narrative": (
        "On {served} the person was given written notice {notice} requiring them to attend the "
        "{which} assessment at {at} at {place} and to remain for its duration, with the warning "
        "that failing without good cause to do so is an offence. The person failed to {what} "
        "that assessment, as follows."
    ),
    "fta_report.declaration": (
        "This statement is true to the best of my knowledge and belief, and I make it knowing "
        "that, if it is tendered in evidence, I shall be liable to prosecution if I have wilfully "
        "stated in it anything which I know to be false or do not believe to be true."
    ),
    "fta_report.signed": "Signature of the drug worker",
    "remand.heading": "Referral to the receiving prison: assessment details",
    "remand.copy_label": "FOR THE RECEIVING PRISON",
    "remand.body": "The person named below was remanded in custody. These are the CJIT's assessment details, sent within 24 hours of the remand so that treatment can continue in prison.",
    "transfer.heading": "Transfer of a required assessment record to the CJIT of residence",
    "transfer.copy_label": "FOR THE CJIT OF RESIDENCE",
    "transfer.body": "The person named below tested positive in our custody suite and lives in your area. Their required assessment record is transferred to you for the assessment and any follow-up.",
    "drr_report.heading": "Outcome report for Probation: person subject to a Drug Rehabilitation Requirement",
    "drr_report.copy_label": "FOR PROBATION",
    "drr_report.body": "The person named below, subject to a Drug Rehabilitation Requirement, came into custody. This is the outcome of the CJIT's involvement.",
    "annex_e_fu.heading": "Another appointment with the Criminal Justice Intervention Team",
    "annex_e_fu.body": "You were not able to come to your appointment with a drugs worker, so we have arranged another at the time, date and place below.",
}
