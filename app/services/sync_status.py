"""What the status bar says about sync, read from the store's own sync columns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.services.workspace import UK, Workspace
from app.storage.models import (
    Appointment,
    AuditEvent,
    CustodyEpisode,
    FormRecord,
    Notice,
    Person,
    Setting,
    Tombstone,
)

SYNCED_TABLES = (Person, CustodyEpisode, FormRecord, Appointment, Notice, AuditEvent, Tombstone)


@dataclass(frozen=True)
class SyncSummary:
    pending: int
    last_sync: datetime | None

    @property
    def last_sync_text(self) -> str:
        if self.last_sync is None:
            return "never"
        return self.last_sync.astimezone(UK).strftime("%a %d %b %H:%M")


def summary(workspace: Workspace) -> SyncSummary:
    with workspace.store.session() as s:
        pending = sum(
            # "local": an episode with nothing entered yet, never sent (episodes.LOCAL_ONLY)
            s.scalar(
                select(func.count()).select_from(t).where(t.sync_state.not_in(("synced", "local")))
            )
            or 0
            for t in SYNCED_TABLES
        )
        last = s.get(Setting, "last_sync_at")
    return SyncSummary(pending, datetime.fromisoformat(last.value) if last and last.value else None)
