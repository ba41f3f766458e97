import subprocess
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from app.forms import FORMS, FormDocumentError
from app.forms.fields import FIELD_TYPES, Field

from .conftest import ADULT_EPISODE, local

CONTRACT = {
    "custody_episode": [
        "custody_record_number",
        "arrived_at",
        "arrest_offences",
        "arrest_offence_other",
        "family_name",
        "given_names",
        "date_of_birth",
        "address",
        "postcode",
        "pnc_id",
        "gender",
        "ethnicity",
        "phone",
        "resident_in_area",
        "cjit_of_residence",
    ],
    "target_testing": [
        "prison_production",
        "subject_to_drr",
        "arrest_relates_to_class_a",
        "positive_test_last_12_months",
        "disclosed_class_a_use",
        "pnc_marker_or_possession_conviction",
        "withdrawal_medication_or_request",
        "first_adult_trigger_offence_arrest",
        "cjit_requests_test",
        "inspector_name",
        "inspector_rank",
        "inspector_authorised_at",
        "inspector_grounds",
    ],
    "dt1": [
        "test_outcome",
        "tested_at",
        "tested_by",
        "results",
        "disputed",
        "authority",
        "inspector_name",
        "inspector_rank",
        "inspector_authorised_at",
        "inspector_grounds",
        "other_substances",
        "other_substances_detail",
        "court_file_indicator",
    ],
    "ra1": [
        "requirement_made",
        "appointment_at",
        "place",
        "assessing_cjit",
        "follow_up_required_if_assessor_requires",
        "copies",
        "given_by",
        "given_at",
        "out_of_window_reason",
        "not_made_inspector_name",
        "not_made_inspector_rank",
        "not_made_reasons",
    ],
    "ra2": [
        "varies_notice",
        "varies_kind",
        "new_appointment_at",
        "new_place",
        "reason",
        "varied_by",
        "copies",
        "given_by",
        "given_at",
    ],
    "ra3": ["appointment_at", "outcome", "recorded_at", "recorded_by", "reported_to_police_at"],
    "ra4": ["appointment_at", "place", "assessing_cjit", "given_by", "given_at"],
    "ra5": ["reason", "ended_at", "ended_by"],
    "ra3_follow_up": [
        "appointment_at",
        "outcome",
        "recorded_at",
        "recorded_by",
        "reported_to_police_at",
    ],
    "annex_e": [
        "volunteered",
        "paraphernalia",
        "behaviour",
        "appearance",
        "arresting_officer_information",
        "intelligence",
        "withdrawal_doctor_request",
        "previous_drug_misuse",
        "previous_test_history",
        "notes",
        "appointment_at",
        "assessing_cjit",
        "place",
        "out_of_window_reason",
    ],
    # Issue 13: the rest of the pathway. The keys the services, board and figures read.
    "lab_result": ["confirmed", "received_at", "sent_at"],
    "transfer": ["receiving_cjit", "appointment_at", "place", "notice_reference", "sent_at"],
    "referral_in": ["referring_cjit", "received_at", "appointment_at", "place", "transfer_id"],
    "fta_report": [
        "assessment",
        "required_at",
        "place",
        "notice_reference",
        "notice_served_at",
        "outcome",
        "account",
        "statement_by",
        "statement_at",
        "reported_to",
        "reported_at",
    ],
    "annex_e_fu": ["first_outcome", "reported_to_partnership_at", "second_appointment_at"],
    "remand": ["remanded_at", "court", "prison", "assessment_summary", "sent_at"],
    "rob": [
        "bail_decided_at",
        "assessment_at",
        "assessment_outcome",
        "next_appointment_at",
        "appointments_attended",
        "appointments_missed",
        "last_missed_at",
        "failures_reported_at",
    ],
    "drr_report": ["probation_officer", "outcome", "reported_at"],
}


def test_the_registry_holds_every_form_in_episode_order():
    assert list(FORMS) == list(CONTRACT)


@pytest.mark.parametrize("form_key", CONTRACT)
def test_every_contracted_field_key_exists(form_key):
    keys = {f.key for f in FORMS[form_key].fields}
    assert set(CONTRACT[form_key]) <= keys


@pytest.mark.parametrize("form", FORMS.values(), ids=lambda f: f.key)
def test_every_field_is_labelled_typed_and_its_choices_resolve(form, reference):
    for f in form.fields:
        assert f.label and f.type in FIELD_TYPES
        if f.choices_source:
            assert reference.choices(f.choices_source)


