"""Find a person across all local history by name, date of birth, PNC ID or custody number.

Each kind of query is one indexed range scan (no LIKE '%…%', no table scan), so a search over
100,000 people stays within a few milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlalchemy import and_, func, or_, select

from app.services.text_keys import name_key, prefix_upper_bound
from app.services.workspace import Workspace
from app.storage.models import CustodyEpisode, Person

LIMIT = 50
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y")
_PNC = re.compile(r"^\d{2}/\d{1,7}[A-Z]?$", re.IGNORECASE)
_NUMBERISH = re.compile(r"^[A-Z]{0,4}[/ -]?\d[\d/ -]*[A-Z]?$", re.IGNORECASE)


@dataclass(frozen=True)
class PersonHit:
    person_id: str
    family_name: str
    given_names: str
    date_of_birth: date | None
    pnc_id: str | None
    latest_episode_id: str | None
    latest_arrived_at: datetime | None
    episodes: int

    @property
    def display_name(self) -> str:
        if not self.family_name and not self.given_names:
            return "(name not yet recorded)"
        return f"{self.family_name.upper()}, {self.given_names}".strip(", ")


def _as_date(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _prefix(column, text: str):  # noqa: ANN001, ANN202
    return and_(column >= text, column < prefix_upper_bound(text))


def _person_filter(query: str):  # noqa: ANN202
    """The WHERE clause on Person for a query, or None when the query is about custody numbers."""
    text = query.strip()
    as_date = _as_date(text)
    if as_date:
        return Person.date_of_birth == as_date
    if _PNC.match(text):
        return _prefix(Person.pnc_id, text.upper())
    words = [name_key(w) for w in re.split(r"[\s,]+", text) if w]
    if len(words) == 1:
        return or_(_prefix(Person.family_key, words[0]), _prefix(Person.given_key, words[0]))
    first, last = words[0], words[-1]
    # "jo smith" or "smith, jo": try both readings.
    if "," in text:
        first, last = words[-1], words[0]
    return or_(
        and_(_prefix(Person.given_key, first), _prefix(Person.family_key, last)),
        and_(_prefix(Person.given_key, last), _prefix(Person.family_key, first)),
    )


def search_people(ws: Workspace, query: str, limit: int = LIMIT) -> list[PersonHit]:
    text = query.strip()
    if len(text) < 2:
        return []
    with ws.store.session() as s:
        person_ids = list(s.scalars(select(Person.id).where(_person_filter(text)).limit(limit)))
        if _NUMBERISH.match(text) and not _as_date(text):
            # "52/5432" may be the start of a custody number as well as of a PNC ID: try both.
            by_custody = (
                select(CustodyEpisode.person_id)
                .where(_prefix(CustodyEpisode.custody_record_number, text.upper()))
                .limit(limit)
            )
            person_ids += [p for p in s.scalars(by_custody) if p not in person_ids]
        if not person_ids:
            return []
        # One query for the hits with their newest episode and episode count (a window over
        # each person's episodes), not one query per hit: 50 hits cost 50 round trips before.
        ranked = (
            select(
                CustodyEpisode.person_id,
                CustodyEpisode.id,
                CustodyEpisode.arrived_at,
                func.row_number()
                .over(
                    partition_by=CustodyEpisode.person_id,
                    order_by=CustodyEpisode.created_at.desc(),
                )
                .label("newest"),
                func.count().over(partition_by=CustodyEpisode.person_id).label("n"),
            )
            .where(CustodyEpisode.person_id.in_(person_ids))
            .subquery()
        )
        rows = s.execute(
            select(
                Person.id,
                Person.family_name,
                Person.given_names,
                Person.date_of_birth,
                Person.pnc_id,
                ranked.c.id,
                ranked.c.arrived_at,
                ranked.c.n,
            )
            .outerjoin(ranked, and_(ranked.c.person_id == Person.id, ranked.c.newest == 1))
            .where(Person.id.in_(person_ids))
        ).all()
    hits = [PersonHit(*row[:7], row[7] or 0) for row in rows]
    return _one_per_person(hits)


def _identity(hit: PersonHit) -> tuple:
    # Each episode records the person afresh (offline, on several workstations), so one person
    # has several rows; they are the same person when the PNC ID, or name and date of birth, match.
    if hit.pnc_id:
        return ("pnc", hit.pnc_id)
    return ("name", name_key(hit.family_name), name_key(hit.given_names), hit.date_of_birth)


def _one_per_person(hits: list[PersonHit]) -> list[PersonHit]:
    merged: dict[tuple, PersonHit] = {}
    for hit in hits:
        key = _identity(hit)
        seen = merged.get(key)
        if seen is None:
            merged[key] = hit
            continue
        newest = max(
            (seen, hit), key=lambda h: h.latest_arrived_at or datetime.min.replace(tzinfo=UTC)
        )
        merged[key] = replace(newest, episodes=seen.episodes + hit.episodes)
    return sorted(
        merged.values(), key=lambda h: (h.family_name.casefold(), h.given_names.casefold())
    )
