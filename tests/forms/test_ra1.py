"""RA1: what the rules refuse and why (004 IE1; 000 §2.3). Thursday 24 December 2026: the
25th is Christmas Day, the 26th (Saturday) Boxing Day, Monday the 28th its substitute."""

from dataclasses import replace
from datetime import date

from app.forms import FORMS

from .conftest import ADULT_EPISODE, POSITIVE_DT1, local

FORM = FORMS["ra1"]
DT1 = POSITIVE_DT1
AOT = "Adult Offender Building\n24-30 Castle Gate\nNottingham\nNG1 7AT"
MADE = {
    "requirement_made": True,
    "appointment_at": local(2026, 12, 29, 10),
    "assessing_cjit": "nottingham",
    "place": AOT,
    "follow_up_required_if_assessor_requires": True,
    "copies": ["detainee", "custody_record", "cjit"],
    "given_by": "PS Brown 4321",
    "given_at": local(2026, 12, 24, 11),
}


def ctx_for(make_ctx, episode=ADULT_EPISODE, dt1=DT1, **kw):
    forms = {"custody_episode": episode}
    if dt1 is not None:
        forms["dt1"] = dt1
    return make_ctx(forms, **kw)


def codes(problems):
    return [(p.field, p.severity, p.code) for p in problems]


def test_a_complete_ra1_in_its_window_is_issuable(make_ctx):
    ok, problems = FORM.issuable(MADE, ctx_for(make_ctx))
    assert ok and problems == []


def test_an_ra1_for_a_person_with_no_name_is_refused_naming_the_field_and_the_fix(make_ctx):
    nameless = {**ADULT_EPISODE, "family_name": "", "given_names": None}
    ok, problems = FORM.issuable(MADE, ctx_for(make_ctx, episode=nameless))
    assert not ok
    assert [p.field for p in problems] == [
        "custody_episode.family_name",
        "custody_episode.given_names",
    ]
    assert {p.code for p in problems} == {"identity.missing"}
    assert problems[0].message == (
        "The person's family name is not recorded, so the RA1 would not name them: fill it "
        "in on the Episode page (Person)."
    )


def test_an_ra1_without_a_date_of_birth_is_refused(make_ctx):
    episode = {k: v for k, v in ADULT_EPISODE.items() if k != "date_of_birth"}
    ok, problems = FORM.issuable(MADE, ctx_for(make_ctx, episode=episode))
    assert not ok and [p.field for p in problems] == ["custody_episode.date_of_birth"]


def test_an_ra1_with_no_drug_test_recorded_at_all_is_refused(make_ctx):
    ok, problems = FORM.issuable(MADE, ctx_for(make_ctx, dt1=None))
    assert not ok
    assert ("requirement_made", "error", "ra1.no_positive_test") in codes(problems)
    assert "complete the DT1" in problems[0].message


def test_an_ra1_needs_a_positive_test_not_a_negative_one(make_ctx):
    negative = {**DT1, "results": {"opiates": "negative", "cocaine": "negative"}}
    problems = FORM.validate(MADE, ctx_for(make_ctx, dt1=negative))
    assert [p.code for p in problems] == ["ra1.no_positive_test"]


def test_a_refused_test_with_a_stale_positive_result_is_not_a_positive_test(make_ctx):
    refused = {**DT1, "test_outcome": "refused"}
    problems = FORM.validate(MADE, ctx_for(make_ctx, dt1=refused))
    assert [p.code for p in problems] == ["ra1.no_positive_test"]


def test_an_ra1_is_not_for_under_18s(make_ctx):
    episode = {**ADULT_EPISODE, "date_of_birth": date(2009, 6, 1)}
    problems = FORM.validate(MADE, ctx_for(make_ctx, episode=episode))
    assert [p.code for p in problems] == ["ra1.under_18"]


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
    assert codes(problems) == [
        ("appointment_at", "error", "window.outside"),
        ("out_of_window_reason", "error", "reason.needed"),
    ]
    ok, problems = FORM.issuable(
        {**late, "out_of_window_reason": "AOT closed for training."}, ctx_for(make_ctx)
    )
    assert ok and codes(problems) == [("appointment_at", "warning", "window.outside.overridden")]


def test_a_reason_that_no_longer_applies_is_reported_so_it_is_not_printed(make_ctx):
    answers = {**MADE, "out_of_window_reason": "Was outside the window before the change."}
    ok, problems = FORM.issuable(answers, ctx_for(make_ctx))
    assert ok and codes(problems) == [("out_of_window_reason", "warning", "reason.not_needed")]


def test_policy_can_forbid_overriding_the_window(make_ctx, reference):
    strict = replace(reference.policy(), window_override_allowed=False)
    late = {**MADE, "appointment_at": local(2026, 12, 31, 10), "out_of_window_reason": "x"}
    ok, problems = FORM.issuable(late, ctx_for(make_ctx, policy=strict))
    assert not ok and "reason.not_allowed" in [p.code for p in problems]


def test_an_ra1_at_three_in_the_morning_is_refused(make_ctx):
    answers = {**MADE, "appointment_at": local(2026, 12, 29, 3)}
    ok, problems = FORM.issuable(answers, ctx_for(make_ctx))
    assert not ok
    assert codes(problems) == [("appointment_at", "error", "hours.closed_time")]
    assert problems[0].message == (
        "The appointment is at 03:00, when Nottingham City CJIT's office (the AOT) is closed "
        "(open Monday to Friday 09:00-17:00): choose a time within those hours."
    )


