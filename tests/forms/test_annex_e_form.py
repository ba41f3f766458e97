from app.forms import FORMS

from .conftest import ADULT_EPISODE, local

FORM = FORMS["annex_e"]


def test_the_checklist_decides_from_the_items_ticked(make_ctx):
    decision = FORM.decide(
        {"behaviour": True, "previous_drug_misuse": True, "volunteered": False}, make_ctx()
    )
    assert (decision.outcome, decision.strongest_criterion) == ("identified", 2)


AOT = "AOT, 24-30 Castle Gate"
NEGATIVE = {
    "test_outcome": "completed",
    "tested_at": local(2026, 12, 24, 10),
    "results": {"opiates": "negative", "cocaine": "negative"},
}
BOOKED = {
    "volunteered": True,
    "appointment_at": local(2026, 12, 29, 10),
    "assessing_cjit": "nottingham",
    "place": AOT,
}


def ctx_for(make_ctx, episode=ADULT_EPISODE):
    return make_ctx({"custody_episode": episode, "dt1": NEGATIVE})


def test_an_identified_person_gets_an_appointment_within_one_working_day(make_ctx):
    assert FORM.issuable(BOOKED, ctx_for(make_ctx)) == (True, [])
    late = {**BOOKED, "appointment_at": local(2026, 12, 30, 10)}
    problems = FORM.validate(late, ctx_for(make_ctx))
    assert [p.code for p in problems] == ["window.outside", "reason.needed"]
    assert "(an Annex E appointment is from the same day up to the next working day)" in (
        problems[0].message
    )


def test_an_annex_e_appointment_on_christmas_day_at_three_in_the_morning_is_refused(make_ctx):
    answers = {**BOOKED, "appointment_at": local(2026, 12, 25, 3)}
    problems = FORM.validate(answers, ctx_for(make_ctx))
    assert [p.code for p in problems] == ["hours.bank_holiday"]
    assert problems[0].message.startswith("Friday 25 December 2026 (a bank holiday: Christmas Day)")


def test_someone_living_elsewhere_is_given_an_appointment_with_their_cjit(make_ctx):
    elsewhere = {**ADULT_EPISODE, "resident_in_area": False, "cjit_of_residence": "leicester"}
    defaults = FORM.defaults(ctx_for(make_ctx, elsewhere))
    assert defaults["assessing_cjit"] == "leicester" and defaults["place"].endswith("LE1 1FB")
    at_leicester = {**BOOKED, **defaults, "appointment_at": local(2026, 12, 29, 11)}
    assert FORM.validate(at_leicester, ctx_for(make_ctx, elsewhere)) == []
    problems = FORM.validate(BOOKED, ctx_for(make_ctx, elsewhere))
    assert "cjit.not_expected" in [p.code for p in problems]


def test_an_appointment_without_identification_is_warned_about(make_ctx):
    answers = {**BOOKED, "volunteered": None, "previous_drug_misuse": True}
    problems = FORM.validate(answers, ctx_for(make_ctx))
    assert [(p.field, p.code) for p in problems] == [("appointment_at", "annex_e.not_identified")]
    ok, problems = FORM.issuable(answers, ctx_for(make_ctx))
    assert not ok and "annex_e.not_identified" in [p.code for p in problems if p.is_error]


def test_an_appointment_needs_a_place_and_a_cjit(make_ctx):
    answers = {"volunteered": True, "appointment_at": local(2026, 12, 29, 10)}
    assert {p.field for p in FORM.validate(answers, ctx_for(make_ctx)) if p.is_error} == {
        "place",
        "assessing_cjit",
    }


def test_annex_e_after_a_positive_test_is_warned_about(make_ctx):
    dt1 = {"test_outcome": "completed", "results": {"opiates": "positive", "cocaine": "negative"}}
    problems = FORM.validate({"volunteered": True}, make_ctx({"dt1": dt1}))
    assert [p.severity for p in problems] == ["warning"]


def test_the_annex_e_wording_carries_no_legal_sanction(reference):
    text = " ".join(str(v) for v in reference.wording("annex_e").values())
    assert "prosecution" not in text and "offence" not in text
