"""A stored form is read field by field; older versions migrate through `migrations`."""

from datetime import date

import pytest

from app.forms import FORMS, FormDocumentError

from .conftest import local


def test_one_unreadable_value_leaves_the_rest_of_the_form_loaded_and_reports_it():
    form = FORMS["custody_episode"]
    doc = {
        "form": "custody_episode",
        "version": 1,
        "answers": {
            "family_name": "Quinn",
            "date_of_birth": "31/02/1990",  # written by something else, not ISO
            "arrived_at": 1766570000,
            "resident_in_area": True,
        },
    }
    decoded = form.decode(doc)
    assert decoded.answers == {"family_name": "Quinn", "resident_in_area": True}
    assert decoded.unreadable == {"date_of_birth": "31/02/1990", "arrived_at": 1766570000}
    assert [(p.field, p.code, p.severity) for p in decoded.problems] == [
        ("date_of_birth", "stored_value_unreadable", "error"),
        ("arrived_at", "stored_value_unreadable", "error"),
    ]
    assert decoded.problems[0].message == (
        "Date of birth: the stored answer '31/02/1990' cannot be read as a date. It is kept as "
        "stored until you enter the answer again."
    )


def test_an_unreadable_value_is_written_back_unchanged_until_a_new_answer_replaces_it():
    form = FORMS["custody_episode"]
    decoded = form.decode(
        {"form": "custody_episode", "version": 1, "answers": {"date_of_birth": "x"}}
    )
    kept = form.to_json({"family_name": "Quinn"}, keep=decoded.unreadable)["answers"]
    assert kept == {"family_name": "Quinn", "date_of_birth": "x"}
    fixed = form.to_json({"date_of_birth": date(1990, 5, 17)}, keep=decoded.unreadable)
    assert fixed["answers"] == {"date_of_birth": "1990-05-17"}


def test_a_version_1_dt1_migrates_to_version_2_without_its_own_assessment_time():
    stored = {
        "form": "dt1",
        "version": 1,
        "answers": {
            "test_outcome": "completed",
            "tested_at": "2026-12-24T10:00:00+00:00",
            "results": {"opiates": "positive", "cocaine": "negative"},
            "ra_at": "2026-12-25T10:00:00+00:00",
        },
    }
    form = FORMS["dt1"]
    assert form.version == 2
    answers = form.decode(stored).answers
    assert "ra_at" not in answers and answers["tested_at"] == local(2026, 12, 24, 10)
    assert form.to_json(answers)["version"] == 2


def test_a_version_1_ra3_of_the_initial_assessment_migrates_into_its_own_form():
    form = FORMS["ra3"]
    initial = {"assessment": "initial", "outcome": "failed_to_attend", "recorded_by": "J"}
    doc = {"form": "ra3", "version": 1, "answers": initial}
    assert form.decode(doc).answers == {"outcome": "failed_to_attend", "recorded_by": "J"}
    # A version-1 record of the follow-up keeps its answer, so it still counts as the follow-up.
    follow_up = {**doc, "answers": {**initial, "assessment": "follow_up"}}
    assert form.decode(follow_up).answers["assessment"] == "follow_up"


def test_a_document_from_a_newer_version_is_refused_with_what_to_do():
    with pytest.raises(FormDocumentError, match="newer version of CJIT Desk"):
        FORMS["ra5"].decode({"form": "ra5", "version": 9, "answers": {}})


def test_answers_that_are_not_a_mapping_are_refused_not_blanked():
    with pytest.raises(FormDocumentError):
        FORMS["ra5"].decode({"form": "ra5", "version": 1, "answers": ["x"]})
