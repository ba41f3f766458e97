"""The audit log of one record, as a team leader reads it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from app.errors import UserFacingError
from app.services.workspace import Workspace
from app.storage import audit
from app.storage.models import AuditEvent, FormRecord, Notice


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor: str
    action: str
    what: str
    reason: str


def episode_audit(ws: Workspace, episode_id: str) -> list[AuditLine]:
    if not ws.is_team_leader:
        raise UserFacingError("Only a team leader can read the audit log.")
    with ws.store.session() as s:
        form_ids = list(s.scalars(select(FormRecord.id).where(FormRecord.episode_id == episode_id)))
        notice_ids = list(s.scalars(select(Notice.id).where(Notice.episode_id == episode_id)))
        events = s.scalars(
            select(AuditEvent)
            .where(
                or_(
                    AuditEvent.record_id == episode_id,
                    AuditEvent.record_id.in_(form_ids + notice_ids),
                )
            )
            .order_by(AuditEvent.seq)
        ).all()
        audit.record(s, ws.worker, "consultation", "audit_log", episode_id)
    return [
        AuditLine(
            e.at,
            e.actor,
            e.action,
            e.detail.get("event") or e.detail.get("form") or e.record_type or "",
            e.reason or "",
        )
        for e in events
    ]
