"""Printing a record: the DT1 for the court file and the Annex E appointment letter.

Each print is its own frozen snapshot (a notice of kind "dt1" or "annex_e"), validated,
rendered and stored in one transaction like a notice, so its prints are recorded like any
notice's; the form stays a correctable record.

A DT1 states the required assessment as it is now (`appointments.dt1_statement`: the current
appointment after any RA2, or why there is none, and the attendance once recorded). When that
statement differs from what the last printed DT1 said, the worker is asked before printing
(`AppointmentChanged`); `dt1_status` tells the board and the page beforehand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.forms.appointments import dt1_statement
from app.forms.registry import FORMS
from app.forms.times import describe_datetime
from app.services import reference
from app.services.episode_state import EpisodeState, load_state
from app.services.notices import (
    PRINTED_RECORDS,
    AppointmentChanged,
    IssuedNotice,
    NotReadyToIssue,
    _content,
    _context,
    checked,
    freeze,
)
from app.services.workspace import Workspace


@dataclass(frozen=True)
class Dt1Status:
    """Whether the DT1 must be printed again for court: `changed` when the appointment (or
    its absence) differs from what the last printed DT1 stated."""

    last_printed: str | None  # the number of the last DT1 print
    changed: bool
    message: str


def dt1_status(ws: Workspace, episode_id: str) -> Dt1Status:
    with ws.store.session() as s:
        state = load_state(s, episode_id)
        now = ws.clock()
        current = dt1_statement(_context(ws, state, now))
        return _compare(state, current)


def _compare(state: EpisodeState, current: dict[str, Any]) -> Dt1Status:
    last = next((n for n in reversed(state.notices) if n.kind == "dt1"), None)
    if last is None:
        return Dt1Status(None, False, "")
    before = last.content.get("assessment") if isinstance(last.content, dict) else None
    if _arrangement(before) == _arrangement(current):
        return Dt1Status(last.reference, False, "")
    message = (
        f"The required assessment has changed since DT1 {last.reference} was printed: it said "
        f"{_words(before)}; it is now {_words(current)}. Print the DT1 again with the current "
        "appointment for the court file?"
    )
    return Dt1Status(last.reference, True, message)


def _arrangement(statement: Any) -> tuple:
    if not isinstance(statement, dict):
        return (None,)
    appointment = statement.get("appointment") or {}
    return (statement.get("status"), appointment.get("at"), appointment.get("place"))


def _words(statement: Any) -> str:
    if not isinstance(statement, dict):
        return "nothing about it"
    appointment = statement.get("appointment")
    if statement.get("status") == "booked" and isinstance(appointment, dict):
        place = " ".join(str(appointment.get("place") or "").split())
        try:
            at = describe_datetime(datetime.fromisoformat(str(appointment.get("at"))))
        except ValueError:
            at = str(appointment.get("at"))
        return f"{at}, {place}"
    return {
        "not_made": "that the requirement was not made (inspector's authority)",
        "not_applicable": "that no required assessment applies",
        "not_arranged": "that no assessment was arranged",
    }.get(str(statement.get("status")), "nothing about it")


def print_record(
    ws: Workspace, episode_id: str, form_key: str, *, confirm_changed: bool = False
) -> IssuedNotice:
    """Freeze and render the DT1 (with its court-file cover) or the Annex E letter."""
    if form_key not in PRINTED_RECORDS:
        raise ValueError(f"{form_key!r} is not a printed record")
    definition = FORMS[form_key]
    what = {"dt1": "The DT1", "annex_e": "The letter"}.get(
        form_key, f"The {definition.short_title}"
    )
    what += " cannot be printed yet"
    now = ws.clock()
    reference.reference_data(ws)
    with ws.store.session() as s:
        state = load_state(s, episode_id)
        record = state.latest.get(form_key)
        if record is None:
            raise NotReadyToIssue(f"There is no {definition.short_title} to print.")
        ctx, _ = checked(ws, state, form_key, now, what)
        content = _content(ws, s, state, form_key, form_key, dict(record.answers), now)
        if form_key == "dt1":
            content["assessment"] = dt1_statement(ctx)
            status = _compare(state, content["assessment"])
            if status.changed and not confirm_changed:
                raise AppointmentChanged(status.message)
        notice = freeze(ws, s, record, content, now)
        return IssuedNotice(notice.id, form_key, notice.reference, notice.pdf)
