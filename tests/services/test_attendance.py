"""RA3 per assessment and the RA5 rules of 004 IE2, through the services."""

from __future__ import annotations

import pytest

from app.services import board, episodes, notices
from tests.services.conftest import save
from tests.services.helpers import AOT, RA1, at, episode, issue


def _through_initial_assessment(workspace, outcome="attended_and_remained", **more):
    episode_id = episode(workspace)
    issue(workspace, episode_id, "ra1", **RA1)
    workspace.clock = lambda: at(24, 16)
    save(
        workspace,
        episode_id,
        "ra3",
        appointment_at=at(24, 15),
        outcome=outcome,
        recorded_by="A Worker",
        recorded_at=at(24, 15, 45),
        **more,
    )
    return episode_id


def _report_items(workspace):
    return [w.text for w in board.waiting(workspace) if w.kind == "report_failure"]


def test_recording_the_follow_up_keeps_the_initial_assessments_failure(workspace):
    episode_id = _through_initial_assessment(workspace, "failed_to_attend")
    assert _report_items(workspace) == [
        "Failed to attend the initial assessment: report to the police"
    ]
    workspace.clock = lambda: at(1, 12, month=12)
    save(
        workspace,
        episode_id,
        "ra3_follow_up",
        appointment_at=at(30, 10),
        outcome="attended_and_remained",
        recorded_by="A Worker",
        recorded_at=at(30, 11),
    )
    data = episodes.load_episode(workspace, episode_id)
    assert data.answers["ra3"]["outcome"] == "failed_to_attend"
    assert data.answers["ra3_follow_up"]["outcome"] == "attended_and_remained"
    assert _report_items(workspace) == [
        "Failed to attend the initial assessment: report to the police"
    ]
    rows = {r.id: r for r in board.shift_board(workspace, day=at(24, 12).date())}
    assert rows[episode_id].steps["assessment"] == (
        "Initial: failed to attend; Follow-up: attended and remained"
    )


def test_a_follow_up_failure_is_listed_without_touching_the_initial_record(workspace):
    episode_id = _through_initial_assessment(workspace, reported_to_police_at=None)
    save(
        workspace,
        episode_id,
        "ra3_follow_up",
        appointment_at=at(30, 10),
        outcome="failed_to_remain",
        recorded_by="A Worker",
        recorded_at=at(30, 11),
    )
    assert _report_items(workspace) == [
        "Failed to remain for the follow-up assessment: report to the police"
    ]
    assert episodes.load_episode(workspace, episode_id).answers["ra3"]["outcome"] == (
        "attended_and_remained"
    )


def test_no_further_intervention_is_refused_when_the_person_did_not_attend(workspace):
    episode_id = _through_initial_assessment(workspace, "failed_to_attend")
    ra5 = {"reason": "no_further_intervention", "ended_at": at(24, 15, 50), "ended_by": "A"}
    with pytest.raises(notices.NotReadyToIssue, match=r"cannot be decided \(004 IE2\)"):
        issue(workspace, episode_id, "ra5", **ra5)


def test_an_ra5_dated_days_after_the_initial_assessment_is_refused(workspace):
    episode_id = _through_initial_assessment(workspace)
    workspace.clock = lambda: at(27, 12)
    ra5 = {"reason": "no_further_intervention", "ended_at": at(27, 10), "ended_by": "A"}
    with pytest.raises(notices.NotReadyToIssue, match="ended at the initial assessment"):
        issue(workspace, episode_id, "ra5", **ra5)
    issued = issue(workspace, episode_id, "ra5", **{**ra5, "ended_at": at(24, 15, 50)})
    assert issued.reference.startswith("RA5-")


def test_an_ra2_prefills_the_notice_it_varies_the_place_and_the_copies(workspace):
    from app.services import forms_context

    episode_id = episode(workspace)
    ra1 = issue(workspace, episode_id, "ra1", **RA1)
    data = episodes.load_episode(workspace, episode_id)
    forms = forms_context.episode_forms(data)
    ctx = forms_context.context(workspace, forms.answers, forms.notices)
    found = forms_context.prefills(workspace, episode_id, forms, ctx)
    assert found["ra2"]["varies_notice"][0] == ra1.reference
    assert found["ra2"]["new_place"] == (AOT, "the place of the current appointment.")
    assert found["ra3"]["appointment_at"][0] == at(24, 15)
    from app.forms.registry import FORMS

    assert FORMS["ra2"].defaults(ctx)["copies"] == ["detainee", "custody_record", "cjit"]
