"""Data minimisation after a confirmed sync (issue 6; docs/sync-protocol.md 5.1 last lines).

A closed episode whose ``closed_at`` is more than N days ago (policy ``erase_closed_after_days``,
default 30) is removed from this workstation together with its forms, form versions,
appointments, notices and notice prints — but only when every one of those rows is synced,
none is in a persisted batch, and no open conflict names it. The person stays (the target-testing
profile matches on them), and positive tests of the erased forms are copied into
``test_history`` first, so "tested positive in the last 12 months" still pre-fills.
The central store keeps everything; the ids and revs of erased records go into ``sync_erased``
so the count check still matches and a re-pull does not bring them back. Each erasure is an
``erasure`` event in the audit log.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from app.storage import audit
from app.storage.models import (
    Appointment,
    CustodyEpisode,
    FormRecord,
    FormRecordVersion,
    Notice,
    NoticePrint,
    SyncBatch,
    SyncConflict,
    SyncErased,
    TestHistory,
)
from app.storage.store import Store

DEFAULT_DAYS = 30
CHILDREN = (("form", FormRecord), ("appointment", Appointment), ("notice", Notice))


def erase_old_episodes(store: Store, actor: audit.Actor, now: datetime, days: int) -> int:
    cutoff = now - timedelta(days=days)
    with store.session() as s:
        s.execute(text("PRAGMA defer_foreign_keys = ON"))
        in_batches = {item[1] for b in s.scalars(select(SyncBatch)) for item in b.items}
        in_conflict = set(s.scalars(select(SyncConflict.record_id)))
        candidates = s.scalars(
            select(CustodyEpisode).where(
                CustodyEpisode.status == "closed",
                CustodyEpisode.closed_at < cutoff,
                CustodyEpisode.sync_state == "synced",
            )
        ).all()
        erased = 0
        for episode in candidates:
            rows = _rows_of(s, episode)
            if all(_erasable(row, in_batches, in_conflict) for _, row in rows):
                _erase(s, actor, episode, rows)
                erased += 1
        return erased


def _rows_of(s: Session, episode: CustodyEpisode) -> list[tuple[str, object]]:
    rows: list[tuple[str, object]] = [("episode", episode)]
    for kind, model in CHILDREN:
        rows += [(kind, r) for r in s.scalars(select(model).where(model.episode_id == episode.id))]
    return rows


def _erasable(row, in_batches: set, in_conflict: set) -> bool:  # noqa: ANN001
    return (
        row.sync_state == "synced"
        and row.server_rev is not None
        and row.id not in in_batches
        and row.id not in in_conflict
    )


def _keep_positive_history(s: Session, episode: CustodyEpisode, forms: list[FormRecord]) -> None:
    person = episode.person
    for form in forms:
        results = (form.answers or {}).get("results") or {}
        positive = [k for k, v in results.items() if v == "positive"]
        tested_at = (form.answers or {}).get("tested_at")
        if form.form_key != "dt1" or not positive or not tested_at:
            continue
        try:
            when = datetime.fromisoformat(str(tested_at))
        except ValueError:
            continue
        s.add(
            TestHistory(
                pnc_id=person.pnc_id,
                family_key=person.family_key,
                given_key=person.given_key,
                date_of_birth=person.date_of_birth,
                tested_at=when,
                substances=positive,
                source="local",
            )
        )


def _erase(s: Session, actor: audit.Actor, episode: CustodyEpisode, rows: list) -> None:
    forms = [row for kind, row in rows if kind == "form"]
    notices = [row.id for kind, row in rows if kind == "notice"]
    _keep_positive_history(s, episode, forms)
    for kind, row in rows:
        s.add(SyncErased(record_id=row.id, record_type=kind, server_rev=row.server_rev))
    s.execute(
        delete(FormRecordVersion).where(FormRecordVersion.form_record_id.in_([f.id for f in forms]))
    )
    s.execute(delete(NoticePrint).where(NoticePrint.notice_id.in_(notices)))
    for kind, model in (("appointment", Appointment), ("notice", Notice), ("form", FormRecord)):
        ids = [row.id for k, row in rows if k == kind]
        s.execute(delete(model).where(model.id.in_(ids)))
    s.execute(delete(CustodyEpisode).where(CustodyEpisode.id == episode.id))
    s.expunge(episode)
    audit.record(
        s,
        actor,
        "erasure",
        "custody_episode",
        episode.id,
        reason="data minimisation: closed episode synced to the central store",
        detail={"event": "erased_after_sync", "records": len(rows)},
    )
