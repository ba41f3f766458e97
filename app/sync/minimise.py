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
    Person,
    SyncBatch,
    SyncConflict,
    SyncErased,
    TestHistory,
)
from app.storage.store import Store

DEFAULT_DAYS = 30
CHILDREN = (("form", FormRecord), ("appointment", Appointment), ("notice", Notice))


def erase_old_episodes(store: Store, actor: audit.Actor, now: datetime, days: int) -> int:
    """Rows are read with one query per kind for all candidates and deleted together at the
    end (a new workstation's first sync can pull years of closed episodes: one query per
    episode and kind made that minutes; issue 16.5). Each erasure is still its own audit
    event, in the order of the candidates."""
    cutoff = now - timedelta(days=days)
    with store.session() as s, s.no_autoflush:
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
        children = _children_of(s, [e.id for e in candidates])
        people = _people_of(s, {e.person_id for e in candidates})
        gone: dict[str, list[str]] = {}
        for episode in candidates:
            rows = [("episode", episode), *children.get(episode.id, [])]
            if all(_erasable(row, in_batches, in_conflict) for _, row in rows):
                _erase(s, actor, episode, rows, people.get(episode.person_id))
                for kind, row in rows:
                    gone.setdefault(kind, []).append(row.id)
        _delete_all(s, gone)
        erased = set(gone.get("episode", ()))
        for episode in candidates:
            if episode.id in erased:
                s.expunge(episode)
        return len(gone.get("episode", ()))


def _chunks(ids: list[str], size: int = 500):  # noqa: ANN202 - SQLite's bound-parameter limit
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _children_of(s: Session, episode_ids: list[str]) -> dict[str, list[tuple[str, object]]]:
    out: dict[str, list[tuple[str, object]]] = {}
    for kind, model in CHILDREN:
        for chunk in _chunks(episode_ids):
            for row in s.scalars(select(model).where(model.episode_id.in_(chunk))):
                out.setdefault(row.episode_id, []).append((kind, row))
    return out


def _people_of(s: Session, person_ids: set[str]) -> dict[str, Person]:
    out: dict[str, Person] = {}
    for chunk in _chunks(sorted(i for i in person_ids if i)):
        out.update((p.id, p) for p in s.scalars(select(Person).where(Person.id.in_(chunk))))
    return out


def _delete_all(s: Session, gone: dict[str, list[str]]) -> None:
    for chunk in _chunks(gone.get("form", [])):
        s.execute(delete(FormRecordVersion).where(FormRecordVersion.form_record_id.in_(chunk)))
    for chunk in _chunks(gone.get("notice", [])):
        s.execute(delete(NoticePrint).where(NoticePrint.notice_id.in_(chunk)))
    for kind, model in (
        ("appointment", Appointment),
        ("notice", Notice),
        ("form", FormRecord),
        ("episode", CustodyEpisode),
    ):
        for chunk in _chunks(gone.get(kind, [])):
            s.execute(
                delete(model)
                .where(model.id.in_(chunk))
                .execution_options(synchronize_session=False)
            )


def _erasable(row, in_batches: set, in_conflict: set) -> bool:  # noqa: ANN001
    return (
        row.sync_state == "synced"
        and row.server_rev is not None
        and row.id not in in_batches
        and row.id not in in_conflict
    )


def _keep_positive_history(s: Session, person: Person | None, forms: list[FormRecord]) -> None:
    if person is None:
        return
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


def _erase(
    s: Session, actor: audit.Actor, episode: CustodyEpisode, rows: list, person: Person | None
) -> None:
    """The ledger, the positive history and the audit event; the rows go in _delete_all."""
    forms = [row for kind, row in rows if kind == "form"]
    _keep_positive_history(s, person, forms)
    for kind, row in rows:
        s.add(SyncErased(record_id=row.id, record_type=kind, server_rev=row.server_rev))
    audit.record(
        s,
        actor,
        "erasure",
        "custody_episode",
        episode.id,
        reason="data minimisation: closed episode synced to the central store",
        detail={"event": "erased_after_sync", "records": len(rows)},
    )
