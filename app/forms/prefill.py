"""Pre-filled answers: what `Field.prefill` names, resolved from the episode's other records.

A source is "<where>:<what>". The ones the episode itself answers are resolved here, purely
from the context; "history:..." sources need the store and are resolved by
`app.services.forms_context.prefills`. A pre-filled answer is a suggestion the UI marks as
such, with the note saying where it came from; the worker can change it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.forms.appointments import (
    appointment_replaced,
    current_appointment,
    initial_assessment_began,
    varied_notice,
)
from app.forms.context import FormContext
from app.forms.definition import FormDefinition
from app.forms.times import describe_datetime


@dataclass(frozen=True)
class Prefill:
    value: Any
    note: str  # "the RA1 RA1-261124-ABC123's appointment."


def _appointment_at(assessment: str) -> Callable[[FormContext], Prefill | None]:
    def resolve(ctx: FormContext) -> Prefill | None:
        current = current_appointment(ctx, assessment)
        if current is None:
            return None
        source = f"{current.set_by.upper()} {current.notice}" if current.notice else "the draft"
        return Prefill(current.at, f"the current appointment ({source}).")

    return resolve


def _began(ctx: FormContext) -> Prefill | None:
    began = initial_assessment_began(ctx)
    if began is None:
        return None
    return Prefill(began, f"the initial assessment on {describe_datetime(began)}.")


def _varied(attribute: str) -> Callable[[FormContext], Prefill | None]:
    def resolve(ctx: FormContext) -> Prefill | None:
        notice = varied_notice(ctx)
        if notice is None:
            return None
        note = f"the latest {notice.kind.upper()} of this episode ({notice.reference})."
        if attribute == "kind":
            return Prefill(notice.kind, note)
        if attribute == "reference":
            return Prefill(notice.reference, note)
        current = appointment_replaced(ctx, notice.kind)
        if current is None or not current.place:
            return None
        return Prefill(current.place, "the place of the current appointment.")

    return resolve


SOURCES: dict[str, Callable[[FormContext], Prefill | None]] = {
    "appointment:initial.at": _appointment_at("initial"),
    "appointment:follow_up.at": _appointment_at("follow_up"),
    "assessment:initial.began": _began,
    "notice:varied.kind": _varied("kind"),
    "notice:varied.reference": _varied("reference"),
    "appointment:varied.place": _varied("place"),
}


def prefills(form: FormDefinition, ctx: FormContext) -> dict[str, Prefill]:
    """The pre-filled answers of `form` that the episode's records give (history sources are
    left to the services)."""
    out: dict[str, Prefill] = {}
    for f in form.fields:
        resolve = SOURCES.get(f.prefill or "")
        found = resolve(ctx) if resolve else None
        if found is not None:
            out[f.key] = found
    return out
