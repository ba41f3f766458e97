"""History for the target-testing profile (docs/sync-protocol.md 7).

The central store's answer replaces every ``test_history`` row whose source is "central"; rows
this workstation kept itself (source "local", written before erasing old episodes) stay. Only
the last 12 months are asked for: that is all the profile's rule looks at
(app.services.history.LOOK_BACK), and less personal data is held.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete

from app.forms.times import to_utc
from app.services.text_keys import name_key
from app.storage.models import TestHistory
from app.storage.store import Store
from app.sync import state
from app.sync.transport import Transport
from app.sync.wire import parse_date

LOOK_BACK = timedelta(days=366)
# Part of the digest of a placed answer: change it when the rows made from an answer change
# (``_rows``), so an upgraded desk places the same answer again in the new way.
ROWS_FORMAT = 1


def since(today: date) -> str:
    return (today - LOOK_BACK).isoformat()


def refresh(store: Store, transport: Transport, today: date) -> int:
    """Replace the central rows. Whatever the answer holds (the central store serves stored
    values as they are), a value that is not what it should be is left out, never a crash."""
    answer = transport.history(since=since(today))
    people = answer.get("people") if isinstance(answer, dict) else None
    people = people if isinstance(people, list) else []
    # Most syncs bring the same answer as the last (it changes when a test is recorded
    # somewhere, or at midnight): the rows are then left as they are, not rewritten (thousands
    # of objects built in Python on each sync of a large suite: bench/RESULTS.md, "responsive").
    answer_text = json.dumps(people, sort_keys=True, default=str)
    digest = hashlib.sha256(f"{ROWS_FORMAT}\n{answer_text}".encode()).hexdigest()
    with store.session() as s:
        if state.get(s, state.HISTORY_DIGEST) == digest:
            return 0
    rows = [row for person in people if isinstance(person, dict) for row in _rows(person)]
    with store.session() as s:
        s.execute(delete(TestHistory).where(TestHistory.source == "central"))
        s.add_all(rows)
        state.put(s, state.HISTORY_DIGEST, digest)
    return len(rows)


def _instant(value: Any) -> datetime | None:
    """As the forms codec reads a stored time: ISO 8601, a naive one being UK local time."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        return to_utc(datetime.fromisoformat(value))
    except ValueError:
        return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _rows(person: dict[str, Any]) -> list[TestHistory]:
    born = parse_date(person.get("date_of_birth"))
    tests = person.get("positive_tests")
    out = []
    for test in tests if isinstance(tests, list) else []:
        tested_at = _instant(test.get("tested_at")) if isinstance(test, dict) else None
        if tested_at is None:
            continue  # no usable time: the 12-month rule cannot place it
        substances = test.get("substances_positive")
        out.append(
            TestHistory(
                pnc_id=_text(person.get("pnc_id")).strip().upper()[:20] or None,
                family_key=name_key(_text(person.get("family_name")))[:120],
                given_key=name_key(_text(person.get("given_names")))[:120],
                date_of_birth=born,
                tested_at=tested_at,
                substances=[x for x in substances if isinstance(x, str)]
                if isinstance(substances, list)
                else [],
                source="central",
            )
        )
    return out
