"""The facts every part of the app and the central store share, defined once (app.forms.facts)."""

from datetime import date

import pytest

from app.forms import facts

from .conftest import ADULT_EPISODE, local

TESTED = ("opiates", "cocaine")


@pytest.mark.parametrize(
    "dt1, positive",
    [
        ({"test_outcome": "completed", "results": {"opiates": "positive"}}, True),
        ({"test_outcome": "completed", "results": {"opiates": "positive"}, "disputed": True}, True),
        ({"test_outcome": "completed", "results": {"opiates": "negative"}}, False),
        # A refusal or an impossible test keeps no positive, whatever a stale answer says.
        ({"test_outcome": "refused", "results": {"opiates": "positive"}}, False),
        ({"test_outcome": "not_possible", "results": {"cocaine": "positive"}}, False),
        ({"results": {"opiates": "positive"}}, False),
        # Odd stored values (from any workstation, any version) are never a positive test.
        ({"test_outcome": "completed", "results": ["positive"]}, False),
        ({"test_outcome": "completed", "results": "positive"}, False),
        ({"test_outcome": "completed", "results": 7}, False),
        ([], False),
        (None, False),
        ("dt1", False),
    ],
)
def test_a_positive_test_is_a_completed_test_with_a_positive_result(dt1, positive):
    assert facts.is_positive_test(dt1) is positive


def test_the_test_state_is_incomplete_until_every_substance_has_a_result():
    base = {"test_outcome": "completed"}
    assert facts.test_state({}, TESTED) == "none"
    assert facts.test_state({"tested_by": "DO 1"}, TESTED) == "incomplete"
    assert facts.test_state({**base, "results": {"opiates": "negative"}}, TESTED) == "incomplete"
    both = {"opiates": "negative", "cocaine": "not_tested"}
    assert facts.test_state({**base, "results": both}, TESTED) == "negative"
    assert facts.test_state({**base, "results": {"cocaine": "positive"}}, TESTED) == "positive"
    assert facts.test_state({"test_outcome": "refused"}, TESTED) == "refused"


def test_identity_is_complete_with_names_and_date_of_birth_typed_or_stored():
    assert facts.identity_complete(ADULT_EPISODE)
    stored = {"family_name": "X", "given_names": "Y", "date_of_birth": "1990-05-17"}
    assert facts.identity_complete(stored)
    assert facts.identity_missing({"family_name": "  ", "date_of_birth": date(1990, 1, 1)}) == [
        "family_name",
        "given_names",
    ]
    assert facts.identity_missing({"family_name": ["X"], "given_names": 3}) == [
        "family_name",
        "given_names",
        "date_of_birth",
    ]


def test_each_attendance_record_belongs_to_one_assessment():
    assert facts.attendance_assessment("ra3", {"outcome": "failed_to_attend"}) == "initial"
    assert facts.attendance_assessment("ra3_follow_up", {}) == "follow_up"
    # A version-1 RA3 said which assessment it was about.
    assert facts.attendance_assessment("ra3", {"assessment": "follow_up"}) == "follow_up"
    assert facts.attendance_assessment("dt1", {}) is None
    assert facts.is_failure({"outcome": "failed_to_remain"})
    assert facts.failure_reported({"reported_to_police_at": local(2026, 12, 24, 9)})
    assert not facts.failure_reported({"reported_to_police_at": 5})
