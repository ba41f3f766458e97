"""Fallback texts for wording keys that resources/wording.json (version 2026.1) lacks.

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
}
