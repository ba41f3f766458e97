from app.forms import FORMS
from app.forms.target_testing import CRITERION_KEYS

from .conftest import ADULT_EPISODE, local

FORM = FORMS["target_testing"]
NOTHING = {key: False for key in CRITERION_KEYS}


def test_the_form_decides_with_age_and_trigger_offence_from_the_episode(make_ctx):
    ctx = make_ctx({"custody_episode": ADULT_EPISODE})
    assert FORM.decide({**NOTHING, "disclosed_class_a_use": True}, ctx).outcome == "test"


def test_a_non_trigger_arrest_needs_the_inspectors_details(make_ctx):
    episode = {**ADULT_EPISODE, "arrest_offences": [], "arrest_offence_other": "Affray"}
    ctx = make_ctx({"custody_episode": episode})
    answers = {**NOTHING, "cjit_requests_test": True}
    assert FORM.decide(answers, ctx).outcome == "test_with_inspector_authority"
    errors = {p.field for p in FORM.validate(answers, ctx) if p.is_error}
    assert errors == {
        "inspector_name",
        "inspector_rank",
        "inspector_authorised_at",
        "inspector_grounds",
    }
    complete = {
        **answers,
        "inspector_name": "Insp. Jones",
        "inspector_rank": "inspector",
        "inspector_authorised_at": local(2026, 12, 24, 10),
        "inspector_grounds": "Seen injecting.",
    }
    assert FORM.validate(complete, ctx) == []


def test_an_authority_before_arrival_is_an_error(make_ctx):
    episode = {**ADULT_EPISODE, "arrest_offences": [], "arrest_offence_other": "Affray"}
    answers = {
        **NOTHING,
        "cjit_requests_test": True,
        "inspector_name": "Insp. Jones",
        "inspector_rank": "inspector",
        "inspector_authorised_at": local(2026, 12, 24, 8),
        "inspector_grounds": "Seen injecting.",
    }
    problems = FORM.validate(answers, make_ctx({"custody_episode": episode}))
    assert [p.field for p in problems] == ["inspector_authorised_at"]


def test_history_answers_are_marked_as_prefilled():
    assert (
        FORM.field("positive_test_last_12_months").prefill == "history:positive_test_last_12_months"
    )
    assert FORM.field("prison_production").prefill is None


def test_on_a_prison_production_the_other_criteria_need_no_answer(make_ctx):
    ctx = make_ctx({"custody_episode": ADULT_EPISODE})
    problems = FORM.validate({"prison_production": True}, ctx)
    assert problems == []
    assert FORM.decide({"prison_production": True}, ctx).outcome == "no_test"
    assert {p.field for p in FORM.validate({"prison_production": False}, ctx)} == set(
        CRITERION_KEYS
    ) - {"prison_production"}
