"""Issue 12 through the services: what the sources rule out is refused with a message naming
the field and the fix, and nothing is written; what is issued is printed right."""

from __future__ import annotations

import sys

import pytest

from app.services import notices
from tests.services.conftest import save
from tests.services.helpers import AOT, PERSON, POSITIVE, RA1, at, counts, episode, issue, pdf_text


def test_an_ra1_for_a_person_with_no_name_is_refused_and_nothing_is_issued(workspace):
    episode_id = episode(workspace, person={**PERSON, "family_name": "", "given_names": ""})
    before = counts(workspace)
    with pytest.raises(notices.NotReadyToIssue) as info:
        issue(workspace, episode_id, "ra1", **RA1)
    message = str(info.value)
    assert message.startswith("The RA1 cannot be issued yet:")
    assert (
        "The person's family name is not recorded, so the RA1 would not name them: fill it in "
        "on the Episode page (Person)."
    ) in message
    assert "given name(s)" in message
    assert {k: v for k, v in counts(workspace).items() if k != "audit"} == {
        k: v for k, v in before.items() if k != "audit"
    }


def test_an_ra1_without_a_date_of_birth_is_refused(workspace):
    person = {k: v for k, v in PERSON.items() if k != "date_of_birth"}
    episode_id = episode(workspace, person=person)
    with pytest.raises(notices.NotReadyToIssue, match="date of birth is not recorded"):
        issue(workspace, episode_id, "ra1", **RA1)


def test_an_ra1_with_no_drug_test_recorded_is_refused(workspace):
    episode_id = episode(workspace, dt1=None)
    with pytest.raises(
        notices.NotReadyToIssue, match=r"An RA1 follows a positive test \(004 IE1\)"
    ):
        issue(workspace, episode_id, "ra1", **RA1)


def test_an_ra1_at_three_in_the_morning_is_refused(workspace):
    episode_id = episode(workspace)
    with pytest.raises(notices.NotReadyToIssue, match="The appointment is at 03:00, when"):
        issue(workspace, episode_id, "ra1", **{**RA1, "appointment_at": at(25, 3)})


def test_an_ra1_on_a_bank_holiday_is_refused_naming_the_holiday_whatever_the_reason(workspace):
    workspace.clock = lambda: at(24, 11, 30, month=12)
    dt1 = {**POSITIVE, "tested_at": at(24, 10, month=12)}
    episode_id = episode(workspace, person={**PERSON, "arrived_at": at(24, 9, month=12)}, dt1=dt1)
    answers = {
        **RA1,
        "given_at": at(24, 11, month=12),
        "appointment_at": at(28, 10, month=12),
        "out_of_window_reason": "The person asked for Monday.",
    }
    with pytest.raises(notices.NotReadyToIssue) as info:
        issue(workspace, episode_id, "ra1", **answers)
    assert "Monday 28 December 2026 (a bank holiday: Boxing Day (observed))" in str(info.value)
    assert "closed on bank holidays" in str(info.value)


def test_an_out_of_hours_test_is_assessed_at_the_aot_not_in_the_suite(workspace):
    workspace.clock = lambda: at(24, 23)
    dt1 = {**POSITIVE, "tested_at": at(24, 21)}
    episode_id = episode(workspace, dt1=dt1)
    answers = {
        **RA1,
        "given_at": at(24, 22),
        "appointment_at": at(2, 10, month=12),
        "place": "Custody suite, the Bridewell",
    }
    with pytest.raises(notices.NotReadyToIssue, match=r"AOT\) \(000 §2.3\)"):
        issue(workspace, episode_id, "ra1", **answers)


def test_a_reason_that_does_not_apply_is_not_printed(workspace):
    episode_id = episode(workspace)
    reason = "Left over from an earlier time outside the window."
    issued = issue(workspace, episode_id, "ra1", **{**RA1, "out_of_window_reason": reason})
    assert reason not in pdf_text(issued.pdf)
    late = episode(workspace)
    needed = "The AOT is closed for training on Wednesday."
    answers = {**RA1, "appointment_at": at(26, 10), "out_of_window_reason": needed}
    assert needed in pdf_text(issue(workspace, late, "ra1", **answers).pdf)


