"""The shift board: today's episodes with the state of each step, and what is waiting.

Steps follow the detainee's journey (BRIEF): profile → test / DT1 → RA1 → assessment or
Annex E. Each cell is a short phrase a worker reads at a glance, never a colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, or_, select

from app.forms.appointments import current_appointment
from app.forms.context import FormContext
from app.forms.facts import (
    ATTENDANCE_FORMS,
    attendance_assessment,
    attendance_outcome,
    is_positive_test,
    positive_substances,
    test_state,
)
from app.forms.registry import FORMS
from app.forms.validation import detainee_age
from app.services import forms_context
from app.services.board_pathway import after_custody_state

# The waiting list lives in its own module; the UI calls it as board.waiting.
from app.services.waiting import WaitingItem, waiting
from app.services.workspace import UK, Workspace
from app.storage.models import CustodyEpisode, FormRecord, Notice


@dataclass
class EpisodeRow:
    id: str
    arrived_at: datetime | None
    name: str
    date_of_birth: date | None
    custody_record_number: str
    status: str
    steps: dict[str, str] = field(default_factory=dict)


__all__ = ["STEPS", "STEP_TITLES", "EpisodeRow", "WaitingItem", "shift_board", "waiting"]

STEPS = ("profile", "test", "ra1", "assessment", "after")
STEP_TITLES = {
    "profile": "Profile",
    "test": "Test / DT1",
    "ra1": "RA1",
    "assessment": "Assessment / Annex E",
    "after": "After custody",
}


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=UK)
    return start, start + timedelta(days=1)


def _step_states(
    typed: dict[str, dict], statuses: dict[str, str], ctx: FormContext
) -> dict[str, str]:
    states = {s: "—" for s in STEPS}
    if "target_testing" in typed:
        decision = FORMS["target_testing"].decide(typed["target_testing"], ctx)
        states["profile"] = (
            decision.outcome.replace("_", " ").capitalize() if decision else "Started"
        )
    dt1 = typed.get("dt1") or {}
    state = test_state(dt1, [str(s["id"]) for s in ctx.reference.tested_substances])
    if state == "positive":
        states["test"] = "Positive: " + ", ".join(positive_substances(dt1))
        states["test"] += " (disputed)" if dt1.get("disputed") is True else ""
    elif state != "none":
        states["test"] = state.replace("_", " ").capitalize()
    states["ra1"] = _ra1_state(typed, statuses, ctx)
    states["assessment"] = _assessment_state(typed, ctx)
    states["after"] = after_custody_state(typed, ctx)
    return states


def _ra1_state(typed: dict[str, dict], statuses: dict[str, str], ctx: FormContext) -> str:
    """The RA1 step, with the current appointment (after any RA2) once issued."""
    if "ra1" not in typed:
        age = detainee_age(ctx)
        adult = age is None or age >= 18
        return "Needed" if is_positive_test(typed.get("dt1")) and adult else "—"
    issued = ctx.issued("ra1")
    if not issued and statuses.get("ra1") != "issued":
        return "Draft"
    if issued and issued[-1].answers.get("requirement_made") is False:
        return "Not made (inspector)"
    current = current_appointment(ctx, "initial")
    if current is None or not current.issued:
        return "Issued"
    word = "Varied" if current.set_by == "ra2" else "Issued"
    return f"{word} · {current.at.astimezone(UK):%a %d/%m %H:%M}"


def _assessment_state(typed: dict[str, dict], ctx: FormContext) -> str:
    parts = []
    for key in ATTENDANCE_FORMS:
        if key in typed:
            which = attendance_assessment(key, typed[key]) or "initial"
            outcome = attendance_outcome(typed[key]) or "started"
            label = "Initial" if which == "initial" else "Follow-up"
            parts.append(f"{label}: {outcome.replace('_', ' ')}")
    if parts:
        return "; ".join(parts)
    if "annex_e" in typed:
        decision = FORMS["annex_e"].decide(typed["annex_e"], ctx)
        return "Annex E: " + (decision.outcome.replace("_", " ") if decision else "started")
    return "—"


def shift_board(ws: Workspace, day: date | None = None) -> list[EpisodeRow]:
    """Episodes that arrived (or were created) on ``day``, plus any still open from before."""
    day = day or ws.now().date()
    start, end = _day_bounds(day)
    with ws.store.session() as s:
        episodes = list(
            s.scalars(
                select(CustodyEpisode)
                .where(
                    or_(
                        CustodyEpisode.status == "open",
                        CustodyEpisode.arrived_at.between(start, end),
                        and_(
                            CustodyEpisode.arrived_at.is_(None),
                            CustodyEpisode.created_at.between(start, end),
                        ),
                    )
                )
                .order_by(CustodyEpisode.arrived_at.desc().nulls_first())
                .limit(300)
            )
        )
        ids = [e.id for e in episodes]
        stored: dict[str, dict[str, dict]] = {i: {} for i in ids}
        versions: dict[str, dict[str, int]] = {i: {} for i in ids}
        statuses: dict[str, dict[str, str]] = {i: {} for i in ids}
        issued: dict[str, list[dict]] = {i: [] for i in ids}
        for record in s.scalars(
            select(FormRecord).where(FormRecord.episode_id.in_(ids)).order_by(FormRecord.updated_at)
        ):
            if statuses[record.episode_id].get(record.form_key, "issued") == "issued":
                stored[record.episode_id][record.form_key] = record.answers
                versions[record.episode_id][record.form_key] = record.form_version
                statuses[record.episode_id][record.form_key] = record.status
        for n in s.scalars(
            select(Notice).where(Notice.episode_id.in_(ids), Notice.kind.in_(("ra1", "ra2")))
        ):
            issued[n.episode_id].append(
                {
                    "kind": n.kind,
                    "reference": n.reference,
                    "issued_at": n.issued_at,
                    "content": n.content,
                }
            )
        rows = []
        for e in episodes:
            forms = forms_context.decode_episode(stored[e.id], versions[e.id], issued[e.id])
            typed = forms.answers
            ctx = forms_context.context(ws, typed, forms.notices)
            name = (
                f"{e.person.family_name.upper()}, {e.person.given_names}".strip(", ")
                or "(name not yet recorded)"
            )
            rows.append(
                EpisodeRow(
                    e.id,
                    e.arrived_at,
                    name,
                    e.person.date_of_birth,
                    e.custody_record_number,
                    e.status,
                    _step_states(typed, statuses[e.id], ctx),
                )
            )
    return rows
