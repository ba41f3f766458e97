"""The forms codec at the edges of the calendar: an instant with no UK local time (year 1 at
UTC, year 9999 behind UTC) is an unreadable answer, never an OverflowError that would fail a
whole push on the central store or a form's page on a workstation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.forms.codec import AnswerTypeError, decode, encode
from app.forms.registry import FORMS

EDGE = ["0001-01-01T00:00:00+00:00", "0001-01-01T00:30:00+05:00", "9999-12-31T23:59:00-05:00"]


@pytest.mark.parametrize("raw", EDGE)
def test_an_instant_without_a_uk_local_time_is_unreadable(raw):
    field = FORMS["lab_result"].field("received_at")
    with pytest.raises(AnswerTypeError):
        decode(field, raw)


def test_encoding_such_an_instant_is_refused_too():
    field = FORMS["remand"].field("remanded_at")
    with pytest.raises(AnswerTypeError):
        encode(field, datetime(1, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize("raw", EDGE)
def test_a_stored_edge_instant_is_kept_as_unreadable(raw):
    decoded = FORMS["remand"].decode(
        {"form": "remand", "version": 1, "answers": {"remanded_at": raw, "court": "Crown"}}
    )
    assert decoded.answers.get("remanded_at") is None and decoded.answers["court"] == "Crown"
    assert decoded.unreadable == {"remanded_at": raw}
