from app.forms import FORMS

from .conftest import ADULT_EPISODE, local

FORM = FORMS["annex_e"]


def test_the_checklist_decides_from_the_items_ticked(make_ctx):
    decision = FORM.decide(
        {"behaviour": True, "previous_drug_misuse": True, "volunteered": False}, make_ctx()
    )
    assert (decision.outcome, decision.strongest_criterion) == ("identified", 2)


def test_an_appointment_without_identification_is_warned_about(make_ctx):
    answers = {
        "previous_drug_misuse": True,
        "appointment_at": local(2026, 12, 29, 10),
        "place": "AOT",
    }
    problems = FORM.validate(answers, make_ctx({"custody_episode": ADULT_EPISODE}))
    assert [(p.field, p.severity) for p in problems] == [("appointment_at", "warning")]


def test_an_appointment_needs_a_place(make_ctx):
    answers = {"volunteered": True, "appointment_at": local(2026, 12, 29, 10)}
    assert [p.field for p in FORM.validate(answers, make_ctx())] == ["place"]


def test_annex_e_after_a_positive_test_is_warned_about(make_ctx):
    dt1 = {"results": {"opiates": "positive", "cocaine": "negative"}}
    problems = FORM.validate({"volunteered": True}, make_ctx({"dt1": dt1}))
    assert [p.severity for p in problems] == ["warning"]


def test_the_annex_e_wording_carries_no_legal_sanction(reference):
    text = " ".join(str(v) for v in reference.wording("annex_e").values())
    assert "prosecution" not in text and "offence" not in text
