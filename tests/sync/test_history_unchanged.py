"""The central store's history answer is placed when it changed, and left alone when it is
the one placed last (app/sync/history.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.storage.models import TestHistory
from app.sync import history


class _Answers:
    def __init__(self, *answers: dict) -> None:
        self.answers = list(answers)

    def history(self, since: str) -> dict:
        return self.answers.pop(0)


def _person(name: str, *times: str) -> dict:
    return {"family_name": name, "given_names": "Sam", "date_of_birth": "1990-05-17",
            "positive_tests": [{"tested_at": t, "substances_positive": ["cocaine"]} for t in times]}  # fmt: skip


def _central_rows(store) -> list[tuple[str, str]]:
    with store.session() as s:
        return sorted(
            (r.family_key, r.tested_at.isoformat())
            for r in s.scalars(select(TestHistory).where(TestHistory.source == "central"))
        )


def test_the_same_answer_is_not_placed_again_and_a_new_one_replaces_it(pair):
    a, _ = pair
    first = {"people": [_person("Grey", "2026-11-01T10:00:00+00:00")]}
    second = {"people": [_person("Grey", "2026-11-01T10:00:00+00:00", "2026-11-20T09:00:00+00:00")]}
    transport = _Answers(first, dict(first), second)
    today = date(2026, 11, 30)
    assert history.refresh(a.store, transport, today) == 1
    with a.store.session() as s:
        ids = set(s.scalars(select(TestHistory.id)))
    assert history.refresh(a.store, transport, today) == 0  # the same: left as it was
    with a.store.session() as s:
        assert set(s.scalars(select(TestHistory.id))) == ids
    assert history.refresh(a.store, transport, today) == 2
    assert [t for _, t in _central_rows(a.store)] == [
        "2026-11-01T10:00:00+00:00", "2026-11-20T09:00:00+00:00"
    ]  # fmt: skip
    with a.store.session() as s:
        assert s.scalar(select(func.count()).select_from(TestHistory)) == 2


def test_a_new_way_of_making_rows_places_the_same_answer_again(pair, monkeypatch):
    a, _ = pair
    answer = {"people": [_person("Grey", "2026-11-01T10:00:00+00:00")]}
    transport = _Answers(answer, dict(answer), dict(answer))
    today = date(2026, 11, 30)
    assert history.refresh(a.store, transport, today) == 1
    assert history.refresh(a.store, transport, today) == 0
    monkeypatch.setattr(history, "ROWS_FORMAT", history.ROWS_FORMAT + 1)  # an upgraded desk
    assert history.refresh(a.store, transport, today) == 1
