"""History for the target-testing profile (docs/sync-protocol.md 7).

The central store's answer replaces every ``test_history`` row whose source is "central"; rows
this workstation kept itself (source "local", written before erasing old episodes) stay. Only
the last 12 months are asked for: that is all the profile's rule looks at
(app.services.history.LOOK_BACK), and less personal data is held.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete

from app.services.text_keys import name_key
from app.storage.models import TestHistory
from app.storage.store import Store
from app.sync.records import parse_time
from app.sync.transport import Transport

LOOK_BACK = timedelta(days=366)


def refresh(store: Store, transport: Transport, today: date) -> int:
    answer = transport.history(since=(today - LOOK_BACK).isoformat())
    rows = [row for person in answer.get("people", []) for row in _rows(person)]
    with store.session() as s:
        s.execute(delete(TestHistory).where(TestHistory.source == "central"))
        s.add_all(rows)
    return len(rows)


def _rows(person: dict[str, Any]) -> list[TestHistory]:
    try:
        born = date.fromisoformat(str(person.get("date_of_birth"))[:10])
    except ValueError:
        born = None
    out = []
    for test in person.get("positive_tests", []):
        if not test.get("tested_at"):
            continue
        tested_at: datetime = parse_time(test["tested_at"])
        out.append(
            TestHistory(
                pnc_id=(person.get("pnc_id") or "").strip().upper() or None,
                family_key=name_key(person.get("family_name")),
                given_key=name_key(person.get("given_names")),
                date_of_birth=born,
                tested_at=tested_at,
                substances=list(test.get("substances_positive") or []),
                source="central",
            )
        )
    return out
