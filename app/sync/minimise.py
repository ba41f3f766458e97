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


CHUNK = 500  # episodes per transaction


def erase_old_episodes(store: Store, actor: audit.Actor, now: datetime, days: int) -> int:
    """Candidates are handled CHUNK at a time, each chunk in its own transaction: its rows
    read as plain columns with one query per kind (answers only for drug tests), erased, and
    deleted together (a new workstation's first sync can pull years of closed episodes: one
    query per episode and kind, and every row loaded whole, made that minutes and hundreds of
    megabytes; issue 16.5). Each erasure is still its own audit event, in the same order."""
    cutoff = now - timedelta(days=days)
    with store.session() as s:
        in_batches = {item[1] for b in s.scalars(select(SyncBatch)) for item in b.items}
        in_conflict = set(s.scalars(select(SyncConflict.record_id)))
        candidates = s.execute(
            select(
                CustodyEpisode.id,
                CustodyEpisode.person_id,
                CustodyEpisode.sync_state,
                CustodyEpisode.server_rev,
            )
            .where(
                CustodyEpisode.status == "closed",
                CustodyEpisode.closed_at < cutoff,
                CustodyEpisode.sync_state == "synced",
            )
            .order_by(CustodyEpisode.closed_at)
        ).all()
    erased = 0
    for chunk in _chunks(candidates, CHUNK):
        with store.session() as s, s.no_autoflush:
            s.execute(text("PRAGMA defer_foreign_keys = ON"))
            children = _children_of(s, [e.id for e in chunk])
            tests = _drug_tests_of(s, [e.id for e in chunk])
            people = _people_of(s, {e.person_id for e in chunk})
            gone: dict[str, list[str]] = {}
            for episode in chunk:
                rows = [("episode", episode), *children.get(episode.id, [])]
                if all(_erasable(row, in_batches, in_conflict) for _, row in rows):
                    _erase(s, actor, episode, rows, people.get(episode.person_id), tests)
                    for kind, row in rows:
                        gone.setdefault(kind, []).append(row.id)
            _delete_all(s, gone)
            erased += len(gone.get("episode", ()))
    return erased


def _chunks(items: list, size: int = 500):  # noqa: ANN202 - SQLite's bound-parameter limit
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _children_of(s: Session, episode_ids: list[str]) -> dict[str, list[tuple[str, object]]]:
    out: dict[str, list[tuple[str, object]]] = {}
    for kind, model in CHILDREN:
        columns = (model.id, model.episode_id, model.sync_state, model.server_rev)
        for row in s.execute(select(*columns).where(model.episode_id.in_(episode_ids))):
            out.setdefault(row.episode_id, []).append((kind, row))
    return out


def _drug_tests_of(s: Session, episode_ids: list[str]) -> dict[str, dict]:
    """Answers of the episodes' drug tests, by form id (the only answers erasure reads)."""
    query = select(FormRecord.id, FormRecord.answers).where(
        FormRecord.episode_id.in_(episode_ids), FormRecord.form_key == "dt1"
    )
    return {row.id: row.answers or {} for row in s.execute(query)}


def _people_of(s: Session, person_ids: set[str]) -> dict[str, object]:
    columns = (Person.id, Person.pnc_id, Person.family_key, Person.given_key, Person.date_of_birth)
    ids = sorted(i for i in person_ids if i)
    return {p.id: p for p in s.execute(select(*columns).where(Person.id.in_(ids)))}


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


def _keep_positive_history(s: Session, person: object, tests: list[dict]) -> None:
    if person is None:
        return
    for answers in tests:
        results = answers.get("results") if isinstance(answers, dict) else None
        if not isinstance(results, dict):
            continue
        positive = [k for k, v in results.items() if v == "positive"]
        tested_at = answers.get("tested_at")
        if not positive or not tested_at:
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
    s: Session, actor: audit.Actor, episode: object, rows: list, person: object, tests: dict
) -> None:
    """The ledger, the positive history and the audit event; the rows go in _delete_all."""
    forms = [row.id for kind, row in rows if kind == "form"]
    _keep_positive_history(s, person, [tests[f] for f in forms if f in tests])
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
