"""Whole-number answers are counts (the Restriction on Bail's appointments attended and
missed): a negative count is an error on the form, as the central store refuses it."""

from __future__ import annotations

import pytest

from app.forms.registry import FORMS


@pytest.mark.parametrize("key", ["appointments_missed", "appointments_attended"])
def test_a_negative_count_is_an_error_and_zero_is_not(make_ctx, key):
    problems = FORMS["rob"].validate({key: -2}, make_ctx())
    [negative] = [p for p in problems if p.field == key]
    assert negative.is_error and "cannot be negative" in negative.message
    assert not [p for p in FORMS["rob"].validate({key: 0}, make_ctx()) if p.field == key]
