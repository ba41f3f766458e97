"""RA2 (variation), RA3 (attendance), RA4 (follow-up) and RA5 (follow-up ended)."""

from app.forms import FORMS

from .conftest import ADULT_EPISODE, local

DT1 = {
    "test_outcome": "completed",
    "tested_at": local(2026, 12, 22, 10),
    "results": {"opiates": "positive", "cocaine": "positive"},
    "disputed": False,
}
RA2 = {
    "varies_kind": "ra1",
    "varies_notice": "RA1-0001",
    "varied_by": "cjit",
    "reason": "Worker ill.",
    "new_appointment_at": local(2026, 12, 23, 14),
    "new_place": "AOT, 24-30 Castle Gate",
    "copies": ["detainee"],
    "given_by": "J Worker",
    "given_at": local(2026, 12, 22, 15),
}
RA4 = {
    "initial_assessment_at": local(2026, 12, 22, 11),
    "appointment_at": local(2026, 12, 30, 10),
    "assessing_cjit": "nottingham",
    "place": "AOT, 24-30 Castle Gate",
    "copies": ["detainee", "cjit"],
    "given_by": "J Worker",
    "given_at": local(2026, 12, 22, 11, 45),
}


def ctx_for(make_ctx, **forms):
    return make_ctx({"custody_episode": ADULT_EPISODE, "dt1": DT1, **forms})


def test_a_cjit_variation_needs_only_the_detainee_copy(make_ctx):
    assert FORMS["ra2"].validate(RA2, ctx_for(make_ctx)) == []


def test_a_police_variation_is_copied_to_the_cjit_and_the_custody_record(make_ctx):
    problems = FORMS["ra2"].validate({**RA2, "varied_by": "police"}, ctx_for(make_ctx))
    assert [p.field for p in problems] == ["copies"]
    assert "custody record and cjit" in problems[0].message


def test_a_variation_outside_the_initial_window_needs_a_reason(make_ctx):
    late = {**RA2, "new_appointment_at": local(2026, 12, 30, 14)}
    problems = FORMS["ra2"].validate(late, ctx_for(make_ctx))
    assert {p.field for p in problems if p.is_error} == {
        "new_appointment_at",
        "out_of_window_reason",
    }


def test_a_variation_of_the_follow_up_is_checked_against_the_follow_up_deadline(make_ctx):
    answers = {**RA2, "varies_kind": "ra4", "new_appointment_at": local(2027, 1, 5, 10)}
    problems = FORMS["ra2"].validate(answers, ctx_for(make_ctx, ra4=RA4))
    assert "latest allowed day is Thursday 31 December 2026" in problems[0].message


def test_the_new_appointment_must_follow_the_notice(make_ctx):
    answers = {**RA2, "new_appointment_at": local(2026, 12, 22, 14)}
    problems = FORMS["ra2"].validate(answers, ctx_for(make_ctx))
    assert any(
        p.field == "new_appointment_at" and "after the notice" in p.message for p in problems
    )


def test_a_failure_to_attend_is_flagged_for_reporting_to_the_police(make_ctx):
    answers = {
        "assessment": "initial",
        "outcome": "failed_to_attend",
        "recorded_by": "J Worker",
        "recorded_at": local(2026, 12, 23, 15),
    }
    problems = FORMS["ra3"].validate(answers, ctx_for(make_ctx))
    assert [(p.field, p.severity) for p in problems] == [("reported_to_police_at", "warning")]
    decision = FORMS["ra3"].decide(answers, ctx_for(make_ctx))
    assert decision.outcome == "report_to_police" and "Not yet reported." in decision.reasons
    reported = {**answers, "reported_to_police_at": local(2026, 12, 23, 16)}
    assert FORMS["ra3"].validate(reported, ctx_for(make_ctx)) == []


def test_attending_and_remaining_needs_no_report(make_ctx):
    answers = {
        "assessment": "follow_up",
        "outcome": "attended_and_remained",
        "recorded_by": "J Worker",
        "recorded_at": local(2026, 12, 23, 15),
    }
    assert FORMS["ra3"].decide(answers, ctx_for(make_ctx)).outcome == "complied"
    assert FORMS["ra3"].validate(answers, ctx_for(make_ctx)) == []


def test_a_complete_follow_up_notice_within_five_working_days_is_issuable(make_ctx):
    ok, problems = FORMS["ra4"].issuable(RA4, ctx_for(make_ctx))
    assert ok and problems == []


def test_a_follow_up_after_the_fifth_working_day_needs_a_reason(make_ctx):
    # Initial assessment Tuesday 22 December 2026: 5th working day is Thursday 31 December.
    ok, _ = FORMS["ra4"].issuable(
        {**RA4, "appointment_at": local(2026, 12, 31, 10)}, ctx_for(make_ctx)
    )
    assert ok
    late = {**RA4, "appointment_at": local(2027, 1, 4, 10)}
    ok, problems = FORMS["ra4"].issuable(late, ctx_for(make_ctx))
    assert not ok
    assert problems[0].message.startswith(
        "The appointment is on Monday 4 January 2027; the latest allowed day is Thursday 31 December 2026"
    )
    ok, _ = FORMS["ra4"].issuable(
        {**late, "out_of_window_reason": "Person in hospital."}, ctx_for(make_ctx)
    )
    assert ok


def test_the_follow_up_notice_must_be_given_before_the_initial_assessment_ends(make_ctx):
    problems = FORMS["ra4"].validate({**RA4, "given_at": local(2026, 12, 23, 9)}, ctx_for(make_ctx))
    assert [p.field for p in problems] == ["given_at"]
    assert "s.13(7)" in problems[0].message


def test_the_follow_up_defaults_to_the_ra1_appointment_as_the_initial_assessment(make_ctx):
    ra1 = {"requirement_made": True, "appointment_at": local(2026, 12, 22, 11)}
    defaults = FORMS["ra4"].defaults(ctx_for(make_ctx, ra1=ra1))
    assert defaults["initial_assessment_at"] == local(2026, 12, 22, 11)
    assert defaults["assessing_cjit"] == "nottingham"


def test_an_ended_follow_up_requirement_warns_on_a_new_ra4(make_ctx):
    ra5 = {"reason": "on_drr", "ended_at": local(2026, 12, 22, 12), "ended_by": "J Worker"}
    problems = FORMS["ra4"].validate(RA4, ctx_for(make_ctx, ra5=ra5))
    assert [(p.field, p.severity) for p in problems] == [("appointment_at", "warning")]


def test_an_ra5_records_why_the_follow_up_ended(make_ctx):
    answers = {
        "reason": "already_on_caseload",
        "ended_at": local(2026, 12, 22, 12),
        "ended_by": "J Worker",
    }
    assert FORMS["ra5"].validate(answers, ctx_for(make_ctx)) == []
    future = {**answers, "ended_at": local(2027, 1, 2, 12)}
    assert [p.field for p in FORMS["ra5"].validate(future, ctx_for(make_ctx))] == ["ended_at"]
