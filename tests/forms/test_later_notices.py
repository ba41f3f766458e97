"""RA2 (variation), RA3 (attendance at each assessment), RA4 (follow-up) and RA5 (follow-up
ended), after a positive test on Tuesday 22 December 2026 at 10:00."""

from app.forms import FORMS

from .conftest import ADULT_EPISODE, issued, local

AOT = "AOT, 24-30 Castle Gate, Nottingham NG1 7AT"
DT1 = {
    "test_outcome": "completed",
    "tested_at": local(2026, 12, 22, 10),
    "results": {"opiates": "positive", "cocaine": "positive"},
    "disputed": False,
}
RA1 = {
    "requirement_made": True,
    "appointment_at": local(2026, 12, 23, 14),
    "assessing_cjit": "nottingham",
    "place": AOT,
}
RA1_ISSUED = issued("ra1", "RA1-0001", local(2026, 12, 22, 10, 40), **RA1)
RA2 = {
    "varies_kind": "ra1",
    "varies_notice": "RA1-0001",
    "varied_by": "cjit",
    "reason": "Worker ill.",
    "new_appointment_at": local(2026, 12, 23, 15),
    "new_place": AOT,
    "copies": ["detainee", "cjit"],
    "given_by": "J Worker",
    "given_at": local(2026, 12, 22, 15),
}
RA4 = {
    "initial_assessment_at": local(2026, 12, 23, 14),
    "appointment_at": local(2026, 12, 30, 10),
    "assessing_cjit": "nottingham",
    "place": AOT,
    "copies": ["detainee", "cjit"],
    "given_by": "J Worker",
    "given_at": local(2026, 12, 23, 14, 45),
}
ATTENDED = {
    "appointment_at": local(2026, 12, 23, 14),
    "outcome": "attended_and_remained",
    "recorded_by": "J Worker",
    "recorded_at": local(2026, 12, 23, 15),
}


def ctx_for(make_ctx, notices=(RA1_ISSUED,), **forms):
    return make_ctx(
        {"custody_episode": ADULT_EPISODE, "dt1": DT1, "ra1": RA1, **forms}, notices=notices
    )


def codes(problems):
    return [p.code for p in problems]


# -- RA2 ------------------------------------------------------------------------------------


def test_a_cjit_variation_goes_to_the_person_and_the_cjit_keeps_a_copy(make_ctx):
    assert FORMS["ra2"].validate(RA2, ctx_for(make_ctx)) == []
    problems = FORMS["ra2"].validate({**RA2, "copies": ["detainee"]}, ctx_for(make_ctx))
    assert codes(problems) == ["copies.missing"]


def test_a_police_variation_is_copied_to_the_cjit_and_the_custody_record(make_ctx):
    problems = FORMS["ra2"].validate({**RA2, "varied_by": "police"}, ctx_for(make_ctx))
    assert [p.field for p in problems] == ["copies"]
    assert "custody record" in problems[0].message


def test_a_variation_must_name_a_notice_issued_in_this_episode(make_ctx):
    problems = FORMS["ra2"].validate({**RA2, "varies_notice": "RA1-9999"}, ctx_for(make_ctx))
    assert codes(problems) == ["ra2.unknown_notice"]
    assert "No RA1 numbered RA1-9999 was issued in this episode" in problems[0].message


def test_a_variation_that_changes_nothing_is_refused(make_ctx):
    same = {**RA2, "new_appointment_at": RA1["appointment_at"]}
    assert "ra2.no_change" in codes(FORMS["ra2"].validate(same, ctx_for(make_ctx)))


def test_a_variation_outside_the_initial_window_needs_a_reason(make_ctx):
    late = {**RA2, "new_appointment_at": local(2026, 12, 30, 14)}
    problems = FORMS["ra2"].validate(late, ctx_for(make_ctx))
    assert codes(problems) == ["window.outside", "reason.needed"]


def test_a_variation_is_checked_against_the_hours_like_the_notice_it_varies(make_ctx):
    at_night = {**RA2, "new_appointment_at": local(2026, 12, 23, 3)}
    assert codes(FORMS["ra2"].validate(at_night, ctx_for(make_ctx))) == ["hours.closed_time"]


