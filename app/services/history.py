"""Prior history for the target-testing profile: earlier positive tests of the same person,
from this workstation's own records and from the history pulled from the central store.

A person is the same when the PNC ID matches, or, without a PNC ID, when family name, given
names and date of birth all match. The profile only *pre-fills* from history: the worker sees
where the answer came from and can change it (the custody log may know better).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from app.forms.facts import is_positive_test, positive_substances
from app.forms.times import describe_date
from app.services.workspace import UK, Workspace
from app.storage.models import CustodyEpisode, FormRecord, Person, TestHistory

LOOK_BACK = timedelta(days=365)


@dataclass(frozen=True)
class PriorPositive:
    tested_at: datetime
    substances: tuple[str, ...]
    source: str  # "local" | "central"


def _match(model, person: Person):  # noqa: ANN001, ANN202
    by_name = and_(
        model.family_key == person.family_key,
        model.given_key == person.given_key,
        model.date_of_birth == person.date_of_birth,
    )
    if person.pnc_id:
        return or_(model.pnc_id == person.pnc_id, by_name)
    return by_name


def prior_positives(ws: Workspace, episode_id: str) -> list[PriorPositive]:
    with ws.store.session() as s:
        episode = s.get(CustodyEpisode, episode_id)
        if episode is None:
            return []
        person = episode.person
        if not person.family_key or person.date_of_birth is None and not person.pnc_id:
            return []
        same_people = select(Person.id).where(_match(Person, person))
        records = s.scalars(
            select(FormRecord)
            .join(CustodyEpisode)
            .where(
                CustodyEpisode.person_id.in_(same_people),
                CustodyEpisode.id != episode_id,
                FormRecord.form_key == "dt1",
            )
        )
        found = []
        for record in records:
            tested_at = _instant(record.answers.get("tested_at"))
            if is_positive_test(record.answers) and tested_at is not None:
                substances = tuple(positive_substances(record.answers))
                found.append(PriorPositive(tested_at, substances, "local"))
        for row in s.scalars(select(TestHistory).where(_match(TestHistory, person))):
            found.append(PriorPositive(row.tested_at, tuple(row.substances), row.source))
    return sorted(set(found), key=lambda p: p.tested_at, reverse=True)


def _instant(value: object) -> datetime | None:
    """A stored test time, or None when it cannot be read (never a crash on odd data)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def target_testing_prefill(ws: Workspace, episode_id: str) -> dict[str, tuple[object, str]]:
    """Answers to pre-fill, each with the note that says where it came from."""
    recent = [p for p in prior_positives(ws, episode_id) if ws.now() - p.tested_at <= LOOK_BACK]
    if not recent:
        return {}
    latest = recent[0]
    what = " and ".join(latest.substances)
    where = (
        "this workstation's records" if latest.source == "local" else "the partnership's records"
    )
    return {
        "positive_test_last_12_months": (
            True,
            f"tested positive on {describe_date(latest.tested_at.astimezone(UK).date())} "
            f"({what}), from {where}.",
        )
    }
