"""Issue 14: a nonsense custody record number is refused with a message; real ones pass."""

import pytest

from app.forms import FORMS

from .conftest import ADULT_EPISODE

FORM = FORMS["custody_episode"]


def _codes(make_ctx, number):
    problems = FORM.validate({**ADULT_EPISODE, "custody_record_number": number}, make_ctx())
    return {p.code for p in problems if p.field == "custody_record_number"}


@pytest.mark.parametrize("number", ["52/12345/26", "BW/9876/26", "CR9", "52-1-26", "NT 12345 26"])
def test_custody_numbers_as_forces_write_them_pass(make_ctx, number):
    assert _codes(make_ctx, number) == set()


@pytest.mark.parametrize("number", ["???", "abc", "x", "52/12345/26; DROP", "/12345/26"])
def test_nonsense_is_refused_saying_what_a_number_looks_like(make_ctx, number):
    assert _codes(make_ctx, number) == {"episode.custody_number"}
