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

A pulled episode that this rule would erase at the end of the same sync is never placed
(``Arrival``, used by app.sync.pull and app.sync.apply): it goes straight to the ledger with
its children, with the same positive test history kept and one ``erasure`` event per pulled
page naming the episodes. A new workstation of a suite with years of history would otherwise
write, then erase, most of what it pulls (issue 16.5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from app.storage import audit
from app.storage.models import (
    Appointment,
    AuditEvent,
    CustodyEpisode,
    FormRecord,
    FormRecordVersion,
    Notice,
    NoticePrint,
    Person,
    Setting,
    SyncBatch,
    SyncConflict,
    SyncErased,
    TestHistory,
    new_id,
    utcnow,
)
from app.storage.store import Store

DEFAULT_DAYS = 30
CHILDREN = (("form", FormRecord), ("appointment", Appointment), ("notice", Notice))
CHILD_TYPES = frozenset(kind for kind, _ in CHILDREN)
NEVER = datetime.min.replace(tzinfo=UTC)  # an Arrival cutoff that erases nothing new
PENDING = "sync_arrival:"  # Setting keys: episodes erased on arrival by an unfinished pull
REASON = "data minimisation: closed episode synced to the central store"


CHUNK = 500  # episodes per transaction


def erase_old_episodes(store: Store, actor: audit.Actor, now: datetime, days: int) -> int:
    """Candidates are handled CHUNK at a time, each chunk in its own transaction: its rows
    read as plain columns with one query per kind (answers only for drug tests), erased, and
    deleted together (a new workstation's first sync can pull years of closed episodes: one
    query per episode and kind, and every row loaded whole, made that minutes and hundreds of
    megabytes; issue 16.5). Each erasure is still its own audit event, in the same order, but
    the chunk's events are chained and inserted together (``chain``) rather than one flush
    and one query each."""
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
            events: list[tuple[str | None, str | None, dict]] = []
            for episode in chunk:
                rows = [("episode", episode), *children.get(episode.id, [])]
                if all(_erasable(row, in_batches, in_conflict) for _, row in rows):
                    events.append(_erase(s, episode, rows, people.get(episode.person_id), tests))
                    for kind, row in rows:
                        gone.setdefault(kind, []).append(row.id)
            chain(s, actor, "erasure", REASON, events)
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
    _insert_history(s, _positive_history(person, tests))


def _positive_history(person: object, tests: list[dict]) -> list[dict]:
    """test_history rows (as values) for the positive results of these drug tests' answers."""
    if person is None:
        return []
    rows = []
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
        rows.append({
            "id": new_id(), "pnc_id": person.pnc_id, "family_key": person.family_key,
            "given_key": person.given_key, "date_of_birth": person.date_of_birth,
            "tested_at": when, "substances": positive, "source": "local",
        })  # fmt: skip
    return rows


def _insert_history(s: Session, rows: list[dict]) -> None:
    if rows:  # one INSERT, not an object each (a new desk keeps thousands: issue 16.5)
        s.connection().execute(insert(TestHistory.__table__), rows)


def _erase(
    s: Session, episode: object, rows: list, person: object, tests: dict
) -> tuple[str, str, dict]:
    """The ledger and the positive history; returns the audit event to chain. The rows go in
    _delete_all."""
    forms = [row.id for kind, row in rows if kind == "form"]
    _keep_positive_history(s, person, [tests[f] for f in forms if f in tests])
    for kind, row in rows:
        s.add(SyncErased(record_id=row.id, record_type=kind, server_rev=row.server_rev))
    return "custody_episode", episode.id, {"event": "erased_after_sync", "records": len(rows)}


def chain(
    s: Session,
    actor: audit.Actor,
    action: str,
    reason: str,
    events: list[tuple[str | None, str | None, dict]],
) -> None:
    """Append events (record type, record id, detail) to the audit log in one INSERT: the same
    chain ``audit.record`` makes one event at a time (each hash covers the one before it,
    ``audit.verify`` checks them alike), without a flush and a query per event."""
    if not events:
        return
    if action not in audit.ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    s.flush()  # what the session holds (and any event before these) is in the table first
    prev = s.scalar(select(AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1))
    prev = prev or audit.GENESIS
    rows = []
    for record_type, record_id, detail in events:
        event_id, at = new_id(), utcnow()
        digest = audit.digest_of(
            prev, event_id, at, actor.id, actor.username, action, record_type, record_id,
            reason, detail,
        )  # fmt: skip
        rows.append({
            "id": event_id, "at": at, "actor_id": actor.id, "actor": actor.username,
            "action": action, "record_type": record_type, "record_id": record_id,
            "reason": reason, "detail": detail, "prev_hash": prev, "hash": digest,
            "sync_state": "pending",
        })  # fmt: skip
        prev = digest
    s.execute(insert(AuditEvent), rows)  # seq follows the order of the rows


@dataclass
class Arrival:
    """Erasure on arrival during one pull: a pulled episode that is not here yet, closed
    before ``cutoff``, is not placed — it goes to the ledger with its children, as
    ``erase_old_episodes`` would leave it at the end of the sync. Not while an open conflict
    names it or one of its children (nor while a conflict names a child whose episode this
    pull has not seen yet: it might be one of these). Persons are placed as ever.

    app.sync.apply decides per batch (``eligible``) and reports the records it ledgers
    (``ledgered``); app.sync.pull calls ``finish_page`` in the page's own transaction: the
    positive test history of the ledgered drug tests and one audit event for the page."""

    cutoff: datetime
    actor: audit.Actor
    erased: dict[str, str | None] = field(default_factory=dict)  # episode -> person, this pull
    keep: set[str] = field(default_factory=set)  # episodes a conflict names
    unresolved: set[str] = field(default_factory=set)  # conflicted children, episode unknown
    _conflicts_seen: set[str] = field(default_factory=set)
    _page_episodes: list[str] = field(default_factory=list)
    _page_records: int = 0
    _page_tests: list[tuple[str | None, dict]] = field(default_factory=list)

    def note_conflicts(
        self, s: Session, conflicts: list[dict[str, Any]], records: list[dict[str, Any]]
    ) -> None:
        """Before a page is applied: the episodes the open conflicts (complete on every page)
        name, directly or through a child found here, in the ledger, or in this batch."""
        for c in conflicts:
            record_id, kind = str(c.get("record_id")), c.get("record_type")
            if record_id in self._conflicts_seen:
                continue
            self._conflicts_seen.add(record_id)
            if kind == "episode":
                self.keep.add(record_id)
            elif kind in CHILD_TYPES:
                self.unresolved.add(record_id)
        if self.unresolved:
            self._resolve(s, records)

    def _resolve(self, s: Session, records: list[dict[str, Any]]) -> None:
        for rec in records:
            fields = rec.get("fields") if isinstance(rec.get("fields"), dict) else {}
            if rec["id"] in self.unresolved and rec["type"] in CHILD_TYPES:
                self.keep.add(str(fields.get("episode_id")))
                self.unresolved.discard(rec["id"])
        ids = sorted(self.unresolved)
        for _, model in CHILDREN:
            for chunk in _chunks(ids):
                for row in s.execute(select(model.id, model.episode_id).where(model.id.in_(chunk))):
                    self.keep.add(row.episode_id)
                    self.unresolved.discard(row.id)
        for chunk in _chunks(ids):  # erased here before: nothing of it left to keep
            self.unresolved -= set(
                s.scalars(select(SyncErased.record_id).where(SyncErased.record_id.in_(chunk)))
            )

    def eligible(self, episode_id: str, person_id: Any, fields: dict[str, Any]) -> bool:
        """Whether a pulled episode new here (readable fields) is erased on arrival; if so it
        is counted as erased in this pull from now on."""
        if self.unresolved or episode_id in self.keep or fields.get("status") != "closed":
            return False
        closed_at = fields.get("closed_at")
        try:
            when = datetime.fromisoformat(str(closed_at)) if closed_at else None
        except ValueError:
            return False
        if when is None:
            return False
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        if when >= self.cutoff:
            return False
        self.erased[episode_id] = person_id if isinstance(person_id, str) else None
        self._page_episodes.append(episode_id)
        return True

    def ledgered(self, rec: dict[str, Any], first_time: bool) -> bool:
        """A record put in the ledger because its episode is erased; returns whether it counts
        as erased on arrival (its episode was erased in this pull and it was never here: a
        drug test's positive results are then kept as history, as erasure after placing
        would have kept them)."""
        fields = rec.get("fields") if isinstance(rec.get("fields"), dict) else {}
        episode = rec["id"] if rec["type"] == "episode" else fields.get("episode_id")
        if not first_time or episode not in self.erased:
            return False
        self._page_records += 1
        answers = fields.get("answers")
        if rec["type"] == "form" and fields.get("form_key") == "dt1" and isinstance(answers, dict):
            self._page_tests.append((self.erased[episode], answers))
        return True

    def load(self, s: Session) -> None:
        """Episodes erased on arrival by a pull that did not finish (stopped, or the desk
        closed): their children still to come are erased on arrival too, history kept."""
        for row in s.scalars(select(Setting).where(Setting.key.like(f"{PENDING}%"))):
            if isinstance(row.value, dict):
                self.erased.update(row.value)

    @staticmethod
    def clear(s: Session) -> None:
        """With the cursor, at the end of a pull: nothing more of those episodes is to come."""
        s.execute(delete(Setting).where(Setting.key.like(f"{PENDING}%")))

    def finish_page(self, s: Session) -> None:
        """In the page's transaction: the kept test history and one audit event naming the
        episodes erased on arrival (and counting every record ledgered) in this page; the
        episodes are noted until the pull ends (``load``)."""
        if self._page_episodes:
            noted = {e: self.erased[e] for e in self._page_episodes}
            s.add(Setting(key=f"{PENDING}{new_id()}", value=noted))
        if self._page_tests:
            people = _people_of(s, {p for p, _ in self._page_tests if p})
            rows = []
            for person_id, answers in self._page_tests:
                rows += _positive_history(people.get(person_id), [answers])
            _insert_history(s, rows)
        if self._page_records:
            detail = {
                "event": "erased_on_arrival",
                "episodes": sorted(self._page_episodes),
                "records": self._page_records,
            }
            chain(s, self.actor, "erasure", REASON + ", not placed here", [
                ("custody_episode", None, detail)
            ])  # fmt: skip
        self._page_records, self._page_tests = 0, []

    def committed(self) -> None:
        self._page_episodes, self._page_records, self._page_tests = [], 0, []

    def forget(self, episode_id: str) -> None:
        """One record's savepoint rolled back (apply._apply_each): that episode was not erased."""
        if episode_id in self._page_episodes:
            self._page_episodes.remove(episode_id)
            self.erased.pop(episode_id, None)

    def rolled_back(self) -> None:
        """A page (or savepoint) not committed: nothing of it was erased."""
        for episode_id in self._page_episodes:
            self.erased.pop(episode_id, None)
        self.committed()
