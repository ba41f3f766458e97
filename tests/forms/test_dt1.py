from datetime import date

from app.forms import FORMS

from .conftest import ADULT_EPISODE, issued, local

FORM = FORMS["dt1"]
POSITIVE = {
    "test_outcome": "completed",
    "tested_at": local(2026, 12, 24, 10),
    "tested_by": "DO Smith 1234",
    "results": {"opiates": "positive", "cocaine": "negative"},
    "disputed": False,
    "authority": "trigger_offence",
}


def ctx_for(make_ctx, **episode):
    return make_ctx({"custody_episode": ADULT_EPISODE, **episode})


def test_a_complete_positive_dt1_has_no_problems_and_leads_to_ra1(make_ctx):
    ctx = ctx_for(make_ctx)
    assert FORM.validate(POSITIVE, ctx) == []
    decision = FORM.decide(POSITIVE, ctx)
    assert decision.outcome == "positive" and "RA1" in decision.reasons[0]


def test_the_dt1_has_no_typed_assessment_time_of_its_own():
    assert "ra_at" not in {f.key for f in FORM.fields}


def test_no_negative_decision_before_every_result_is_entered(make_ctx):
    for results in (None, {}, {"opiates": "negative"}):
        answers = {**POSITIVE, "results": results}
        assert FORM.decide(answers, ctx_for(make_ctx)).outcome == "incomplete"
    done = {**POSITIVE, "results": {"opiates": "negative", "cocaine": "negative"}}
    assert FORM.decide(done, ctx_for(make_ctx)).outcome == "negative"


RA1_MADE = issued(
    "ra1",
    "RA1-0001",
    local(2026, 12, 24, 11),
    requirement_made=True,
    appointment_at=local(2026, 12, 24, 15),
    place="Custody suite, the Bridewell",
    assessing_cjit="nottingham",
)


def test_a_positive_dt1_is_printed_for_court_once_the_ra1_is_issued(make_ctx):
    ok, problems = FORM.issuable(POSITIVE, ctx_for(make_ctx))
    assert not ok and [p.code for p in problems] == ["dt1.ra1_not_issued"]
    ctx = make_ctx({"custody_episode": ADULT_EPISODE}, notices=(RA1_MADE,))
    assert FORM.issuable(POSITIVE, ctx) == (True, [])


def test_a_dt1_is_printable_when_the_requirement_is_not_made(make_ctx):
    not_made = issued(
        "ra1",
        "RA1-0002",
        local(2026, 12, 24, 11),
        requirement_made=False,
        not_made_inspector_name="Insp. Lee",
        not_made_inspector_rank="inspector",
        not_made_reasons="Taken to hospital.",
    )
    ctx = make_ctx({"custody_episode": ADULT_EPISODE}, notices=(not_made,))
    assert FORM.issuable(POSITIVE, ctx) == (True, [])


def test_a_dt1_of_an_under_18_needs_no_assessment_to_be_printed(make_ctx):
    young = {**ADULT_EPISODE, "date_of_birth": date(2009, 6, 1)}
    ok, problems = FORM.issuable(POSITIVE, make_ctx({"custody_episode": young}))
    assert ok and [p.code for p in problems] == ["age.under_18"]
    assert (
        "does not apply" in FORM.decide(POSITIVE, make_ctx({"custody_episode": young})).reasons[0]
    )


def test_a_negative_or_refused_dt1_is_printable(make_ctx):
    negative = {**POSITIVE, "results": {"opiates": "negative", "cocaine": "negative"}}
    del negative["disputed"]
    assert FORM.issuable(negative, ctx_for(make_ctx)) == (True, [])


def test_a_dt1_for_a_person_with_no_name_is_not_printed(make_ctx):
    nameless = {**ADULT_EPISODE, "family_name": None}
    negative = {**POSITIVE, "results": {"opiates": "negative", "cocaine": "negative"}}
    del negative["disputed"]
    ok, problems = FORM.issuable(negative, make_ctx({"custody_episode": nameless}))
    assert not ok and [p.field for p in problems] == ["custody_episode.family_name"]


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
