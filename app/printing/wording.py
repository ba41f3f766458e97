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
}
