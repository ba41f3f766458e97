"""Earlier positive tests per person: what the target-testing profile pre-fills (BRIEF §2).

Derived on demand from ``dt1`` forms joined to their ``episode`` and ``person`` records, so it
is always in step with the records and survives the workstation erasing old closed episodes.

"A positive test" is `app.forms.facts.is_positive_test`, the definition the workstation uses.
Every read survives any stored value (issue 11.5): a `tested_at` that is not a readable
instant (a number, free text, a year the calendar cannot place in UK time) is reported as
null, and such a test is left out when a `since` filter asks for recent tests.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.forms.facts import is_positive_test, positive_substances
from central.db import read_session
from central.models import Record
from central.record_types import FORM_DT1
from central.timefmt import parse_instant

PERSON_KEYS = ("pnc_id", "family_name", "given_names", "date_of_birth")
STORED_GRACE = timedelta(days=2)


def positive_history(
    engine: Engine, suite: str, since: str | None = None, pnc_id: str | None = None
) -> list[dict[str, Any]]:
    with read_session(engine) as session:
        return positive_history_in(session, suite, since, pnc_id)


def positive_history_in(
    session: Session, suite: str, since: str | None = None, pnc_id: str | None = None
) -> list[dict[str, Any]]:
    """The same, read in the caller's snapshot (a push's ``then``)."""
    since_at = _instant(since) if since else None
    # A test on or after ``since`` is in a DT1 stored here on or after then (the form is
    # written after the test, and stored when pushed, later still): older DT1s (years of them)
    # are not read. Two days' grace for a workstation clock running ahead.
    stored_after = since_at - STORED_GRACE if since_at else None
    tests = [
        f for f in _live(session, suite, "form", FORM_DT1, stored_after) if _is_positive(f.fields)
    ]
    episodes = _by_id(session, suite, "episode", {_s(_fields(t).get("episode_id")) for t in tests})
    person_ids = {_s(_fields(e).get("person_id")) for e in episodes.values()}
    persons = _by_id(session, suite, "person", person_ids)
    grouped: dict[str, dict[str, Any]] = {}
    for test in tests:
        episode = episodes.get(_s(_fields(test).get("episode_id")))
        person = persons.get(_s(_fields(episode).get("person_id"))) if episode else None
        entry = _entry(test, episode) if person else None
        if entry is None or (since_at and not _on_or_after(entry["tested_at"], since_at)):
            continue
        summary = grouped.setdefault(person.id, _person_summary(person))
        summary["positive_tests"].append(entry)
    people = [p for p in grouped.values() if pnc_id is None or p["pnc_id"] == pnc_id]
    for person in people:
        person["positive_tests"].sort(key=_newest_first)
    return sorted(people, key=lambda p: p["person_id"])


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _fields(record: Record) -> dict[str, Any]:
    return record.fields if isinstance(record.fields, dict) else {}


def _live(
    session: Any,
    suite: str,
    record_type: str,
    form_key: str | None = None,
    stored_after: datetime | None = None,
) -> list[Record]:
    query = select(Record).where(
        Record.suite == suite, Record.type == record_type, Record.deleted.is_(False)
    )
    if form_key is not None:
        query = query.where(Record.form_key == form_key)
    if stored_after is not None:
        query = query.where(Record.updated_at >= stored_after)
    return list(session.scalars(query))


def _by_id(session: Any, suite: str, record_type: str, ids: set[str]) -> dict[str, Record]:
    ids.discard("")
    if not ids:
        return {}
    rows = session.scalars(
        select(Record).where(
            Record.suite == suite,
            Record.type == record_type,
            Record.deleted.is_(False),
            Record.id.in_(sorted(ids)),
        )
    )
    return {row.id: row for row in rows}


def _is_positive(fields: Any) -> bool:
    return isinstance(fields, dict) and is_positive_test(fields.get("answers"))


def _instant(value: Any) -> datetime | None:
    """A stored instant in UTC, or None when it cannot be read or placed (years 1 and 9999
    with an offset overflow the calendar)."""
    moment = parse_instant(value)
    if moment is None:
        return None
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _newest_first(entry: dict[str, Any]) -> tuple[int, float]:
    moment = _instant(entry["tested_at"])
    return (0, -moment.timestamp()) if moment else (1, 0.0)


def _on_or_after(value: str | None, since: datetime) -> bool:
    moment = _instant(value)
    return moment is not None and moment >= since


def _entry(test: Record, episode: Record) -> dict[str, Any]:
    answers = test.fields["answers"]
    raw = answers.get("tested_at")
    return {
        "form_id": test.id,
        "episode_id": episode.id,
        "custody_record_number": _s(_fields(episode).get("custody_record_number")) or None,
        # As the workstation wrote it when readable, so clients compare like with like.
        "tested_at": raw if _instant(raw) is not None else None,
        "substances_positive": sorted(positive_substances(answers)),
        "disputed": answers.get("disputed") is True,
        "authority": _s(answers.get("authority")) or None,
    }


def _person_summary(person: Record) -> dict[str, Any]:
    fields = person.fields if isinstance(person.fields, dict) else {}
    keys = {key: _s(fields.get(key)) or None for key in PERSON_KEYS}
    return {"person_id": person.id, **keys, "positive_tests": []}
