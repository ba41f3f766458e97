"""An episode as one transaction sees it: its forms (typed, as the rules read them), its drafts
and its issued notices, read inside the session that then writes (issuing, printing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import UserFacingError
from app.services.forms_context import EpisodeForms, decode_episode
from app.storage.models import Appointment, CustodyEpisode, FormRecord, Notice


@dataclass
class EpisodeState:
    episode: CustodyEpisode
    stored: dict[str, dict[str, Any]] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    drafts: dict[str, FormRecord] = field(default_factory=dict)
    latest: dict[str, FormRecord] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    forms: EpisodeForms = field(default_factory=EpisodeForms)


def load_state(s, episode_id: str) -> EpisodeState:  # noqa: ANN001
    episode = s.get(CustodyEpisode, episode_id)
    if episode is None:
        raise UserFacingError(
            "That episode is no longer on this workstation (it may have been removed after "
            "sync). Search for the person to find their record."
        )
    state = EpisodeState(episode)
    records = s.scalars(
        select(FormRecord)
        .where(FormRecord.episode_id == episode_id)
        .order_by(FormRecord.updated_at)
    )
    for record in records:
        # As on the page: a draft (a second RA2 being prepared) wins over the issued one.
        current = state.latest.get(record.form_key)
        if current is None or current.status == "issued":
            state.latest[record.form_key] = record
        if record.status != "issued":
            state.drafts[record.form_key] = record
    for key, record in state.latest.items():
        state.stored[key] = dict(record.answers)
        state.versions[key] = record.form_version
    state.notices = list(
        s.scalars(select(Notice).where(Notice.episode_id == episode_id).order_by(Notice.issued_at))
    )
    state.forms = decode_episode(
        state.stored,
        state.versions,
        [
            {
                "kind": n.kind,
                "reference": n.reference,
                "issued_at": n.issued_at,
                "content": n.content,
            }
            for n in state.notices
        ],
    )
    return state


def touch(row: Any) -> None:
    """A changed row travels again at the next sync."""
    row.local_rev = (row.local_rev or 0) + 1
    row.sync_state = "pending"


def keep_booked(
    s: Session, episode_id: str, kind: str, at: datetime | None, place: str, *where: Any
) -> None:
    """An appointment with no notice behind it (Annex E, a referral in) kept in step with the
    answers of its record: booked, moved, or cancelled when the time is taken away."""
    booked = s.scalars(
        select(Appointment).where(
            Appointment.episode_id == episode_id, Appointment.kind == kind, *where
        )
    ).first()
    if at is None:
        if booked is not None and booked.status == "booked":
            booked.status = "cancelled"
            touch(booked)
        return
    if booked is None:
        booked = Appointment(episode_id=episode_id, kind=kind, at=at)
        s.add(booked)
    else:
        touch(booked)
    booked.at, booked.place, booked.status = at, place, "booked"
