"""Earlier positive tests per person: what the target-testing profile pre-fills (BRIEF §2).

Derived on demand from ``dt1`` forms joined to their ``episode`` and ``person`` records, so it
is always in step with the records and survives the workstation erasing old closed episodes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from central.db import read_session
from central.models import Record
from central.record_types import FORM_DT1
from central.timefmt import parse_instant

PERSON_KEYS = ("pnc_id", "family_name", "given_names", "date_of_birth")


def positive_history(
    engine: Engine, suite: str, since: str | None = None, pnc_id: str | None = None
) -> list[dict[str, Any]]:
    since_at = parse_instant(since) if since else None
    with read_session(engine) as session:
        tests = [f for f in _live(session, suite, "form", FORM_DT1) if _is_positive(f.fields)]
        episodes = _by_id(
            session, suite, "episode", {_s(t.fields.get("episode_id")) for t in tests}
        )
        person_ids = {_s(e.fields.get("person_id")) for e in episodes.values()}
        persons = _by_id(session, suite, "person", person_ids)
    grouped: dict[str, dict[str, Any]] = {}
    for test in tests:
        episode = episodes.get(_s(test.fields.get("episode_id")))
        person = persons.get(_s(episode.fields.get("person_id"))) if episode else None
        entry = _entry(test, episode) if person else None
        if entry is None or (
            since_at and (parse_instant(entry["tested_at"]) or since_at) < since_at
        ):
            continue
        summary = grouped.setdefault(person.id, _person_summary(person))
        summary["positive_tests"].append(entry)
    people = [p for p in grouped.values() if pnc_id is None or p["pnc_id"] == pnc_id]
    for person in people:
        person["positive_tests"].sort(key=lambda e: e["tested_at"] or "", reverse=True)
    return sorted(people, key=lambda p: p["person_id"])


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _live(session: Any, suite: str, record_type: str, form_key: str | None = None) -> list[Record]:
    query = select(Record).where(
        Record.suite == suite, Record.type == record_type, Record.deleted.is_(False)
    )
    if form_key is not None:
        query = query.where(Record.form_key == form_key)
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


def _is_positive(fields: dict[str, Any]) -> bool:
    answers = fields.get("answers")
    if not isinstance(answers, dict) or answers.get("test_outcome") != "completed":
        return False
    results = answers.get("results")
    return isinstance(results, dict) and "positive" in results.values()


def _entry(test: Record, episode: Record) -> dict[str, Any]:
    answers = test.fields["answers"]
    return {
        "form_id": test.id,
        "episode_id": episode.id,
        "custody_record_number": episode.fields.get("custody_record_number"),
        "tested_at": answers.get("tested_at"),
        "substances_positive": sorted(k for k, v in answers["results"].items() if v == "positive"),
        "disputed": bool(answers.get("disputed", False)),
        "authority": answers.get("authority"),
    }


def _person_summary(person: Record) -> dict[str, Any]:
    keys = {key: person.fields.get(key) for key in PERSON_KEYS}
    return {"person_id": person.id, **keys, "positive_tests": []}