def test_a_bank_holiday_is_named_as_such_and_no_reason_makes_a_closed_office_open(make_ctx):
    answers = {
        **MADE,
        "appointment_at": local(2026, 12, 28, 10),
        "out_of_window_reason": "The person asked for Monday.",
    }
    ok, problems = FORM.issuable(answers, ctx_for(make_ctx))
    assert not ok
    assert problems[0].code == "hours.bank_holiday"
    assert problems[0].message == (
        "Monday 28 December 2026 (a bank holiday: Boxing Day (observed)): Nottingham "
        "City CJIT's office (the AOT) is closed on bank holidays. Choose another day."
    )


def test_in_duty_hours_the_custody_suite_is_open_on_christmas_day(make_ctx):
    answers = {
        **MADE,
        "appointment_at": local(2026, 12, 25, 11),
        "place": "Custody suite, the Bridewell, Nottingham",
    }
    ok, problems = FORM.issuable(answers, ctx_for(make_ctx))
    assert ok and problems == []


def test_the_custody_suite_is_staffed_only_in_duty_hours(make_ctx):
    answers = {
        **MADE,
        "appointment_at": local(2026, 12, 24, 21),
        "given_at": local(2026, 12, 24, 11),
        "place": "Bridewell custody suite",
    }
    problems = FORM.validate(answers, ctx_for(make_ctx))
    assert [p.code for p in problems] == ["hours.closed_time"]
    assert "on duty 08:00-20:00" in problems[0].message


def test_after_an_out_of_hours_test_the_assessment_is_at_the_aot(make_ctx):
    dt1 = {**DT1, "tested_at": local(2026, 12, 22, 22)}  # Tuesday 22:00: out of hours
    answers = {
        **MADE,
        "given_at": local(2026, 12, 22, 23),
        "appointment_at": local(2026, 12, 31, 10),
        "place": "Custody suite, the Bridewell",
    }
    problems = FORM.validate(answers, ctx_for(make_ctx, dt1=dt1))
    assert codes(problems) == [
        ("place", "error", "venue.office_required"),
        ("out_of_window_reason", "error", "reason.needed"),
    ]
    assert "Nottingham City CJIT's office (the AOT) (000 §2.3)" in problems[0].message
    assert FORM.validate({**answers, "place": AOT}, ctx_for(make_ctx, dt1=dt1)) == []


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
    on_the_day = {**MADE, "appointment_at": local(2027, 1, 12, 10)}
    assert FORM.validate(on_the_day, ctx_for(make_ctx, dt1=dt1)) == []


def test_the_window_message_follows_the_policy_numbers(make_ctx, reference):
    two_days = replace(reference.policy(), in_hours_latest_working_days=2)
    late = {**MADE, "appointment_at": local(2026, 12, 31, 10)}
    problems = FORM.validate(late, ctx_for(make_ctx, policy=two_days))
    assert "latest allowed day is Wednesday 30 December 2026" in problems[0].message
    assert "up to the 2nd working day after" in problems[0].message
    assert "next working day" not in problems[0].message


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


def test_a_requirement_not_made_needs_the_inspector_and_reasons(make_ctx):
    problems = FORM.validate({"requirement_made": False}, ctx_for(make_ctx))
    assert {p.field for p in problems} == {
        "not_made_inspector_name",
        "not_made_inspector_rank",
        "not_made_reasons",
    }
    not_made = {
        "requirement_made": False,
        "not_made_inspector_name": "Insp. Lee",
        "not_made_inspector_rank": "inspector",
        "not_made_reasons": "Transferred to hospital.",
    }
    assert FORM.validate(not_made, ctx_for(make_ctx)) == []
    nameless = {**ADULT_EPISODE, "family_name": ""}
    assert [p.code for p in FORM.validate(not_made, ctx_for(make_ctx, episode=nameless))] == [
        "identity.missing"
    ]


def test_someone_living_elsewhere_is_assessed_by_their_cjit_within_48_hours(make_ctx):
    episode = {**ADULT_EPISODE, "resident_in_area": False, "cjit_of_residence": "derby"}
    at_derby = {**MADE, "assessing_cjit": "derby", "place": "3 Friar Gate, Derby DE1 1BU"}
    assert FORM.validate(at_derby, ctx_for(make_ctx, episode=episode)) == []
    at_nottingham = FORM.validate(MADE, ctx_for(make_ctx, episode=episode))
    assert ("assessing_cjit", "warning", "cjit.not_expected") in codes(at_nottingham)


def test_an_appointment_on_a_day_the_other_cjit_is_closed_is_refused(make_ctx):
    episode = {**ADULT_EPISODE, "resident_in_area": False, "cjit_of_residence": "derby"}
    answers = {
        **MADE,
        "assessing_cjit": "derby",
        "place": "3 Friar Gate, Derby DE1 1BU",
        "appointment_at": local(2026, 12, 26, 10),
    }
    problems = FORM.validate(answers, ctx_for(make_ctx, episode=episode))
    assert [p.code for p in problems] == ["hours.bank_holiday"]
    assert "Saturday 26 December 2026 (a bank holiday: Boxing Day)" in problems[0].message


def test_without_a_test_time_the_window_cannot_be_checked_and_says_so(make_ctx):
    dt1 = {k: v for k, v in DT1.items() if k != "tested_at"}
    problems = FORM.validate(MADE, ctx_for(make_ctx, dt1=dt1))
    assert codes(problems) == [("appointment_at", "error", "window.unknown")]
