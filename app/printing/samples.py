"""Fictional notices for layout review (``python -m app sample-notice``) and for the tests.

Every person, number and address here is invented. The samples are one consistent story that
obeys the rules the app enforces, checked through the same validation before a sample is
rendered (`sample_problems`; `render_sample` refuses one that would not be issuable):

Monday 23 November 2026, the Bridewell: Jordan Alex SAMPLE arrives at 09:40, arrested for
theft (a trigger offence), and tests positive at 11:05 (in duty hours). At 12:30 the custody
sergeant gives the RA1: initial assessment on Tuesday 24 November at 10:00 at the AOT (the
in-hours window runs to the next working day). At 16:00 the police vary it (RA2) to 14:00 the
same day. The person attends (RA3); at 14:50 the drugs worker gives the RA4: follow-up on
Tuesday 1 December at 11:30, within five working days. The DT1 is printed for the court file
on Wednesday 25 November, stating the varied appointment and the attendance. In another
telling the drugs worker ends the follow-up requirement at the initial assessment instead
(RA5). A second person tests negative and, identified by Annex E, is given an appointment
letter for the AOT.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.forms.appointments import appointment_replaced, dt1_statement
from app.forms.context import FormContext, IssuedNotice
from app.forms.fields import Problem
from app.forms.notices import number_prefix
from app.forms.reference import ReferenceData
from app.forms.registry import FORMS
from app.forms.times import LONDON
from app.printing import KINDS

SAMPLE_KINDS = KINDS


def _at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON)


AOT = "Adult Offender Team (AOT)\nAdult Offender Building\n24-30 Castle Gate\nNottingham\nNG1 7AT"

EPISODE: dict[str, Any] = {
    "custody_record_number": "52/98765/26",
    "arrived_at": _at(23, 9, 40),
    "arrest_offences": ["theft"],
    "family_name": "SAMPLE",
    "given_names": "Jordan Alex",
    "date_of_birth": date(1991, 4, 17),
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
    "other_substances": ["alcohol", "cannabis", "other"],
    "other_substances_detail": "Pregabalin (not prescribed)",
    "court_file_indicator": True,
}

NEGATIVE_DT1: dict[str, Any] = {
    **{k: v for k, v in DT1.items() if k not in ("disputed", "other_substances_detail")},
    "results": {"opiates": "negative", "cocaine": "negative"},
    "other_substances": ["alcohol"],
}

ATTENDED: dict[str, Any] = {
    "appointment_at": _at(24, 14),
    "outcome": "attended_and_remained",
    "recorded_by": "A. Example, CJIT drug worker",
    "recorded_at": _at(24, 14, 45),
}

ANSWERS: dict[str, dict[str, Any]] = {
    "ra1": {
        "requirement_made": True,
        "appointment_at": _at(24, 10),
        "assessing_cjit": "nottingham",
        "place": AOT,
        "follow_up_required_if_assessor_requires": True,
        "copies": ["detainee", "custody_record", "cjit"],
        "given_by": "PS 0000 Example (custody sergeant)",
        "given_at": _at(23, 12, 30),
    },
    "ra2": {
        "varies_kind": "ra1",
        "varies_notice": "RA1-261123-SAMPLE",
        "varied_by": "police",
        "reason": "The Adult Offender Building is closed for a fire drill in the morning.",
        "new_appointment_at": _at(24, 14),
        "new_place": AOT,
        "copies": ["detainee", "custody_record", "cjit"],
        "given_by": "PS 0000 Example (custody sergeant)",
        "given_at": _at(23, 16),
    },
    "ra4": {
        "initial_assessment_at": _at(24, 14),
        "appointment_at": _at(1, 11, 30, month=12),
        "assessing_cjit": "nottingham",
        "place": AOT,
        "copies": ["detainee", "cjit"],
        "given_by": "A. Example, CJIT drug worker",
        "given_at": _at(24, 14, 50),
    },
    "ra5": {
        "reason": "no_further_intervention",
        "ended_at": _at(24, 14, 55),
        "ended_by": "A. Example, CJIT drug worker",
        "notes": "Internal note: not printed.",
    },
    "dt1": DT1,
    "annex_e": {
        "volunteered": True,
        "behaviour": True,
        "notes": "Said they use heroin most days; shaking at the desk.",
        "appointment_at": _at(24, 10),
        "assessing_cjit": "nottingham",
        "place": AOT,
    },
}

# When each sample is issued (or printed), one minute after it was given.
ISSUED_AT = {
    "ra1": _at(23, 12, 31),
    "ra2": _at(23, 16, 1),
    "ra4": _at(24, 14, 51),
    "ra5": _at(24, 14, 56),
    "dt1": _at(25, 9),
    "annex_e": _at(23, 12, 40),
}


@dataclass(frozen=True)
class Scene:
    """The episode as it stands when a sample is issued: its forms and issued notices."""

    forms: dict[str, dict[str, Any]]
    notices: tuple[IssuedNotice, ...]


def _notice(kind: str) -> IssuedNotice:
    return IssuedNotice(kind, sample_number(kind), ISSUED_AT[kind], ANSWERS[kind])


def sample_number(kind: str) -> str:
    return f"{number_prefix(kind)}-261123-SAMPLE"


def scene(kind: str, person: dict[str, Any]) -> Scene:
    if kind == "annex_e":
        return Scene({"custody_episode": person, "dt1": NEGATIVE_DT1}, ())
    forms: dict[str, dict[str, Any]] = {"custody_episode": person, "dt1": DT1}
    notices: list[IssuedNotice] = []
    for step in ("ra1", "ra2"):
        if kind == step:
            return Scene(forms, tuple(notices))
        forms[step] = ANSWERS[step]
        notices.append(_notice(step))
    forms["ra3"] = ATTENDED
    if kind == "dt1":
        notices.append(_notice("ra4"))
        forms["ra4"] = ANSWERS["ra4"]
    return Scene(forms, tuple(notices))


def _context(kind: str, scene_: Scene, answers: dict[str, Any], ref: ReferenceData) -> FormContext:
    return FormContext.at(
        ISSUED_AT[kind],
        reference=ref,
        episode={**scene_.forms, kind: answers},
        notices=scene_.notices,
    )


def sample_problems(
    kind: str, *, episode: dict[str, Any] | None = None, **answers: Any
) -> list[Problem]:
    """What the app's own rules say about this sample (errors mean it could not be issued)."""
    from app.printing.content import bundled_reference

    person = {**EPISODE, **(episode or {})}
    typed = {**ANSWERS[kind], **answers}
    ctx = _context(kind, scene(kind, person), typed, bundled_reference())
    return FORMS[kind].issuable(typed, ctx)[1]


