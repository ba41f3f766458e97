"""The current appointment of each assessment, defined once (issue 12: "one appointment,
entered once").

An RA1 sets the initial assessment and an RA4 the follow-up; an RA2 varies either (004 IE1:
"any variation to arrangements is notified to the individual in writing (RA2)"). The current
appointment is the one the person was last told of in writing: the issued RA1 (or RA4), then
each issued RA2 that varies it, in the order issued. Before the RA1 is issued, its draft is
the appointment being arranged (`issued` False). The DT1, the RA2, the RA3, the RA4, the RA5,
the board and printing all read it from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.forms.context import FormContext, IssuedNotice
from app.forms.facts import attendance_outcome

# The notice that sets each assessment, and the RA2 choice that varies it.
ORIGIN = {"initial": "ra1", "follow_up": "ra4"}
ASSESSMENT_OF = {v: k for k, v in ORIGIN.items()}


@dataclass(frozen=True)
class Appointment:
    assessment: str  # initial | follow_up
    at: datetime
    place: str
    cjit: str | None
    notice: str | None  # the number of the notice that set it (None for a draft RA1/RA4)
    set_by: str  # ra1 | ra4 | ra2
    issued: bool

    def same_arrangement(self, other: Appointment | None) -> bool:
        return (
            other is not None
            and self.at == other.at
            and " ".join(self.place.split()) == " ".join(other.place.split())
        )

    def to_json(self) -> dict[str, Any]:
        """JSON-safe, frozen with a printed record (e.g. the DT1's statement of it)."""
        return {
            "assessment": self.assessment,
            "at": self.at.isoformat(),
            "place": self.place,
            "cjit": self.cjit,
            "notice": self.notice,
            "set_by": self.set_by,
        }


def current_appointment(ctx: FormContext, assessment: str = "initial") -> Appointment | None:
    """The appointment the person must attend for `assessment` now, after any variation."""
    history = appointment_history(ctx, assessment)
    return history[-1] if history else None


def appointment_history(ctx: FormContext, assessment: str = "initial") -> list[Appointment]:
    """Every arrangement of `assessment` the person was given, oldest first (a draft RA1 or
    RA4 alone when nothing is issued yet)."""
    origin = ORIGIN[assessment]
    issued = ctx.issued(origin)
    if issued:
        first = _from_origin(issued[-1].answers, assessment, issued[-1].reference)
    else:
        draft = ctx.form(origin)
        if origin == "ra1" and draft.get("requirement_made") is not True:
            return _referred_in(ctx, assessment)
        first = _from_origin(draft, assessment, None)
    if first is None:
        return []
    history = [first]
    since = issued[-1].issued_at if issued else None
    for ra2 in ctx.issued("ra2"):
        if ra2.answers.get("varies_kind") != origin or (since and ra2.issued_at < since):
            continue
        at = ra2.answers.get("new_appointment_at")
        if isinstance(at, datetime):
            place = str(ra2.answers.get("new_place") or history[-1].place)
            history.append(
                Appointment(assessment, at, place, history[-1].cjit, ra2.reference, "ra2", True)
            )
    return history


def _referred_in(ctx: FormContext, assessment: str) -> list[Appointment]:
    """A required assessment referred in by another force or CJIT (004 IE4b): the notice was
    given there, so its appointment is the initial assessment here, as the referral says."""
    referral = ctx.form("referral_in")
    at = referral.get("appointment_at")
    if assessment != "initial" or not isinstance(at, datetime):
        return []
    reference = referral.get("notice_reference")
    return [
        Appointment(
            "initial",
            at,
            str(referral.get("place") or ""),
            ctx.policy.local_cjit,
            reference if isinstance(reference, str) and reference else None,
            "referral_in",
            True,
        )
    ]


def _from_origin(
    answers: Mapping[str, Any], assessment: str, reference: str | None
) -> Appointment | None:
    at = answers.get("appointment_at")
    if not isinstance(at, datetime):
        return None
    cjit = answers.get("assessing_cjit")
    return Appointment(
        assessment,
        at,
        str(answers.get("place") or ""),
        cjit if isinstance(cjit, str) else None,
        reference,
        ORIGIN[assessment],
        reference is not None,
    )


def varied_notice(ctx: FormContext) -> IssuedNotice | None:
    """The notice an RA2 would vary by default: the latest issued RA1 (requirement made) or
    RA4 of the episode."""
    candidates = [
        n
        for n in ctx.issued("ra1", "ra4")
        if n.kind == "ra4" or n.answers.get("requirement_made") is True
    ]
    return candidates[-1] if candidates else None


def appointment_replaced(ctx: FormContext, varies_kind: Any) -> Appointment | None:
    """The arrangement an RA2 of `varies_kind` ("ra1" | "ra4") replaces: the current one."""
    assessment = ASSESSMENT_OF.get(varies_kind) if isinstance(varies_kind, str) else None
    return current_appointment(ctx, assessment) if assessment else None


def initial_assessment_began(ctx: FormContext) -> datetime | None:
    """When the initial assessment took place: as recorded on its RA3 when the person
    attended, else the current initial appointment."""
    ra3 = ctx.form("ra3")
    recorded = ra3.get("appointment_at")
    if attendance_outcome(ra3) and isinstance(recorded, datetime):
        return recorded
    current = current_appointment(ctx, "initial")
    return current.at if current else None


def dt1_statement(ctx: FormContext) -> dict[str, Any]:
    """What a DT1 printed now says about the required assessment (004 IE1 (vi)), JSON-safe:
    {"status": "booked" | "not_made" | "not_applicable" | "not_arranged", "appointment",
    "attendance", "not_made": {...}}. Frozen with each DT1 print, so a later print can tell
    whether the appointment changed since."""
    from app.forms.facts import is_positive_test
    from app.forms.validation import detainee_age

    dt1 = ctx.form("dt1")
    out: dict[str, Any] = {"status": "not_applicable"}
    age = detainee_age(ctx)
    if not is_positive_test(dt1):
        return out
    if age is not None and age < 18:
        return {**out, "under_18": True}
    ra1 = ctx.issued("ra1")
    if ra1 and ra1[-1].answers.get("requirement_made") is False:
        a = ra1[-1].answers
        return {
            "status": "not_made",
            "notice": ra1[-1].reference,
            "not_made": {
                "inspector": a.get("not_made_inspector_name"),
                "rank": a.get("not_made_inspector_rank"),
                "authorised_at": _iso(a.get("not_made_authorised_at")),
                "reasons": a.get("not_made_reasons"),
            },
        }
    current = current_appointment(ctx, "initial")
    if current is None or not current.issued:
        return {"status": "not_arranged"}
    return {
        "status": "booked",
        "appointment": current.to_json(),
        "attendance": attendance_outcome(ctx.form("ra3")),
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else None