@pytest.mark.parametrize("form", FORMS.values(), ids=lambda f: f.key)
def test_an_empty_form_reports_its_required_fields_as_errors(form, make_ctx):
    problems = form.validate({}, make_ctx())
    unconditional = [f.key for f in form.fields if f.is_required({})]
    assert {p.field for p in problems if p.is_error} >= set(unconditional)
    ok, _ = form.issuable({}, make_ctx())
    assert ok is (not unconditional and not form.issue_checks)


def test_the_annex_e_sections_are_the_three_criteria_in_decreasing_reliability():
    titles = [s.title for s in FORMS["annex_e"].sections]
    assert (
        titles[0].startswith("Criterion 1")
        and titles[1].startswith("Criterion 2")
        and titles[2].startswith("Criterion 3")
    )


def test_notice_forms_are_the_written_notices():
    assert {k for k, f in FORMS.items() if f.kind == "notice"} == {"ra1", "ra2", "ra4", "ra5"}


def test_a_field_needs_a_known_type_and_choices():
    with pytest.raises(ValueError):
        Field("x", "colour", "X")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Field("x", "choice", "X")


def test_custody_episode_round_trips_through_json():
    form = FORMS["custody_episode"]
    doc = form.to_json(ADULT_EPISODE)
    assert doc["form"] == "custody_episode" and doc["version"] == form.version
    assert doc["answers"]["date_of_birth"] == "1990-05-17"
    assert doc["answers"]["arrived_at"] == "2026-12-24T09:30:00+00:00"
    assert form.from_json(doc) == ADULT_EPISODE


def test_a_naive_datetime_is_stored_as_utc_from_uk_local_time():
    doc = FORMS["ra5"].to_json(
        {"reason": "on_drr", "ended_at": datetime(2026, 7, 1, 10, 0), "ended_by": "A"}
    )
    assert doc["answers"]["ended_at"] == "2026-07-01T09:00:00+00:00"
    loaded = FORMS["ra5"].from_json(doc)["ended_at"]
    assert loaded == datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    assert (loaded.hour, str(loaded.tzinfo)) == (10, "Europe/London")


def test_results_times_and_multi_choices_round_trip():
    answers = {
        "test_outcome": "completed",
        "tested_at": local(2026, 12, 24, 10),
        "results": {"opiates": "positive", "cocaine": "negative"},
        "disputed": False,
        "other_substances": ["alcohol", "cannabis"],
        "court_file_indicator": True,
    }
    form = FORMS["dt1"]
    assert form.from_json(form.to_json(answers)) == answers


def test_to_json_refuses_an_unknown_field_and_a_wrong_type():
    from app.forms.codec import AnswerTypeError

    with pytest.raises(KeyError):
        FORMS["ra5"].to_json({"colour": "red"})
    with pytest.raises(AnswerTypeError):
        FORMS["ra5"].to_json({"ended_at": date(2026, 1, 1)})


def test_from_json_refuses_another_forms_document():
    with pytest.raises(FormDocumentError):
        FORMS["ra1"].from_json({"form": "ra2", "version": 1, "answers": {}})


def test_from_json_keeps_fields_from_a_newer_client():
    loaded = FORMS["ra5"].from_json(
        {"form": "ra5", "version": 1, "answers": {"future_field": [1, 2]}}
    )
    assert loaded == {"future_field": [1, 2]}


def test_a_wrong_type_is_an_error_tied_to_its_field(make_ctx):
    problems = FORMS["ra5"].validate({"ended_at": "yesterday"}, make_ctx())
    assert any(p.field == "ended_at" and "date and time" in p.message for p in problems)


def test_a_value_outside_the_choices_is_an_error(make_ctx):
    problems = FORMS["ra5"].validate({"reason": "bored"}, make_ctx())
    assert any(p.field == "reason" and "not one of the choices" in p.message for p in problems)


def test_the_time_type_round_trips():
    from app.forms import codec

    f = Field("t", "time", "T")
    assert codec.decode(f, codec.encode(f, time(8, 5))) == time(8, 5)


def test_importing_app_forms_does_not_import_qt():
    code = "import app.forms, app.forms.rules, sys; assert 'PySide6' not in sys.modules"
    repo = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=repo)
    assert result.returncode == 0, result.stderr


def test_no_module_under_app_forms_mentions_qt():
    import app.forms

    for path in Path(app.forms.__file__).parent.glob("*.py"):
        assert "PySide" not in path.read_text() and "PyQt" not in path.read_text(), path.name
