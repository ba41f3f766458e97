from app.forms import FORMS

from .conftest import ADULT_EPISODE, local

FORM = FORMS["ra1"]
DT1 = {
    "test_outcome": "completed",
    "tested_at": local(2026, 12, 24, 10),
    "results": {"opiates": "positive", "cocaine": "negative"},
    "disputed": False,
}
MADE = {
    "requirement_made": True,
    "appointment_at": local(2026, 12, 29, 10),
    "assessing_cjit": "nottingham",
    "place": "Adult Offender Building\n24-30 Castle Gate\nNottingham\nNG1 7AT",
    "follow_up_required_if_assessor_requires": True,
    "copies": ["detainee", "custody_record", "cjit"],
    "given_by": "PS Brown 4321",
    "given_at": local(2026, 12, 24, 11),
}


def ctx_for(make_ctx, episode=ADULT_EPISODE, dt1=DT1):
    return make_ctx({"custody_episode": episode, "dt1": dt1})


def test_a_complete_ra1_in_its_window_is_issuable(make_ctx):
    ok, problems = FORM.issuable(MADE, ctx_for(make_ctx))
    assert ok and problems == []


def test_the_defaults_point_to_the_local_cjit_at_the_aot(make_ctx):
    defaults = FORM.defaults(ctx_for(make_ctx))
    assert defaults["assessing_cjit"] == "nottingham"
    assert "24-30 Castle Gate" in defaults["place"]
    assert defaults["copies"] == ["detainee", "custody_record", "cjit"]


def test_the_defaults_point_to_the_cjit_of_residence_for_someone_living_elsewhere(make_ctx):
    episode = {**ADULT_EPISODE, "resident_in_area": False, "cjit_of_residence": "derby"}
    defaults = FORM.defaults(ctx_for(make_ctx, episode=episode))
    assert defaults["assessing_cjit"] == "derby" and defaults["place"].endswith("DE1 1BU")


def test_an_appointment_after_the_window_blocks_issue_until_a_reason_is_recorded(make_ctx):
    late = {**MADE, "appointment_at": local(2026, 12, 31, 10)}
    ok, problems = FORM.issuable(late, ctx_for(make_ctx))
    assert not ok
    assert problems[0].message.startswith(
        "The appointment is on Thursday 31 December 2026; the latest allowed day is Tuesday 29 December 2026"
    )
    assert {p.field for p in problems} == {"appointment_at", "out_of_window_reason"}
    ok, problems = FORM.issuable(
        {**late, "out_of_window_reason": "AOT closed for training."}, ctx_for(make_ctx)
    )
    assert ok and [(p.field, p.severity) for p in problems] == [("appointment_at", "warning")]


def test_an_out_of_hours_appointment_too_soon_names_the_earliest_day(make_ctx):
    dt1 = {**DT1, "tested_at": local(2026, 12, 23, 21)}
    answers = {
        **MADE,
        "given_at": local(2026, 12, 23, 22),
        "appointment_at": local(2026, 12, 31, 10),
    }
    problems = FORM.validate(answers, ctx_for(make_ctx, dt1=dt1))
    assert "the earliest allowed day is Monday 4 January 2027" in problems[0].message


def test_a_disputed_result_moves_the_window_to_the_tenth_working_day(make_ctx):
    dt1 = {**DT1, "disputed": True}
    problems = FORM.validate(MADE, ctx_for(make_ctx, dt1=dt1))
    assert "Tuesday 12 January 2027" in problems[0].message


def test_an_appointment_before_the_test_is_an_error(make_ctx):
    answers = {
        **MADE,
        "given_at": local(2026, 12, 24, 9),
        "appointment_at": local(2026, 12, 24, 9, 30),
    }
    problems = FORM.validate(answers, ctx_for(make_ctx))
    assert any(p.field == "appointment_at" and "before the test" in p.message for p in problems)
    assert any(p.field == "given_at" and "before the test" in p.message for p in problems)


def test_the_notice_needs_all_three_copies(make_ctx):
    problems = FORM.validate({**MADE, "copies": ["detainee"]}, ctx_for(make_ctx))
    assert [p.field for p in problems] == ["copies"]
    assert "custody record and cjit copies" in problems[0].message


def test_the_follow_up_element_must_be_part_of_the_requirement(make_ctx):
    problems = FORM.validate(
        {**MADE, "follow_up_required_if_assessor_requires": False}, ctx_for(make_ctx)
    )
    assert [p.field for p in problems] == ["follow_up_required_if_assessor_requires"]


def test_an_ra1_needs_a_positive_test(make_ctx):
    negative = {**DT1, "results": {"opiates": "negative", "cocaine": "negative"}}
    problems = FORM.validate(MADE, ctx_for(make_ctx, dt1=negative))
    assert [p.field for p in problems] == ["requirement_made"]


def test_an_ra1_is_not_for_under_18s(make_ctx):
    from datetime import date

    episode = {**ADULT_EPISODE, "date_of_birth": date(2009, 6, 1)}
    problems = FORM.validate(MADE, ctx_for(make_ctx, episode=episode))
    assert [p.field for p in problems] == ["requirement_made"]


def test_a_requirement_not_made_needs_the_inspector_and_reasons(make_ctx):
    problems = FORM.validate({"requirement_made": False}, ctx_for(make_ctx))
    assert {p.field for p in problems} == {
        "not_made_inspector_name",
        "not_made_inspector_rank",
        "not_made_reasons",
    }
    assert (
        FORM.validate(
            {
                "requirement_made": False,
                "not_made_inspector_name": "Insp. Lee",
                "not_made_inspector_rank": "inspector",
                "not_made_reasons": "Transferred to hospital.",
            },
            ctx_for(make_ctx),
        )
        == []
    )


def test_someone_living_elsewhere_is_assessed_by_their_cjit_within_48_hours(make_ctx):
    episode = {**ADULT_EPISODE, "resident_in_area": False, "cjit_of_residence": "derby"}
    at_derby = {**MADE, "assessing_cjit": "derby", "place": "3 Friar Gate, Derby"}
    assert FORM.validate(at_derby, ctx_for(make_ctx, episode=episode)) == []
    at_nottingham = FORM.validate(MADE, ctx_for(make_ctx, episode=episode))
    assert [(p.field, p.severity) for p in at_nottingham] == [("assessing_cjit", "warning")]


def test_an_appointment_on_a_day_the_cjit_is_closed_is_warned_about(make_ctx):
    episode = {**ADULT_EPISODE, "resident_in_area": False, "cjit_of_residence": "derby"}
    answers = {
        **MADE,
        "assessing_cjit": "derby",
        "appointment_at": local(2026, 12, 28, 10),
        "out_of_window_reason": "Derby asked for it.",
    }
    problems = FORM.validate(answers, ctx_for(make_ctx, episode=episode))
    assert any("not usually open on Monday 28 December 2026" in p.message for p in problems)


def test_without_a_test_time_the_window_cannot_be_checked_and_says_so(make_ctx):
    problems = FORM.validate(MADE, make_ctx({"custody_episode": ADULT_EPISODE}))
    assert [(p.field, p.severity) for p in problems] == [("appointment_at", "warning")]
