"""One appointment per assessment, entered once: the RA1 (or RA4), then each RA2."""

from datetime import date

from app.forms.appointments import (
    appointment_history,
    current_appointment,
    dt1_statement,
    initial_assessment_began,
)

from .conftest import ADULT_EPISODE, POSITIVE_DT1, issued, local

AOT = "AOT, 24-30 Castle Gate, Nottingham NG1 7AT"
RA1 = {
    "requirement_made": True,
    "appointment_at": local(2026, 12, 24, 15),
    "assessing_cjit": "nottingham",
    "place": "Custody suite, the Bridewell",
}
RA1_ISSUED = issued("ra1", "RA1-0001", local(2026, 12, 24, 11), **RA1)
RA2_ISSUED = issued(
    "ra2",
    "RA2-0001",
    local(2026, 12, 24, 12),
    varies_kind="ra1",
    varies_notice="RA1-0001",
    new_appointment_at=local(2026, 12, 29, 10),
    new_place=AOT,
)


def ctx(make_ctx, notices=(), **forms):
    return make_ctx(
        {"custody_episode": ADULT_EPISODE, "dt1": POSITIVE_DT1, **forms}, notices=notices
    )


def test_before_the_ra1_is_issued_its_draft_is_the_appointment_being_arranged(make_ctx):
    current = current_appointment(ctx(make_ctx, ra1=RA1))
    assert (current.at, current.issued, current.notice) == (RA1["appointment_at"], False, None)
    assert current_appointment(ctx(make_ctx, ra1={**RA1, "requirement_made": False})) is None


def test_an_issued_variation_is_the_current_appointment(make_ctx):
    c = ctx(make_ctx, notices=(RA1_ISSUED, RA2_ISSUED), ra1=RA1)
    current = current_appointment(c)
    assert (current.at, current.place, current.cjit) == (local(2026, 12, 29, 10), AOT, "nottingham")
    assert (current.set_by, current.notice, current.issued) == ("ra2", "RA2-0001", True)
    assert [a.notice for a in appointment_history(c)] == ["RA1-0001", "RA2-0001"]


def test_a_draft_variation_does_not_move_the_appointment(make_ctx):
    draft = {"varies_kind": "ra1", "new_appointment_at": local(2026, 12, 29, 11)}
    current = current_appointment(ctx(make_ctx, notices=(RA1_ISSUED,), ra1=RA1, ra2=draft))
    assert current.at == RA1["appointment_at"]


def test_the_dt1_states_the_current_appointment_and_the_attendance_once_known(make_ctx):
    attended = {"appointment_at": local(2026, 12, 29, 10), "outcome": "failed_to_attend"}
    c = ctx(make_ctx, notices=(RA1_ISSUED, RA2_ISSUED), ra3=attended)
    statement = dt1_statement(c)
    assert statement["status"] == "booked"
    assert statement["appointment"]["at"] == local(2026, 12, 29, 10).isoformat()
    assert statement["appointment"]["place"] == AOT
    assert statement["attendance"] == "failed_to_attend"
    assert initial_assessment_began(c) == local(2026, 12, 29, 10)


def test_the_dt1_states_why_there_is_no_appointment(make_ctx):
    not_made = issued(
        "ra1",
        "RA1-0002",
        local(2026, 12, 24, 11),
        requirement_made=False,
        not_made_inspector_name="Insp. Lee",
        not_made_inspector_rank="inspector",
        not_made_reasons="In hospital.",
    )
    statement = dt1_statement(ctx(make_ctx, notices=(not_made,)))
    assert statement["status"] == "not_made"
    assert statement["not_made"]["inspector"] == "Insp. Lee"
    young = make_ctx(
        {
            "custody_episode": {**ADULT_EPISODE, "date_of_birth": date(2010, 1, 1)},
            "dt1": POSITIVE_DT1,
        }
    )
    assert dt1_statement(young) == {"status": "not_applicable", "under_18": True}
    negative = {**POSITIVE_DT1, "results": {"opiates": "negative", "cocaine": "negative"}}
    assert dt1_statement(ctx(make_ctx, dt1=negative))["status"] == "not_applicable"
    assert dt1_statement(ctx(make_ctx))["status"] == "not_arranged"
