from datetime import date

import pytest

from app.forms import FORMS
from app.forms.validation import pnc_check_letter, pnc_problem, postcode_ok

from .conftest import ADULT_EPISODE, local

FORM = FORMS["custody_episode"]


def problems_for(make_ctx, **changes):
    return FORM.validate({**ADULT_EPISODE, **changes}, make_ctx())


def fields_with(problems, severity="error"):
    return {p.field for p in problems if p.severity == severity}


def test_a_complete_adult_episode_has_no_problems(make_ctx):
    assert problems_for(make_ctx) == []


def test_the_custody_record_number_is_required(make_ctx):
    problems = problems_for(make_ctx, custody_record_number="")
    assert fields_with(problems) == {"custody_record_number"}


def test_an_arrest_offence_or_a_description_is_required(make_ctx):
    assert "arrest_offences" in fields_with(problems_for(make_ctx, arrest_offences=[]))
    assert (
        problems_for(make_ctx, arrest_offences=[], arrest_offence_other="Assault by beating") == []
    )


def test_a_repealed_offence_cannot_be_chosen_for_a_new_arrest(make_ctx):
    problems = problems_for(make_ctx, arrest_offences=["obtaining_property_by_deception"])
    assert any("repealed on Monday 15 January 2007" in p.message for p in problems)


def test_a_date_of_birth_in_the_future_is_an_error(make_ctx):
    problems = problems_for(make_ctx, date_of_birth=date(2027, 1, 1))
    assert "date_of_birth" in fields_with(problems)


def test_an_under_18_is_warned_about(make_ctx):
    problems = problems_for(make_ctx, date_of_birth=date(2009, 1, 1))
    assert fields_with(problems, "warning") == {"date_of_birth"}
    assert "17" in problems[0].message


def test_an_arrival_in_the_future_is_an_error(make_ctx):
    assert "arrived_at" in fields_with(problems_for(make_ctx, arrived_at=local(2026, 12, 25, 9)))


def test_someone_living_elsewhere_needs_the_cjit_of_residence(make_ctx):
    assert fields_with(problems_for(make_ctx, resident_in_area=False)) == {"cjit_of_residence"}
    assert problems_for(make_ctx, resident_in_area=False, cjit_of_residence="derby") == []


def test_the_cjit_of_residence_cannot_be_the_local_cjit(make_ctx):
    problems = problems_for(make_ctx, resident_in_area=False, cjit_of_residence="nottingham")
    assert fields_with(problems) == {"cjit_of_residence"}


def test_a_bad_postcode_and_a_bad_pnc_id_are_errors_and_a_bad_phone_a_warning(make_ctx):
    problems = problems_for(make_ctx, postcode="NG1", pnc_id="12345", phone="12")
    assert fields_with(problems) == {"postcode", "pnc_id"}
    assert fields_with(problems, "warning") == {"phone"}


@pytest.mark.parametrize(
    "value", ["12/345678U", "2012/0345678U", "99/1A".replace("A", pnc_check_letter("99", "1"))]
)
def test_well_formed_pnc_ids_with_the_right_check_letter_pass(value):
    assert pnc_problem(value) is None


def test_a_pnc_id_with_the_wrong_check_letter_says_so():
    assert "check letter" in pnc_problem("12/345678A")


@pytest.mark.parametrize("code", ["NG1 7AT", "ng17at", "SW1A 1AA", "B4 6BJ", "DE1 1BU", "M1 1AE"])
def test_uk_postcodes_are_accepted(code):
    assert postcode_ok(code)


@pytest.mark.parametrize("code", ["NG1", "12345", "QQ1 1AA", "NG1 7A"])
def test_things_that_are_not_postcodes_are_refused(code):
    assert not postcode_ok(code)
