"""Small helpers the sync tests share: records made the way the app makes them, and counts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
from sqlalchemy import func, select

from app.services import episodes
from app.services import sync as sync_service
from app.services.workspace import Workspace
from app.storage.models import AuditEvent, CustodyEpisode, FormRecord, Notice, Person
from app.sync import state

TABLES = {"person": Person, "episode": CustodyEpisode, "form": FormRecord, "notice": Notice}


def new_episode(ws: Workspace, family: str = "Smith", given: str = "Jo", **more) -> str:
    episode_id = episodes.new_episode(ws)
    answers = {
        "family_name": family,
        "given_names": given,
        "date_of_birth": "1990-05-17",
        "custody_record_number": "52/11111/26",
        "arrived_at": datetime(2026, 11, 24, 9, 0, tzinfo=UTC).isoformat(),
        **more,
    }
    episodes.save_answers(ws, episode_id, "custody_episode", answers)
    return episode_id


def save_dt1(ws: Workspace, episode_id: str, tested_at: datetime, **results: str) -> str:
    answers = {
        "test_outcome": "completed",
        "tested_at": tested_at.isoformat(),
        "results": results or {"opiates": "positive"},
        "authority": "trigger_offence",
    }
    return episodes.save_answers(ws, episode_id, "dt1", answers)


def answers(ws: Workspace, episode_id: str, form_key: str) -> dict:
    with ws.store.session() as s:
        row = s.scalars(
            select(FormRecord).where(
                FormRecord.episode_id == episode_id, FormRecord.form_key == form_key
            )
        ).one()
        return dict(row.answers)


def sync(ws: Workspace) -> sync_service.SyncSummary:
    summary = sync_service.sync_now(ws)
    assert not summary.offline, summary
    return summary


def local_ids(ws: Workspace, record_type: str) -> set[str]:
    model = TABLES[record_type]
    with ws.store.session() as s:
        return set(s.scalars(select(model.id)))


def unsynced(ws: Workspace) -> int:
    with ws.store.session() as s:
        return sum(
            s.scalar(select(func.count()).select_from(m).where(m.sync_state != "synced")) or 0
            for m in (*TABLES.values(), AuditEvent)
        )


def server_counts(ws: Workspace) -> dict:
    values = state.read(ws.store, state.TOKEN)
    url = sync_service.central_url(ws)
    headers = {"Authorization": f"Bearer {values[state.TOKEN]}"}
    return httpx.get(f"{url}/v1/counts", headers=headers, timeout=10).json()


def assert_same_everywhere(*workspaces: Workspace) -> None:
    """No record lost, none duplicated: every workstation holds exactly what the server holds
    (ids per type), everything is synced, and the live counts agree."""
    counts = server_counts(workspaces[0])["types"]
    for ws in workspaces:
        assert unsynced(ws) == 0
        for record_type in TABLES:
            assert len(local_ids(ws, record_type)) == counts[record_type]["live"], record_type


TODAY = date.today()
