"""The DT1 for court and the Annex E letter, printed through the services."""

from __future__ import annotations

from datetime import date

import pytest

from app.forms.registry import FORMS
from app.services import notices, printed_records
from tests.services.conftest import save
from tests.services.helpers import AOT, PERSON, POSITIVE, RA1, at, episode, issue, pdf_text


def _ra2(reference: str, when, **more):
    return {
        "varies_kind": "ra1",
        "varies_notice": reference,
        "varied_by": "cjit",
        "reason": "Worker ill.",
        "new_appointment_at": when,
        "new_place": AOT,
        "copies": ["detainee", "cjit"],
        "given_by": "A Worker",
        "given_at": at(24, 11),
        **more,
    }


def test_the_dt1_has_no_assessment_time_of_its_own_to_contradict_the_ra1():
    assert "ra_at" not in {f.key for f in FORMS["dt1"].fields}


def test_a_positive_dt1_waits_for_the_ra1_then_prints_its_appointment(workspace):
    episode_id = episode(workspace)
    with pytest.raises(notices.NotReadyToIssue, match="issue the RA1 first"):
        notices.issue_dt1_record(workspace, episode_id)
    ra1 = issue(workspace, episode_id, "ra1", **RA1)
    printed = notices.issue_dt1_record(workspace, episode_id)
    text = pdf_text(printed.pdf)
    assert f"(notice {ra1.reference})" in text
    assert "Date and time Tuesday 24 November 2026 at 15:00" in text
    assert "Place AOT, 24-30 Castle Gate, Nottingham NG1 7AT" in text
    assert "Attendance Not yet known" in text
    assert "Arrest offence(s) Theft (Theft Act 1968 s.1)" in text


def test_after_a_variation_the_dt1_prints_the_new_appointment_and_asks_first(workspace):
    episode_id = episode(workspace)
    ra1 = issue(workspace, episode_id, "ra1", **RA1)
    notices.issue_dt1_record(workspace, episode_id)
    assert printed_records.dt1_status(workspace, episode_id).changed is False
    ra2 = issue(workspace, episode_id, "ra2", **_ra2(ra1.reference, at(25, 10)))
    status = printed_records.dt1_status(workspace, episode_id)
    assert status.changed
    assert "it said Tuesday 24 November 2026 at 15:00" in status.message
    assert "it is now Wednesday 25 November 2026 at 10:00" in status.message
    with pytest.raises(notices.AppointmentChanged) as info:
        notices.issue_dt1_record(workspace, episode_id)
    assert str(info.value) == status.message
    printed = notices.issue_dt1_record(workspace, episode_id, confirm_changed=True)
    text = pdf_text(printed.pdf)
    assert f"(notice {ra2.reference})" in text
    assert "Wednesday 25 November 2026 at 10:00" in text
    assert "Tuesday 24 November 2026 at 15:00" not in text
    assert printed_records.dt1_status(workspace, episode_id).changed is False


def test_the_board_lists_a_dt1_printed_before_the_appointment_changed(workspace):
    from app.services import board

    episode_id = episode(workspace)
    ra1 = issue(workspace, episode_id, "ra1", **RA1)
    notices.issue_dt1_record(workspace, episode_id)
    workspace.clock = lambda: at(24, 11, 45)
    issue(workspace, episode_id, "ra2", **_ra2(ra1.reference, at(25, 10)))
    assert [w.kind for w in board.waiting(workspace) if w.kind == "dt1_reprint"] == ["dt1_reprint"]


def test_the_dt1_prints_when_the_requirement_is_not_made(workspace):
    episode_id = episode(workspace)
    issue(
        workspace,
        episode_id,
        "ra1",
        requirement_made=False,
        not_made_inspector_name="Insp. Lee",
        not_made_inspector_rank="chief_inspector",
        not_made_reasons="Taken to hospital before release.",
    )
    text = pdf_text(notices.issue_dt1_record(workspace, episode_id).pdf)
    assert "was not made, on an inspector's authority" in text
    assert "Authorised by Chief Inspector Insp. Lee" in text
    assert "Reasons Taken to hospital before release." in text


