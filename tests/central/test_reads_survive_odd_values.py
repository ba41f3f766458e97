"""History and reports read whatever a workstation once stored (issue 11.5): an odd
`tested_at`, a year 1 or 9999 instant, answers of the wrong shape never give a 5xx.

The records are written straight into the store, as a client from before the central store
validated answers could have left them; the reads go through the real API, on SQLite and
PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select

from central.models import Record

ODD_TIMES = [
    1775124000,
    "last Tuesday",
    "0001-01-01T00:00:00+00:00",
    "0001-01-01T00:30:00+05:00",
    "9999-12-31T23:59:00-05:00",
    "9999-12-31T23:59:00+00:00",
    None,
    ["2026-04-02"],
    {"at": "2026-04-02"},
    True,
]


def _put(engine: Engine, suite: str, type_: str, fields: dict, form_key: str | None = None) -> str:
    record_id = str(uuid.uuid4())
    with engine.begin() as conn:
        seq = (conn.execute(select(func.max(Record.seq))).scalar() or 0) + 1
        conn.execute(
            Record.__table__.insert().values(
                id=record_id,
                type=type_,
                suite=suite,
                rev=1,
                seq=seq,
                deleted=False,
                fields=fields,
                form_key=form_key,
                updated_at=datetime.now(UTC),
                updated_by_device_id=None,
            )
        )
    return record_id


def _positive_dt1(engine: Engine, suite: str, tested_at: object, **answers: object) -> None:
    person = _put(engine, suite, "person", {"family_name": "Odd", "pnc_id": "01/1A"})
    episode = _put(engine, suite, "episode", {"person_id": person})
    answers = {
        "test_outcome": "completed",
        "tested_at": tested_at,
        "results": {"opiates": "positive"},
        **answers,
    }
    _put(engine, suite, "form", {"episode_id": episode, "answers": answers}, "dt1")


@pytest.mark.parametrize("value", ODD_TIMES, ids=repr)
def test_history_survives_any_stored_test_time(enrol, engine, value):
    desk = enrol()
    _positive_dt1(engine, desk.suite, "2026-04-02T10:00:00Z")
    _positive_dt1(engine, desk.suite, value)
    response = desk.client.get("/v1/history", headers=desk.headers)
    assert response.status_code == 200, response.text
    tests = [t for p in response.json()["people"] for t in p["positive_tests"]]
    assert len(tests) == 2 and "2026-04-02T10:00:00Z" in [t["tested_at"] for t in tests]
    # An unreadable time is reported as null, never passed on for a client to choke on.
    assert all(t["tested_at"] is None or isinstance(t["tested_at"], str) for t in tests)
    recent = desk.client.get("/v1/history", params={"since": "2026-01-01"}, headers=desk.headers)
    assert recent.status_code == 200
    recent_times = [t["tested_at"] for p in recent.json()["people"] for t in p["positive_tests"]]
    # A test whose time cannot be read is not "recent": it is left out of a since filter.
    assert "2026-04-02T10:00:00Z" in recent_times and None not in recent_times


def test_history_survives_records_of_the_wrong_shape(enrol, engine):
    desk = enrol()
    _positive_dt1(engine, desk.suite, 17, results={"opiates": "positive"}, disputed="yes")
    _put(engine, desk.suite, "form", {"episode_id": 5, "answers": ["x"]}, "dt1")
    _put(
        engine, desk.suite, "form", {"answers": {"test_outcome": "completed", "results": 3}}, "dt1"
    )
    _put(engine, desk.suite, "episode", {"person_id": {"id": "x"}})
    response = desk.client.get("/v1/history", headers=desk.headers)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("value", ODD_TIMES, ids=repr)
def test_the_monthly_report_survives_any_stored_date(enrol, engine, value):
    desk = enrol()
    _positive_dt1(engine, desk.suite, "2026-04-02T10:00:00Z")
    _positive_dt1(engine, desk.suite, value)
    for form_key, answers in (
        ("ra1", {"requirement_made": True, "given_at": value}),
        ("ra3", {"outcome": "failed_to_attend", "recorded_at": value}),
        ("ra3_follow_up", {"outcome": "attended_and_remained", "recorded_at": value}),
    ):
        _put(engine, desk.suite, "form", {"episode_id": "x", "answers": answers}, form_key)
    for fmt in ("json", "csv"):
        response = desk.client.get(
            "/v1/reports/monthly",
            params={"from": "2026-04", "to": "2026-05", "format": fmt},
            headers=desk.headers,
        )
        assert response.status_code == 200, response.text
    april = desk.client.get(
        "/v1/reports/monthly", params={"from": "2026-04", "to": "2026-04"}, headers=desk.headers
    ).json()
    assert april["months"][0]["successful_tests"] == 1
    assert april["months"][0]["positive_tests"] == 1
