"""Issue 13 through the services: failures to attend (the evidential statement), Annex E
non-engagement, the DRR report. Each: the board entry until done, the printed document read
back, the disclosure in the s.62 audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.forms.registry import FORMS
from app.services import board, notices, pathway, printed_records
from app.services.notices import NotReadyToIssue
from app.storage.models import AuditEvent
from tests.services.conftest import save
from tests.services.helpers import AOT, RA1, at, episode, issue, pdf_text


def _items(ws, kind):
    return [w.text for w in board.waiting(ws) if w.kind == kind]


def _disclosures(ws):
    with ws.store.session() as s:
        return [
            e.detail for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "disclosure"))
        ]


def _missed_initial_assessment(ws):
    episode_id = episode(ws)
    ra1 = issue(ws, episode_id, "ra1", **RA1)
    ws.clock = lambda: at(24, 16)
    save(
        ws, episode_id, "ra3", appointment_at=at(24, 15), outcome="failed_to_attend",
        recorded_by="A Worker", recorded_at=at(24, 15, 45),
    )  # fmt: skip
    return episode_id, ra1


def test_a_failure_to_attend_is_printed_as_an_evidential_statement_and_reported(workspace):
    episode_id, ra1 = _missed_initial_assessment(workspace)
    assert _items(workspace, "report_failure") == [
        "Failed to attend the initial assessment: report to the police"
    ]
    suggested = pathway.suggested_answers(workspace, episode_id, "fta_report")
    assert suggested["notice_reference"] == ra1.reference
    assert suggested["required_at"] == at(24, 15)
    assert suggested["outcome"] == "failed_to_attend"
    save(
        workspace, episode_id, "fta_report", **suggested,
        account="Waited at the AOT until 15:40; no contact.",
        statement_by="Ann Worker", statement_at=at(24, 15, 50), reported_to="PS Brown, Bridewell",
    )  # fmt: skip

    printed = printed_records.print_record(workspace, episode_id, "fta_report")
    text = pdf_text(printed.pdf)
    assert "Evidential statement: failure to attend or remain" in text
    assert "Statement of Ann Worker, CJIT drugs worker." in text
    assert f"written notice {ra1.reference}" in text
    assert (
        "requiring them to attend the initial assessment at Tuesday 24 November 2026 at 15:00"
        in text
    )
    assert "failed to attend that assessment" in text
    assert "Waited at the AOT until 15:40; no contact." in text
    assert "QUINN" in text.upper() and "liable to prosecution" in text
    assert printed.reference.startswith("FTA-")

    notices.record_print(workspace, printed.id)
    assert {"event": "print", "kind": "fta_report", "to": "police"} in _disclosures(workspace)
    assert _items(workspace, "report_failure")  # printed, not yet reported

    save(workspace, episode_id, "fta_report", **suggested, account="Waited; no contact.",
         statement_by="Ann Worker", statement_at=at(24, 15, 50), reported_to="PS Brown",
         reported_at=at(24, 15, 55))  # fmt: skip
    reported = [d for d in _disclosures(workspace) if d.get("event") == "reported"]
    assert [(d["form"], d["to"]) for d in reported] == [("fta_report", "police")]
    assert _items(workspace, "report_failure") == []


def test_no_statement_is_printed_for_a_failure_without_a_served_notice(workspace):
    episode_id, _ = _missed_initial_assessment(workspace)
    save(
        workspace, episode_id, "fta_report", assessment="initial", required_at=at(24, 15),
        place=AOT, notice_reference="RA1-000000-NOPE", notice_served_at=at(24, 10, 40),
        outcome="failed_to_attend", account="No contact.", statement_by="Ann Worker",
        statement_at=at(24, 15, 50), reported_to="PS Brown",
    )  # fmt: skip
    with pytest.raises(NotReadyToIssue, match="written notice was served"):
        printed_records.print_record(workspace, episode_id, "fta_report")


def test_a_statement_needs_the_failure_recorded_on_the_ra3(workspace):
    episode_id = episode(workspace)
    ra1 = issue(workspace, episode_id, "ra1", **RA1)
    workspace.clock = lambda: at(24, 16)
    save(
        workspace, episode_id, "fta_report", assessment="initial", required_at=at(24, 15),
        place=AOT, notice_reference=ra1.reference, notice_served_at=at(24, 10, 40),
        outcome="failed_to_attend", account="No contact.", statement_by="Ann Worker",
        statement_at=at(24, 15, 50), reported_to="PS Brown",
    )  # fmt: skip
    with pytest.raises(NotReadyToIssue, match="record the attendance first"):
        printed_records.print_record(workspace, episode_id, "fta_report")


NEGATIVE = {
    "test_outcome": "completed",
    "tested_at": at(24, 10, 5),
    "tested_by": "DO 1",
    "results": {"opiates": "negative", "cocaine": "negative"},
    "authority": "trigger_offence",
}


def test_annex_e_non_engagement_is_reported_and_another_appointment_offered(workspace):
    episode_id = episode(workspace, dt1=NEGATIVE)
    save(
        workspace, episode_id, "annex_e", volunteered=True, appointment_at=at(25, 10),
        assessing_cjit="nottingham", place=AOT,
    )  # fmt: skip
    workspace.clock = lambda: at(25, 12)
    save(workspace, episode_id, "annex_e_fu", first_outcome="did_not_attend")
    assert _items(workspace, "annex_e_fu") == [
        "Annex E not attended: report to the partnership",
        "Annex E: offer another appointment by Wednesday 2 December 2026",
    ]
    late = {"first_outcome": "did_not_attend", "second_appointment_at": at(3, 10, month=12)}
    problems = _validate(workspace, episode_id, "annex_e_fu", late)
    assert "window.outside" in {p.code for p in problems}

    save(
        workspace, episode_id, "annex_e_fu", first_outcome="did_not_attend",
        reported_to_partnership_at=at(25, 11), reported_to="CDP performance team",
        second_appointment_at=at(2, 10, month=12), second_place=AOT,
    )  # fmt: skip
    assert _items(workspace, "annex_e_fu") == []
    assert {"event": "reported", "form": "annex_e_fu", "field": "reported_to_partnership_at",
            "to": "partnership", "episode_id": episode_id} in _disclosures(workspace)  # fmt: skip
    letter = pdf_text(printed_records.print_record(workspace, episode_id, "annex_e_fu").pdf)
    assert "Another appointment with the Criminal Justice Intervention Team" in letter
    assert "Wednesday 2 December 2026 at 10:00" in letter
    assert "no legal penalty" in letter


def test_the_outcome_is_reported_to_probation_for_someone_on_a_drr(workspace):
    episode_id = episode(workspace, dt1=None)
    save(workspace, episode_id, "target_testing", prison_production=False, subject_to_drr=True)
    assert _items(workspace, "drr_report") == ["On a DRR: report the outcome to Probation"]
    save(
        workspace, episode_id, "drr_report", probation_officer="J Smith (OM)",
        probation_office="Probation, Nottingham", outcome="Arrested for theft; not tested (DRR).",
    )  # fmt: skip
    text = pdf_text(printed_records.print_record(workspace, episode_id, "drr_report").pdf)
    assert "Outcome report for Probation" in text and "J Smith (OM)" in text
    assert "Arrested for theft; not tested (DRR)." in text
    save(
        workspace, episode_id, "drr_report", probation_officer="J Smith (OM)",
        outcome="Arrested for theft; not tested (DRR).", reported_at=at(24, 11),
    )  # fmt: skip
    assert _items(workspace, "drr_report") == []
    assert [d["to"] for d in _disclosures(workspace) if d.get("form") == "drr_report"] == [
        "probation"
    ]


def test_no_drr_report_is_printed_for_someone_not_on_a_drr(workspace):
    episode_id = episode(workspace)
    save(workspace, episode_id, "drr_report", probation_officer="J Smith", outcome="x")
    with pytest.raises(NotReadyToIssue, match="on a DRR"):
        printed_records.print_record(workspace, episode_id, "drr_report")


def _validate(ws, episode_id, form_key, answers):
    from app.services.episode_state import load_state
    from app.services.notices import _context

    with ws.store.session() as s:
        ctx = _context(ws, load_state(s, episode_id), ws.clock())
    return FORMS[form_key].validate(answers, ctx)