def test_the_dt1_of_an_under_18_prints_without_an_assessment(workspace):
    episode_id = episode(workspace, person={**PERSON, "date_of_birth": date(2009, 6, 1)})
    text = pdf_text(notices.issue_dt1_record(workspace, episode_id).pdf)
    assert "The person is under 18: the required assessment does not apply." in text


def test_a_negative_or_disputed_dt1_prints_right(workspace):
    negative = {**POSITIVE, "results": {"opiates": "negative", "cocaine": "negative"}}
    del negative["disputed"]
    text = pdf_text(notices.issue_dt1_record(workspace, episode(workspace, dt1=negative)).pdf)
    assert "No positive result: no required assessment." in text and "POSITIVE" not in text
    disputed_episode = episode(workspace, dt1={**POSITIVE, "disputed": True})
    workspace.clock = lambda: at(24, 11)
    issue(
        workspace,
        disputed_episode,
        "ra1",
        **{**RA1, "appointment_at": at(8, 10, month=12)},  # the 10th working day, at the AOT
    )
    text = pdf_text(notices.issue_dt1_record(workspace, disputed_episode).pdf)
    assert "DISPUTES the result" in text and "Tuesday 8 December 2026 at 10:00" in text


def test_the_dt1_names_the_inspectors_authority_for_a_non_trigger_offence(workspace):
    person = {**PERSON, "arrest_offences": [], "arrest_offence_other": "Assault by beating"}
    dt1 = {
        **POSITIVE,
        "results": {"opiates": "negative", "cocaine": "negative"},
        "authority": "inspector",
        "inspector_name": "Insp. Lee",
        "inspector_rank": "inspector",
        "inspector_authorised_at": at(24, 9, 50),
        "inspector_grounds": "Found with wraps.",
    }
    del dt1["disputed"]
    text = pdf_text(notices.issue_dt1_record(workspace, episode(workspace, person, dt1)).pdf)
    assert "Assault by beating (not a trigger offence)" in text
    assert "Inspector's authority: Inspector Insp. Lee" in text


def test_an_annex_e_letter_is_printed_within_its_window_and_says_there_is_no_sanction(workspace):
    negative = {**POSITIVE, "results": {"opiates": "negative", "cocaine": "negative"}}
    del negative["disputed"]
    episode_id = episode(workspace, dt1=negative)
    letter = {"volunteered": True, "assessing_cjit": "nottingham", "place": AOT}
    save(workspace, episode_id, "annex_e", **letter, appointment_at=at(25, 3))
    with pytest.raises(notices.NotReadyToIssue, match="at 03:00, when"):
        printed_records.print_record(workspace, episode_id, "annex_e")
    save(workspace, episode_id, "annex_e", **letter, appointment_at=at(25, 10))
    printed = printed_records.print_record(workspace, episode_id, "annex_e")
    assert printed.reference.startswith("AE-261124-")
    text = pdf_text(printed.pdf)
    assert "There is no legal penalty if you do not go." in text
    assert "Wednesday 25 November 2026 at 10:00" in text and "WARNING" not in text


def test_an_annex_e_appointment_on_christmas_day_at_three_is_refused(workspace):
    workspace.clock = lambda: at(24, 12, month=12)
    person = {**PERSON, "arrived_at": at(24, 9, month=12)}
    episode_id = episode(workspace, person=person, dt1=None)
    save(
        workspace,
        episode_id,
        "annex_e",
        volunteered=True,
        assessing_cjit="nottingham",
        place=AOT,
        appointment_at=at(25, 3, month=12),
        out_of_window_reason="Asked for it.",
    )
    with pytest.raises(notices.NotReadyToIssue, match=r"\(a bank holiday: Christmas Day\)"):
        printed_records.print_record(workspace, episode_id, "annex_e")
