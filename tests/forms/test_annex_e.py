import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.forms.annex_e import CRITERIA, ITEM_KEYS
from app.forms.rules import annex_e_decision


def test_information_volunteered_identifies_with_criterion_1():
    decision = annex_e_decision(["volunteered", "paraphernalia"])
    assert (decision.outcome, decision.strongest_criterion) == ("identified", 1)


def test_inferred_evidence_identifies_with_criterion_2():
    decision = annex_e_decision(["appearance", "previous_test_history"])
    assert (decision.outcome, decision.strongest_criterion) == ("identified", 2)
    assert any("Appearance" in reason for reason in decision.reasons)


def test_indirect_evidence_alone_does_not_identify():
    decision = annex_e_decision(["previous_drug_misuse", "previous_test_history"])
    assert (decision.outcome, decision.strongest_criterion) == ("not_identified", 3)
    assert "inferred evidence" in decision.reasons[0]


def test_no_items_is_not_identified_with_no_criterion():
    assert annex_e_decision([]).strongest_criterion is None
    assert annex_e_decision([]).outcome == "not_identified"


def test_an_unknown_item_is_refused():
    with pytest.raises(ValueError):
        annex_e_decision(["hunch"])


def test_the_checklist_has_the_nine_items_of_annex_e():
    assert len(ITEM_KEYS) == 9
    assert [len(CRITERIA[n]) for n in (1, 2, 3)] == [1, 6, 2]


@given(st.sets(st.sampled_from([k for k, _ in CRITERIA[3]])))
def test_criterion_3_alone_never_identifies(items):
    assert annex_e_decision(items).outcome == "not_identified"


@given(st.sets(st.sampled_from(ITEM_KEYS)))
def test_identified_exactly_when_criterion_1_or_2_is_present(items):
    decision = annex_e_decision(items)
    strong = any(key in items for n in (1, 2) for key, _ in CRITERIA[n])
    assert (decision.outcome == "identified") == strong
    if items:
        assert decision.strongest_criterion == min(
            n for n, entries in CRITERIA.items() for key, _ in entries if key in items
        )
