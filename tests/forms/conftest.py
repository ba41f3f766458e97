"""Shared fixtures for the forms tests: bundled reference data and a context factory."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

import pytest

from app.forms import FormContext, ReferenceData
from app.forms.context import IssuedNotice
from app.forms.times import LONDON


@pytest.fixture(scope="session")
def reference() -> ReferenceData:
    return ReferenceData.load()


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


@pytest.fixture
def make_ctx(reference: ReferenceData) -> Callable[..., FormContext]:
    """A context pinned to 24 December 2026 at 16:00 unless told otherwise."""

    def make(
        episode: Mapping[str, Mapping[str, Any]] | None = None,
        now: datetime | None = None,
        notices: tuple[IssuedNotice, ...] = (),
        policy: Any = None,
    ) -> FormContext:
        return FormContext.at(
            now or local(2026, 12, 24, 16),
            reference=reference,
            episode=episode,
            notices=notices,
            policy=policy,
        )

    return make


def issued(kind: str, reference: str, at: datetime, **answers: Any) -> IssuedNotice:
    """A notice already issued in the episode (as the services pass it to the rules)."""
    return IssuedNotice(kind, reference, at, answers)


ADULT_EPISODE: dict[str, Any] = {
    "custody_record_number": "52/12345/26",
    "arrived_at": local(2026, 12, 24, 9, 30),
    "arrest_offences": ["theft"],
    "family_name": "Example",
    "given_names": "Sam",
    "date_of_birth": date(1990, 5, 17),
    "address": "1 Test Street\nNottingham",
    "postcode": "NG1 1AA",
    "gender": "not_stated",
    "ethnicity": "not_stated",
    "resident_in_area": True,
}


POSITIVE_DT1: dict[str, Any] = {
    "test_outcome": "completed",
    "tested_at": local(2026, 12, 24, 10),
    "tested_by": "DO Smith 1234",
    "results": {"opiates": "positive", "cocaine": "negative"},
    "disputed": False,
    "authority": "trigger_offence",
}
