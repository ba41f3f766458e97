"""What a committed unit of store work changed, so every open view refreshes just that.

The session itself records what it wrote (``after_flush``), so no store path can forget to say
what it changed; a bulk statement (``update()``/``delete()``) names its table, and a path that
knows more names the records with ``note``. Each commit publishes one ``Changes`` to the store's
listeners, tagged with the *origin* of the work (the view or job that asked for it), so a view
can tell its own saves from a colleague's record arriving by sync (Anki's
``operation_did_execute`` hook with its ``handler`` argument).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

_KEY = "cjit_changes"
_local = threading.local()


@dataclass(frozen=True)
class Changes:
    """Episodes, people and tables touched by one commit (or one operation)."""

    episodes: frozenset[str] = frozenset()
    people: frozenset[str] = frozenset()
    tables: frozenset[str] = frozenset()
    origin: Any = None

    def __bool__(self) -> bool:
        return bool(self.episodes or self.people or self.tables)

    def merged(self, other: Changes) -> Changes:
        return Changes(
            self.episodes | other.episodes,
            self.people | other.people,
            self.tables | other.tables,
            self.origin if self.origin is not None else other.origin,
        )

    def touches(self, *tables: str) -> bool:
        return bool(self.tables.intersection(tables))

    def touches_episode(self, episode_id: str | None, person_id: str | None = None) -> bool:
        return (episode_id in self.episodes) or (person_id is not None and person_id in self.people)


@dataclass
class _Collected:
    episodes: set[str] = field(default_factory=set)
    people: set[str] = field(default_factory=set)
    tables: set[str] = field(default_factory=set)

    def add_row(self, row: object) -> None:
        table = getattr(row, "__tablename__", None)
        if table is None:
            return
        self.tables.add(table)
        if table == "custody_episode":
            self.episodes.add(row.id)
        elif table == "person":
            self.people.add(row.id)
        elif isinstance(getattr(row, "episode_id", None), str):
            self.episodes.add(row.episode_id)

    def freeze(self, origin: Any) -> Changes:
        return Changes(
            frozenset(self.episodes), frozenset(self.people), frozenset(self.tables), origin
        )


def note(
    session: Session,
    episodes: Iterable[str] = (),
    people: Iterable[str] = (),
    tables: Iterable[str] = (),
) -> None:
    """Name records a bulk statement changed (the session cannot see them)."""
    collected = session.info.setdefault(_KEY, _Collected())
    collected.episodes.update(e for e in episodes if e)
    collected.people.update(p for p in people if p)
    collected.tables.update(tables)


@contextmanager
def origin(token: Any) -> Iterator[None]:
    """Tag the commits made on this thread inside the block with ``token``."""
    previous = getattr(_local, "origin", None)
    _local.origin = token
    try:
        yield
    finally:
        _local.origin = previous


def current_origin() -> Any:
    return getattr(_local, "origin", None)


def track(sessions: sessionmaker, publish: Any) -> None:
    """Record what each session writes and ``publish(changes)`` after each commit."""

    @event.listens_for(sessions, "after_flush")
    def _flushed(session: Session, _context: Any) -> None:
        collected = session.info.setdefault(_KEY, _Collected())
        for row in (*session.new, *session.dirty, *session.deleted):
            collected.add_row(row)

    @event.listens_for(sessions, "do_orm_execute")
    def _bulk(state: ORMExecuteState) -> None:
        if state.is_update or state.is_delete:
            table = getattr(state.statement, "table", None)
            if table is not None:
                note(state.session, tables=[table.name])

    @event.listens_for(sessions, "after_commit")
    def _committed(session: Session) -> None:
        collected = session.info.pop(_KEY, None)
        if collected is not None:
            changes = collected.freeze(current_origin())
            if changes:
                publish(changes)

    @event.listens_for(sessions, "after_rollback")
    def _rolled_back(session: Session) -> None:
        session.info.pop(_KEY, None)
