from app.forms import FORMS

from .conftest import ADULT_EPISODE, local

FORM = FORMS["dt1"]
POSITIVE = {
    "test_outcome": "completed",
    "tested_at": local(2026, 12, 24, 10),
    "tested_by": "DO Smith 1234",
    "results": {"opiates": "positive", "cocaine": "negative"},
    "disputed": False,
    "authority": "trigger_offence",
    "ra_at": local(2026, 12, 24, 14),
}


def ctx_for(make_ctx, **episode):
    return make_ctx({"custody_episode": ADULT_EPISODE, **episode})


def test_a_complete_positive_dt1_has_no_problems_and_leads_to_ra1(make_ctx):
    ctx = ctx_for(make_ctx)
    assert FORM.validate(POSITIVE, ctx) == []
    decision = FORM.decide(POSITIVE, ctx)
    assert decision.outcome == "positive" and "RA1" in decision.reasons[0]


def test_a_positive_result_needs_the_date_and_time_of_the_required_assessment(make_ctx):
    answers = {**POSITIVE, "ra_at": None}
    assert [p.field for p in FORM.validate(answers, ctx_for(make_ctx))] == ["ra_at"]


def test_every_tested_substance_needs_a_result(make_ctx):
    problems = FORM.validate({**POSITIVE, "results": {"opiates": "positive"}}, ctx_for(make_ctx))
    assert [p.field for p in problems] == ["results"]
    assert "cocaine" in problems[0].message


def test_an_unknown_substance_or_result_is_an_error(make_ctx):
    problems = FORM.validate(
        {**POSITIVE, "results": {"opiates": "maybe", "cocaine": "negative"}}, ctx_for(make_ctx)
    )
    assert any(p.field == "results" for p in problems)


def test_a_negative_test_points_to_annex_e(make_ctx):
    answers = {
        **POSITIVE,
        "results": {"opiates": "negative", "cocaine": "negative"},
        "ra_at": None,
        "disputed": None,
    }
    assert FORM.validate(answers, ctx_for(make_ctx)) == []
    assert "Annex E" in FORM.decide(answers, ctx_for(make_ctx)).reasons[0]


def test_a_test_before_arrival_or_in_the_future_is_an_error(make_ctx):
    early = FORM.validate({**POSITIVE, "tested_at": local(2026, 12, 24, 9)}, ctx_for(make_ctx))
    future = FORM.validate(
        {**POSITIVE, "tested_at": local(2026, 12, 25, 9), "ra_at": local(2026, 12, 29, 9)},
        ctx_for(make_ctx),
    )
    assert [p.field for p in early] == ["tested_at"]
    assert [p.field for p in future] == ["tested_at"]


def test_trigger_offence_authority_needs_a_trigger_offence(make_ctx):
    episode = {**ADULT_EPISODE, "arrest_offences": [], "arrest_offence_other": "Affray"}
    problems = FORM.validate(POSITIVE, make_ctx({"custody_episode": episode}))
    assert [p.field for p in problems] == ["authority"]


def test_an_inspectors_authority_needs_the_inspectors_details_given_before_the_test(make_ctx):
    answers = {**POSITIVE, "authority": "inspector"}
    missing = {p.field for p in FORM.validate(answers, ctx_for(make_ctx))}
    assert missing == {
        "inspector_name",
        "inspector_rank",
        "inspector_authorised_at",
        "inspector_grounds",
    }
    late = {
        **answers,
        "inspector_name": "Insp. Khan",
        "inspector_rank": "chief_inspector",
        "inspector_authorised_at": local(2026, 12, 24, 11),
        "inspector_grounds": "Needle marks.",
    }
    assert [p.field for p in FORM.validate(late, ctx_for(make_ctx))] == ["inspector_authorised_at"]


def test_other_substance_needs_a_description(make_ctx):
    problems = FORM.validate({**POSITIVE, "other_substances": ["other"]}, ctx_for(make_ctx))
    assert [p.field for p in problems] == ["other_substances_detail"]


def test_the_dt1_warns_when_the_ra1_gives_another_appointment_time(make_ctx):
    ctx = ctx_for(
        make_ctx, ra1={"requirement_made": True, "appointment_at": local(2026, 12, 24, 15)}
    )
    problems = FORM.validate(POSITIVE, ctx)
    assert [(p.field, p.severity) for p in problems] == [("ra_at", "warning")]


def test_a_disputed_result_is_asked_only_when_a_result_is_positive():
    field = FORM.field("disputed")
    assert field.is_required(POSITIVE)
    assert not field.is_required(
        {**POSITIVE, "results": {"opiates": "negative", "cocaine": "negative"}}
    )


def test_a_refusal_is_recorded_without_results(make_ctx):
    answers = {
        "test_outcome": "refused",
        "tested_at": local(2026, 12, 24, 10),
        "tested_by": "DO Smith",
        "authority": "trigger_offence",
    }
    assert FORM.validate(answers, ctx_for(make_ctx)) == []
    assert FORM.decide(answers, ctx_for(make_ctx)).outcome == "refused"
