"""The shift board: today's episodes with the state of each step, and what is waiting.

Steps follow the detainee's journey (BRIEF): profile → test / DT1 → RA1 → assessment or
Annex E. Each cell is a short phrase a worker reads at a glance, never a colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, or_, select

from app.forms.registry import FORMS
from app.services import forms_context
from app.services.workspace import UK, Workspace
from app.storage.models import Appointment, CustodyEpisode, FormRecord, Notice, NoticePrint


@dataclass
class EpisodeRow:
    id: str
    arrived_at: datetime | None
    name: str
    date_of_birth: date | None
    custody_record_number: str
    status: str
    steps: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class WaitingItem:
    episode_id: str
    kind: str  # print | appointment | follow_up | report_failure | ra1_needed
    text: str


STEPS = ("profile", "test", "ra1", "assessment")
STEP_TITLES = {
    "profile": "Profile",
    "test": "Test / DT1",
    "ra1": "RA1",
    "assessment": "Assessment / Annex E",
}


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=UK)
    return start, start + timedelta(days=1)


def _step_states(typed: dict[str, dict], statuses: dict[str, str], ctx) -> dict[str, str]:  # noqa: ANN001
    states = {s: "—" for s in STEPS}
    if "target_testing" in typed:
        decision = FORMS["target_testing"].decide(typed["target_testing"], ctx)
        states["profile"] = (
            decision.outcome.replace("_", " ").capitalize() if decision else "Started"
        )
    dt1 = typed.get("dt1") or {}
    if dt1:
        outcome = dt1.get("test_outcome")
        positives = [k for k, v in (dt1.get("results") or {}).items() if v == "positive"]
        if outcome == "completed":
            states["test"] = ("Positive: " + ", ".join(positives)) if positives else "Negative"
            if dt1.get("disputed"):
                states["test"] += " (disputed)"
        else:
            states["test"] = {"refused": "Refused", "not_possible": "Not possible"}.get(
                outcome, "Started"
            )
    if "ra1" in typed:
        states["ra1"] = "Issued" if statuses.get("ra1") == "issued" else "Draft"
    elif states["test"].startswith("Positive"):
        states["ra1"] = "Needed"
    if "ra3" in typed:
        states["assessment"] = (
            (typed["ra3"].get("outcome") or "started").replace("_", " ").capitalize()
        )
    elif "annex_e" in typed:
        decision = FORMS["annex_e"].decide(typed["annex_e"], ctx)
        states["assessment"] = "Annex E: " + (
            decision.outcome.replace("_", " ") if decision else "started"
        )
    return states


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
        statuses: dict[str, dict[str, str]] = {i: {} for i in ids}
        for record in s.scalars(
            select(FormRecord).where(FormRecord.episode_id.in_(ids)).order_by(FormRecord.updated_at)
        ):
            stored[record.episode_id][record.form_key] = record.answers
            statuses[record.episode_id][record.form_key] = record.status
        rows = []
        for e in episodes:
            typed = forms_context.typed_episode(stored[e.id])
            ctx = forms_context.context(ws, typed)
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


def waiting(ws: Workspace, day: date | None = None) -> list[WaitingItem]:
    day = day or ws.now().date()
    start, end = _day_bounds(day)
    items: list[WaitingItem] = []
    with ws.store.session() as s:
        printed = select(NoticePrint.notice_id)
        for notice in s.scalars(select(Notice).where(Notice.id.not_in(printed))):
            items.append(
                WaitingItem(
                    notice.episode_id,
                    "print",
                    f"{notice.kind.upper()} {notice.reference} not yet printed",
                )
            )
        for appt in s.scalars(
            select(Appointment)
            .where(Appointment.status == "booked", Appointment.at.between(start, end))
            .order_by(Appointment.at)
        ):
            kind = {
                "initial": "Initial assessment",
                "follow_up": "Follow-up assessment",
                "annex_e": "Annex E appointment",
            }.get(appt.kind, "Appointment")
            items.append(
                WaitingItem(
                    appt.episode_id,
                    "appointment",
                    f"{kind} due today at {appt.at.astimezone(UK):%H:%M}",
                )
            )
        items += _ra1_needed(s)
        ra3s = s.scalars(select(FormRecord).where(FormRecord.form_key == "ra3"))
        forms_by_episode: dict[str, set[str]] = {}
        for record in s.scalars(select(FormRecord).where(FormRecord.form_key.in_(("ra4", "ra5")))):
            forms_by_episode.setdefault(record.episode_id, set()).add(record.form_key)
        for record in ra3s:
            outcome = record.answers.get("outcome")
            if outcome in ("failed_to_attend", "failed_to_remain") and not record.answers.get(
                "reported_to_police_at"
            ):
                items.append(
                    WaitingItem(
                        record.episode_id,
                        "report_failure",
                        f"{outcome.replace('_', ' ').capitalize()}: report to the police",
                    )
                )
            if (
                outcome == "attended_and_remained"
                and record.answers.get("assessment") == "initial"
                and not forms_by_episode.get(record.episode_id)
            ):
                items.append(
                    WaitingItem(
                        record.episode_id, "follow_up", "Follow-up to arrange (RA4) or end (RA5)"
                    )
                )
    return items


def _ra1_needed(s) -> list[WaitingItem]:  # noqa: ANN001
    """Open episodes with a positive DT1 and no RA1 yet (004 IE1: the notice before release)."""
    open_ids = select(CustodyEpisode.id).where(CustodyEpisode.status == "open")
    with_ra1 = select(FormRecord.episode_id).where(FormRecord.form_key == "ra1")
    items = []
    for record in s.scalars(
        select(FormRecord).where(
            FormRecord.form_key == "dt1",
            FormRecord.episode_id.in_(open_ids),
            FormRecord.episode_id.not_in(with_ra1),
        )
    ):
        if "positive" in (record.answers.get("results") or {}).values():
            items.append(
                WaitingItem(
                    record.episode_id, "ra1_needed", "positive test: RA1 to give before release"
                )
            )
    return items
