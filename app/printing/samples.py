"""Fictional notices for layout review (``python -m app sample-notice``) and for the tests.

Every person, number and address here is invented. The content has the same shape as what
``app.services.notices`` freezes at issue, so a sample goes through exactly the same path.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.forms.registry import FORMS
from app.forms.times import LONDON
from app.printing import KINDS

SAMPLE_KINDS = KINDS


def _at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON)


EPISODE: dict[str, Any] = {
    "custody_record_number": "52/98765/26",
    "arrived_at": _at(23, 9, 40),
    "arrest_offences": [],
    "arrest_offence_other": "Sample offence (fictional)",
    "family_name": "SAMPLE",
    "given_names": "Jordan Alex",
    "date_of_birth": datetime(1991, 4, 17).date(),
    "address": "Flat 2\n17 Example Street\nSneinton\nNottingham",
    "postcode": "NG2 4ZZ",
    "pnc_id": "09/123456X",
    "gender": "not_stated",
    "ethnicity": "not_stated",
    "phone": "07700 900123",
    "resident_in_area": True,
}

DT1: dict[str, Any] = {
    "test_outcome": "completed",
    "tested_at": _at(23, 11, 5),
    "tested_by": "PC 0000 Example",
    "results": {"opiates": "positive", "cocaine": "positive"},
    "disputed": False,
    "authority": "trigger_offence",
    "ra_at": _at(26, 10, 0),
    "other_substances": ["alcohol", "cannabis", "other"],
    "other_substances_detail": "Pregabalin (not prescribed)",
    "court_file_indicator": True,
}

ANSWERS: dict[str, dict[str, Any]] = {
    "ra1": {
        "requirement_made": True,
        "appointment_at": _at(26, 10, 0),
        "assessing_cjit": "nottingham",
        "place": "Adult Offender Team (AOT)\nAdult Offender Building\n24-30 Castle Gate\nNottingham\nNG1 7AT",
        "follow_up_required_if_assessor_requires": True,
        "copies": ["detainee", "custody_record", "cjit"],
        "given_by": "PS 0000 Example (custody sergeant)",
        "given_at": _at(23, 12, 30),
    },
    "ra2": {
        "varies_kind": "ra1",
        "varies_notice": "RA1-261123-0A1B2C",
        "varied_by": "police",
        "reason": "The Adult Offender Building is closed for a fire drill on the original date.",
        "new_appointment_at": _at(27, 14, 0),
        "new_place": "Adult Offender Team (AOT)\nAdult Offender Building\n24-30 Castle Gate\nNottingham\nNG1 7AT",
        "copies": ["detainee", "custody_record", "cjit"],
        "given_by": "PS 0000 Example (custody sergeant)",
        "given_at": _at(24, 9, 15),
    },
    "ra4": {
        "initial_assessment_at": _at(26, 10, 0),
        "appointment_at": _at(1, 11, 30, month=12),
        "assessing_cjit": "nottingham",
        "place": "Adult Offender Team (AOT)\nAdult Offender Building\n24-30 Castle Gate\nNottingham\nNG1 7AT",
        "copies": ["detainee", "cjit"],
        "given_by": "A. Example, CJIT drug worker",
        "given_at": _at(26, 10, 50),
    },
    "ra5": {
        "reason": "no_further_intervention",
        "ended_at": _at(26, 10, 55),
        "ended_by": "A. Example, CJIT drug worker",
        "notes": "Internal note: not printed.",
    },
    "dt1": DT1,
}


def sample_content(
    kind: str, *, episode: dict[str, Any] | None = None, **answers: Any
) -> dict[str, Any]:
    """Frozen-notice content for `kind` with fictional answers; keyword arguments override
    the form's answers, `episode` overrides the person's."""
    form = FORMS[kind]
    person = {**EPISODE, **(episode or {})}
    return {
        "kind": kind,
        "form": form.to_json({**ANSWERS[kind], **answers}),
        "episode": FORMS["custody_episode"].to_json(person)["answers"],
        "dt1": FORMS["dt1"].to_json(DT1)["answers"],
        "reference_versions": {"wording": "2026.1"},
        "issued_at": _at(23, 12, 31).isoformat(),
        "issued_by": "A. Example (sample worker)",
        "reference": f"{kind.upper()}-261123-SAMPLE",
    }


def render_sample(kind: str) -> bytes:
    from app.printing import render_notice

    return render_notice(sample_content(kind))


# For checking that nothing is clipped: a long name in several alphabets and a long address.
LONG_EPISODE: dict[str, Any] = {
    "family_name": "Featherstonehaugh-Montgomery-Wojciechowska-Ó Súilleabháin",
    "given_names": "Alexandria Wilhelmina Bartholomew Maximilian Ștefan Łukasz",
    "address": (
        "Flat 14B, The Old Lace Warehouse Residential Conversion, Block C\n"
        "Unit 207-209 Upper Parliament Street Industrial Estate (rear entrance off Wollaton Street)\n"
        "Hockley, Nottingham City Centre, Nottinghamshire"
    ),
}