def test_a_variation_of_the_follow_up_is_checked_against_the_follow_up_deadline(make_ctx):
    ra4 = issued("ra4", "RA4-0001", local(2026, 12, 23, 14, 50), **RA4)
    answers = {
        **RA2,
        "varies_kind": "ra4",
        "varies_notice": "RA4-0001",
        "new_appointment_at": local(2027, 1, 5, 10),
    }
    problems = FORMS["ra2"].validate(answers, ctx_for(make_ctx, notices=(RA1_ISSUED, ra4)))
    assert "latest allowed day is Monday 4 January 2027" in problems[0].message


def test_the_new_appointment_must_follow_the_notice(make_ctx):
    answers = {**RA2, "new_appointment_at": local(2026, 12, 22, 14)}
    problems = FORMS["ra2"].validate(answers, ctx_for(make_ctx))
    assert any(
        p.field == "new_appointment_at" and "after the notice" in p.message for p in problems
    )


def test_the_variation_prefills_what_it_varies_and_the_current_place(make_ctx):
    from app.forms.prefill import prefills

    found = prefills(FORMS["ra2"], ctx_for(make_ctx))
    assert {k: p.value for k, p in found.items()} == {
        "varies_kind": "ra1",
        "varies_notice": "RA1-0001",
        "new_place": AOT,
    }
    assert FORMS["ra2"].defaults(ctx_for(make_ctx))["copies"] == [
        "detainee",
        "custody_record",
        "cjit",
    ]


# -- RA3 ------------------------------------------------------------------------------------


def test_a_failure_to_attend_is_flagged_for_reporting_to_the_police(make_ctx):
    answers = {**ATTENDED, "outcome": "failed_to_attend"}
    problems = FORMS["ra3"].validate(answers, ctx_for(make_ctx))
    assert [(p.field, p.code) for p in problems] == [("reported_to_police_at", "ra3.not_reported")]
    decision = FORMS["ra3"].decide(answers, ctx_for(make_ctx))
    assert decision.outcome == "report_to_police" and "Not yet reported." in decision.reasons
    reported = {**answers, "reported_to_police_at": local(2026, 12, 23, 16)}
    assert FORMS["ra3"].validate(reported, ctx_for(make_ctx)) == []


def test_each_assessment_has_its_own_attendance_record(make_ctx):
    initial, follow_up = FORMS["ra3"], FORMS["ra3_follow_up"]
    assert "initial assessment" in initial.title and "follow-up" in follow_up.title
    assert initial.field("appointment_at").prefill == "appointment:initial.at"
    assert follow_up.field("appointment_at").prefill == "appointment:follow_up.at"
    assert FORMS["ra3_follow_up"].decide(ATTENDED, ctx_for(make_ctx)).outcome == "complied"


# -- RA4 ------------------------------------------------------------------------------------


def test_a_complete_follow_up_notice_within_five_working_days_is_issuable(make_ctx):
    ok, problems = FORMS["ra4"].issuable(RA4, ctx_for(make_ctx))
    assert ok and problems == []


def test_a_follow_up_needs_the_ra1_that_made_the_requirement(make_ctx):
    problems = FORMS["ra4"].validate(RA4, ctx_for(make_ctx, notices=()))
    assert codes(problems) == ["ra4.no_ra1"]


def test_a_follow_up_after_the_fifth_working_day_needs_a_reason(make_ctx):
    # Initial assessment Wednesday 23 December 2026: the 5th working day is Monday 4 January.
    ok, _ = FORMS["ra4"].issuable(
        {**RA4, "appointment_at": local(2027, 1, 4, 10)}, ctx_for(make_ctx)
    )
    assert ok
    late = {**RA4, "appointment_at": local(2027, 1, 5, 10)}
    ok, problems = FORMS["ra4"].issuable(late, ctx_for(make_ctx))
    assert not ok
    assert problems[0].message.startswith(
        "The appointment is on Tuesday 5 January 2027; the latest allowed day is Monday 4 January 2027"
    )
    ok, _ = FORMS["ra4"].issuable(
        {**late, "out_of_window_reason": "Person in hospital."}, ctx_for(make_ctx)
    )
    assert ok