def test_the_ra1_warning_covers_the_follow_up(workspace):
    issued = issue(workspace, episode(workspace), "ra1", **RA1)
    assert "or to attend the follow-up assessment and remain for its duration" in pdf_text(
        issued.pdf
    )


def test_a_missing_renderer_refuses_to_issue_and_writes_nothing(workspace, monkeypatch):
    # A build without app.printing (what this simulates) must never issue a notice sans PDF.
    episode_id = episode(workspace)
    save(workspace, episode_id, "ra1", **RA1)
    before = counts(workspace)
    monkeypatch.setitem(sys.modules, "app.printing", None)
    with pytest.raises(notices.PrintingUnavailable, match="Printing is not part of this"):
        notices.issue_notice(workspace, episode_id, "ra1")
    assert counts(workspace) == before


def test_a_renderer_failure_refuses_to_issue_and_writes_nothing(workspace, monkeypatch):
    import app.printing

    episode_id = episode(workspace)
    save(workspace, episode_id, "ra1", **RA1)
    before = counts(workspace)

    def broken(*_a, **_k):
        raise RuntimeError("font missing")

    monkeypatch.setattr(app.printing, "render_notice", broken)
    with pytest.raises(notices.PrintingUnavailable, match="could not be printed"):
        notices.issue_notice(workspace, episode_id, "ra1")
    assert counts(workspace) == before
    monkeypatch.undo()
    assert notices.issue_notice(workspace, episode_id, "ra1").pdf.startswith(b"%PDF")


def test_an_ra2_shows_what_it_replaces_and_a_second_ra2_replaces_the_first(workspace):
    from sqlalchemy import select

    from app.storage.models import Appointment

    episode_id = episode(workspace)
    ra1 = issue(workspace, episode_id, "ra1", **RA1)
    ra2 = {
        "varies_kind": "ra1",
        "varies_notice": ra1.reference,
        "varied_by": "police",
        "reason": "Interpreter needed.",
        "new_appointment_at": at(25, 11),
        "new_place": AOT,
        "copies": ["detainee", "custody_record", "cjit"],
        "given_by": "PS Brown",
        "given_at": at(24, 11),
    }
    first = issue(workspace, episode_id, "ra2", **ra2)
    text = pdf_text(first.pdf)
    assert (
        f"This replaces the arrangement in notice {ra1.reference} (Tuesday 24 November 2026 at 15:00, at the same place), which no longer applies."
        in text
    )
    second = issue(workspace, episode_id, "ra2", **{**ra2, "new_appointment_at": at(25, 14)})
    assert "(Wednesday 25 November 2026 at 11:00, at the same place)" in pdf_text(second.pdf)
    with workspace.store.session() as s:
        booked = [a for a in s.scalars(select(Appointment)) if a.status == "booked"]
    assert [(a.kind, a.at) for a in booked] == [("initial", at(25, 14))]


def test_an_ra4_given_by_the_cjit_carries_the_receipt_by_default(workspace):
    from app.forms.registry import FORMS
    from app.services import forms_context

    episode_id = episode(workspace)
    issue(workspace, episode_id, "ra1", **RA1)
    ctx = forms_context.context(workspace, {"custody_episode": PERSON})
    copies = FORMS["ra4"].defaults(ctx)["copies"]
    workspace.clock = lambda: at(24, 15, 40)
    ra4 = {
        "initial_assessment_at": at(24, 15),
        "appointment_at": at(30, 10),
        "assessing_cjit": "nottingham",
        "place": AOT,
        "copies": copies,
        "given_by": "A Worker",
        "given_at": at(24, 15, 30),
    }
    issued = issue(workspace, episode_id, "ra4", **ra4)
    assert "Signed for by the person" in pdf_text(issued.pdf)