def sample_content(
    kind: str, *, episode: dict[str, Any] | None = None, **answers: Any
) -> dict[str, Any]:
    """Frozen-notice content for `kind` with fictional answers, shaped as the services
    freeze it at issue; keyword arguments override the form's answers, `episode` the
    person's. Not validated: tests use it to render variants (see `sample_problems`)."""
    from app.printing.content import bundled_reference

    person = {**EPISODE, **(episode or {})}
    typed = {**ANSWERS[kind], **answers}
    scene_ = scene(kind, person)
    ctx = _context(kind, scene_, typed, bundled_reference())
    content: dict[str, Any] = {
        "kind": kind,
        "form": FORMS[kind].to_json(typed),
        "episode": FORMS["custody_episode"].to_json(person)["answers"],
        "dt1": FORMS["dt1"].to_json(scene_.forms["dt1"])["answers"],
        "reference_versions": bundled_reference().versions(),
        "issued_at": ISSUED_AT[kind].isoformat(),
        "issued_by": "A. Example (sample worker)",
        "reference": sample_number(kind),
    }
    if kind == "dt1":
        content["assessment"] = dt1_statement(ctx)
    if kind == "ra2":
        replaced = appointment_replaced(ctx, typed.get("varies_kind"))
        content["replaces"] = replaced.to_json() if replaced else None
    return content


class SampleNotIssuable(ValueError):
    """A sample that breaks the app's own rules: it is not rendered."""


def render_sample(kind: str, **overrides: Any) -> bytes:
    from app.printing import render_notice

    errors = [p.message for p in sample_problems(kind, **overrides) if p.is_error]
    if errors:
        raise SampleNotIssuable(
            f"The sample {kind.upper()} would not be issuable, so it is not rendered:\n"
            + "\n".join(f"• {m}" for m in errors)
        )
    return render_notice(sample_content(kind, **overrides))


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