def test_the_follow_up_takes_place_at_the_aot(make_ctx):
    elsewhere = {**RA4, "place": "Custody suite, the Bridewell"}
    assert codes(FORMS["ra4"].validate(elsewhere, ctx_for(make_ctx))) == [
        "venue.office_required",
        "reason.needed",
    ]


def test_the_follow_up_notice_must_be_given_before_the_initial_assessment_ends(make_ctx):
    problems = FORMS["ra4"].validate({**RA4, "given_at": local(2026, 12, 24, 9)}, ctx_for(make_ctx))
    assert [p.field for p in problems] == ["given_at"]
    assert "s.13(7)" in problems[0].message


def test_the_follow_up_prefills_the_initial_assessment_from_the_current_appointment(make_ctx):
    from app.forms.prefill import prefills

    varied = issued("ra2", "RA2-0001", local(2026, 12, 22, 15), **RA2)
    found = prefills(FORMS["ra4"], ctx_for(make_ctx, notices=(RA1_ISSUED, varied)))
    assert found["initial_assessment_at"].value == local(2026, 12, 23, 15)
    assert FORMS["ra4"].defaults(ctx_for(make_ctx))["assessing_cjit"] == "nottingham"


def test_an_ended_follow_up_requirement_refuses_a_new_ra4(make_ctx):
    ra5 = issued("ra5", "RA5-0001", local(2026, 12, 23, 15), reason="on_drr")
    problems = FORMS["ra4"].validate(RA4, ctx_for(make_ctx, notices=(RA1_ISSUED, ra5)))
    assert codes(problems) == ["ra4.requirement_ended"]


# -- RA5 ------------------------------------------------------------------------------------

RA5 = {
    "reason": "no_further_intervention",
    "ended_at": local(2026, 12, 23, 14, 50),
    "ended_by": "J Worker",
}


def test_an_ra5_records_why_the_follow_up_ended(make_ctx):
    assert FORMS["ra5"].validate(RA5, ctx_for(make_ctx, ra3=ATTENDED)) == []


def test_no_further_intervention_cannot_be_decided_for_someone_who_did_not_attend(make_ctx):
    failed = {**ATTENDED, "outcome": "failed_to_attend"}
    problems = FORMS["ra5"].validate(RA5, ctx_for(make_ctx, ra3=failed))
    assert codes(problems) == ["ra5.did_not_attend"]
    assert "(004 IE2)" in problems[0].message and "RA4" in problems[0].message
    assert codes(FORMS["ra5"].validate(RA5, ctx_for(make_ctx))) == ["ra5.attendance_unknown"]


def test_a_drr_ends_the_follow_up_whatever_happened_at_the_initial_assessment(make_ctx):
    failed = {**ATTENDED, "outcome": "failed_to_attend"}
    assert FORMS["ra5"].validate({**RA5, "reason": "on_drr"}, ctx_for(make_ctx, ra3=failed)) == []


def test_an_ra5_is_dated_on_the_day_of_the_initial_assessment(make_ctx):
    later = {**RA5, "ended_at": local(2026, 12, 24, 10)}
    problems = FORMS["ra5"].validate(later, ctx_for(make_ctx, ra3=ATTENDED))
    assert codes(problems) == ["ra5.after_initial_assessment"]
    assert "Wednesday 23 December 2026" in problems[0].message
    future = {**RA5, "ended_at": local(2027, 1, 2, 12)}
    assert "time.future" in codes(FORMS["ra5"].validate(future, ctx_for(make_ctx, ra3=ATTENDED)))


def test_an_ra5_cannot_end_a_follow_up_an_ra4_already_requires(make_ctx):
    ra4 = issued("ra4", "RA4-0001", local(2026, 12, 23, 14, 50), **RA4)
    problems = FORMS["ra5"].validate(
        RA5, ctx_for(make_ctx, ra3=ATTENDED, notices=(RA1_ISSUED, ra4))
    )
    assert codes(problems) == ["ra5.follow_up_required"]
