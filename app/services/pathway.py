"""What saving a form of the rest of the pathway does besides keeping its answers (issue 13),
called by `episodes._write` inside the same store transaction:

- an answer recording a report to someone outside the CJIT (`FormDefinition.disclosures`:
  the police, the prison, Probation, the CJIT of residence, the partnership), answered for
  the first time, is audited as a disclosure to them (DPA 2018 s.62);
- a referral in books the initial assessment it names, so the board shows it when due;
- a laboratory result that confirms every disputed drug negative ends the requirement: the
  booked initial and follow-up assessments are cancelled (000 §2.3).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.forms.facts import requirement_ended_by_laboratory
from app.forms.registry import FORMS
from app.services.episode_state import keep_booked
from app.services.workspace import Workspace
from app.storage import audit
from app.storage.models import Appointment, FormRecord


def after_save(
    ws: Workspace,
    s,  # noqa: ANN001
    episode_id: str,
    record: FormRecord,
    before: dict[str, Any],
) -> None:
    _disclosures(ws, s, episode_id, record, before)
    if record.form_key == "referral_in":
        _book_referral(s, episode_id, record.answers)
    if record.form_key in ("lab_result", "dt1"):
        _apply_confirmation(s, episode_id)


def _disclosures(ws: Workspace, s, episode_id: str, record: FormRecord, before: dict) -> None:  # noqa: ANN001
    definition = FORMS.get(record.form_key)
    for key, recipient in (definition.disclosures if definition else {}).items():
        if record.answers.get(key) and not before.get(key):
            audit.record(
                s,
                ws.worker,
                "disclosure",
                "form",
                record.id,
                detail={
                    "event": "reported",
                    "form": record.form_key,
                    "field": key,
                    "to": recipient,
                    "episode_id": episode_id,
                },
            )


def _touch(row) -> None:  # noqa: ANN001
    row.local_rev = (row.local_rev or 0) + 1
    row.sync_state = "pending"


def _moment(value: Any) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
    return parsed if parsed is not None and parsed.tzinfo else None


def _book_referral(s: Session, episode_id: str, answers: dict) -> None:
    """The referred-in assessment is this episode's initial assessment (004 IE4b)."""
    at = _moment(answers.get("appointment_at"))
    place = answers.get("place") or ""
    keep_booked(s, episode_id, "initial", at, place, Appointment.notice_id.is_(None))


def _apply_confirmation(s, episode_id: str) -> None:  # noqa: ANN001
    forms = {
        r.form_key: r.answers
        for r in s.scalars(
            select(FormRecord).where(
                FormRecord.episode_id == episode_id,
                FormRecord.form_key.in_(("dt1", "lab_result")),
            )
        )
    }
    if not requirement_ended_by_laboratory(forms.get("dt1"), forms.get("lab_result")):
        return
    for booked in s.scalars(
        select(Appointment).where(
            Appointment.episode_id == episode_id,
            Appointment.kind.in_(("initial", "follow_up")),
            Appointment.status == "booked",
        )
    ):
        booked.status = "cancelled"
        _touch(booked)


def suggested_answers(ws: Workspace, episode_id: str, form_key: str) -> dict[str, Any]:
    """What a new form of this episode starts with (`FormDefinition.defaults`): the FTA
    report's missed appointment and notice, the transfer's CJIT of residence..."""
    from app.services.episode_state import load_state
    from app.services.notices import _context

    with ws.store.session() as s:
        state = load_state(s, episode_id)
        return FORMS[form_key].defaults(_context(ws, state, ws.clock()))
