from hypothesis import given
from hypothesis import strategies as st

from app.forms.rules import target_testing_decision
from app.forms.target_testing import CRITERION_KEYS, GROUNDS, LABELS

NOTHING = {key: False for key in CRITERION_KEYS}


def decide(**answers):
    return target_testing_decision({"age": 30, "trigger_offence": True, **NOTHING, **answers})


def test_prison_production_means_no_test_whatever_else():
    decision = decide(
        prison_production=True, arrest_relates_to_class_a=True, cjit_requests_test=True
    )
    assert decision.outcome == "no_test"
    assert "prison production" in decision.reasons[0]


def test_a_drr_means_no_test():
    assert decide(subject_to_drr=True, disclosed_class_a_use=True).outcome == "no_test"


def test_no_criterion_means_no_test():
    assert decide().outcome == "no_test"


def test_one_ground_with_a_trigger_offence_means_test_and_names_the_ground():
    decision = decide(positive_test_last_12_months=True)
    assert decision.outcome == "test"
    assert any("tested positive" in reason for reason in decision.reasons)


def test_a_ground_without_a_trigger_offence_needs_an_inspectors_authority():
    decision = decide(cjit_requests_test=True, trigger_offence=False)
    assert decision.outcome == "test_with_inspector_authority"
    assert any("inspector" in reason for reason in decision.reasons)


def test_under_18_is_not_eligible():
    assert decide(age=17, arrest_relates_to_class_a=True).outcome == "not_eligible"


def test_a_missing_age_is_incomplete():
    assert target_testing_decision({**NOTHING, "trigger_offence": True}).outcome == "incomplete"


def test_an_unanswered_exclusion_is_incomplete_and_names_the_question():
    answers = {"age": 30, "trigger_offence": True, **NOTHING}
    del answers["subject_to_drr"]
    decision = target_testing_decision(answers)
    assert decision.outcome == "incomplete"
    assert LABELS["subject_to_drr"] in decision.reasons[0]


def test_an_unanswered_ground_is_incomplete_when_no_other_ground_applies():
    answers = {"age": 30, "trigger_offence": True, **NOTHING}
    del answers["cjit_requests_test"]
    assert target_testing_decision(answers).outcome == "incomplete"


def test_an_unanswered_ground_does_not_matter_when_another_applies():
    answers = {"age": 30, "trigger_offence": True, **NOTHING, "disclosed_class_a_use": True}
    del answers["cjit_requests_test"]
    assert target_testing_decision(answers).outcome == "test"


def test_an_unknown_trigger_offence_is_incomplete_when_a_test_is_indicated():
    assert decide(trigger_offence=None, arrest_relates_to_class_a=True).outcome == "incomplete"


def test_labels_are_the_profiles_verbatim_wording():
    assert (
        LABELS["prison_production"]
        == "Is the detainee on a prison production? If yes does not require a test."
    )
    assert LABELS["first_adult_trigger_offence_arrest"] == (
        "Is this the detainee's first arrest for a trigger offence as an adult aged 18 or over?"
    )
    assert len(LABELS) == 9


answer = st.sampled_from([True, False, None])
answers_strategy = st.fixed_dictionaries(
    {key: answer for key in CRITERION_KEYS},
    optional={"age": st.integers(min_value=10, max_value=90), "trigger_offence": answer},
)


@given(answers_strategy, st.sampled_from(["prison_production", "subject_to_drr"]))
def test_prison_production_or_drr_always_gives_no_test(answers, exclusion):
    assert target_testing_decision({**answers, exclusion: True}).outcome == "no_test"


@given(answers_strategy)
def test_a_test_is_only_ever_decided_with_a_ground_and_reasons(answers):
    decision = target_testing_decision(answers)
    assert decision.outcome in {
        "not_eligible",
        "no_test",
        "test",
        "test_with_inspector_authority",
        "incomplete",
    }
    assert decision.reasons
    if decision.outcome.startswith("test"):
        assert any(answers.get(key) is True for key, _, _ in GROUNDS)
        assert answers["age"] >= 18
