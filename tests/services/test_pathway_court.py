"""Issue 13 through the services: remand (the prison referral and its 24 hours), Restriction
on Bail (3 working days, weekly appointments, failures reported), disputed results (the
laboratory's confirmation per drug) and a record transferred to the CJIT of residence."""

from __future__ import annotations

from sqlalchemy import select

from app.services import board, notices, printed_records
from app.storage.models import Appointment, AuditEvent
from tests.services.conftest import save
from tests.services.helpers import AOT, PERSON, POSITIVE, RA1, at, episode, issue, pdf_text
from tests.services.test_pathway_reports import _validate


def _items(ws, kind):
    return [w.text for w in board.waiting(ws) if w.kind == kind]


def _reported_to(ws, form_key):
    with ws.store.session() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "disclosure"))
        return [e.detail.get("to") for e in events if e.detail.get("form") == form_key]


def test_a_remand_puts_the_prison_referral_on_the_board_until_it_is_sent(workspace):
    episode_id = episode(workspace)
    save(workspace, episode_id, "remand", remanded_at=at(24, 10), court="Nottingham MC",
         prison="HMP Nottingham")  # fmt: skip
    assert _items(workspace, "prison_referral") == [
        "Prison referral to HMP Nottingham due by Wed 25/11 10:00"
    ]
    workspace.clock = lambda: at(25, 10, 1)
    assert _items(workspace, "prison_referral") == [
        "OVERDUE: Prison referral to HMP Nottingham due by Wed 25/11 10:00"
    ]
    save(workspace, episode_id, "remand", remanded_at=at(24, 10), court="Nottingham MC",
         prison="HMP Nottingham", assessment_summary="Daily heroin use; on methadone 60 ml.")  # fmt: skip
    printed = printed_records.print_record(workspace, episode_id, "remand")
    text = pdf_text(printed.pdf)
    assert "Referral to the receiving prison" in text and "HMP Nottingham" in text
    assert "Daily heroin use; on methadone 60 ml." in text and "FOR THE RECEIVING PRISON" in text
    notices.record_print(workspace, printed.id)
    save(workspace, episode_id, "remand", remanded_at=at(24, 10), court="Nottingham MC",
         prison="HMP Nottingham", assessment_summary="Daily heroin use.", sent_at=at(25, 10, 0),
         sent_how="secure_email", sent_by="Ann Worker")  # fmt: skip
    assert _items(workspace, "prison_referral") == []
    assert _reported_to(workspace, "remand") == ["prison"]
    rows = {r.id: r for r in board.shift_board(workspace, day=at(24, 12).date())}
    assert rows[episode_id].steps["after"] == "Prison referral: sent"


def test_restriction_on_bail_assessment_weekly_appointments_and_failures(workspace):
    episode_id = episode(workspace)
    bail = {"bail_decided_at": at(24, 11), "court": "Nottingham MC"}
    save(workspace, episode_id, "rob", **bail, assessment_at=at(26, 10))
    assert _items(workspace, "rob_assessment") == ["RoB assessment due by Friday 27 November 2026"]
    late = _validate(workspace, episode_id, "rob", {**bail, "assessment_at": at(30, 10)})
    assert [p.code for p in late if p.field == "assessment_at"] == ["window.outside"]

    workspace.clock = lambda: at(3, 12, month=12)
    save(workspace, episode_id, "rob", **bail, assessment_at=at(26, 10),
         assessment_outcome="attended_and_remained", next_appointment_at=at(3, 14, month=12),
         appointments_attended=1)  # fmt: skip
    assert _items(workspace, "rob_assessment") == []
    assert "RoB weekly appointment due today at 14:00" in _items(workspace, "appointment")
    save(workspace, episode_id, "rob", **bail, assessment_at=at(26, 10),
         assessment_outcome="attended_and_remained", appointments_attended=1,
         appointments_missed=1, last_missed_at=at(3, 14, month=12))  # fmt: skip
    assert _items(workspace, "rob_report") == [
        "RoB: failure to attend to report to the court and police"
    ]
    save(workspace, episode_id, "rob", **bail, assessment_at=at(26, 10),
         assessment_outcome="attended_and_remained", appointments_missed=1,
         last_missed_at=at(3, 14, month=12), failures_reported_at=at(3, 15, month=12),
         reported_to="Court liaison")  # fmt: skip
    assert _items(workspace, "rob_report") == []
    assert _reported_to(workspace, "rob") == ["court and police"]


DISPUTED = {**POSITIVE, "results": {"opiates": "positive", "cocaine": "positive"}, "disputed": True}


def _booked(ws, episode_id):
    with ws.store.session() as s:
        return [
            (a.kind, a.status)
            for a in s.scalars(select(Appointment).where(Appointment.episode_id == episode_id))
        ]


def test_a_confirmed_positive_keeps_the_requirement_and_a_negative_ends_it(workspace):
    episode_id = episode(workspace, dt1=DISPUTED)
    issue(workspace, episode_id, "ra1", **{**RA1, "appointment_at": at(8, 10, month=12)})
    assert _items(workspace, "lab_awaited") == ["Disputed result: laboratory confirmation awaited"]
    workspace.clock = lambda: at(1, 12, month=12)
    save(workspace, episode_id, "lab_result", sent_at=at(24, 12), received_at=at(1, 9, month=12),
         confirmed={"opiates": "negative", "cocaine": "positive"})  # fmt: skip
    assert _items(workspace, "lab_awaited") == []
    assert _booked(workspace, episode_id) == [("initial", "booked")]
    rows = {r.id: r for r in board.shift_board(workspace, day=at(24, 12).date())}
    assert rows[episode_id].steps["after"] == "Lab confirmed positive"

    save(workspace, episode_id, "lab_result", sent_at=at(24, 12), received_at=at(1, 9, month=12),
         confirmed={"opiates": "negative", "cocaine": "negative"})  # fmt: skip
    assert _booked(workspace, episode_id) == [("initial", "cancelled")]
    rows = {r.id: r for r in board.shift_board(workspace, day=at(24, 12).date())}
    assert rows[episode_id].steps["after"] == "Lab negative: requirement ended"


def test_a_laboratory_result_for_an_undisputed_test_is_refused(workspace):
    episode_id = episode(workspace)
    problems = _validate(
        workspace, episode_id, "lab_result",
        {"confirmed": {"opiates": "negative"}, "received_at": at(24, 11)},
    )  # fmt: skip
    assert "lab.not_disputed" in {p.code for p in problems}


ELSEWHERE = {**PERSON, "resident_in_area": False, "cjit_of_residence": "mansfield_ashfield"}


def test_the_record_of_someone_living_elsewhere_is_transferred_and_printed(workspace):
    episode_id = episode(workspace, person=ELSEWHERE)
    save(workspace, episode_id, "ra1", **{**RA1, "assessing_cjit": "mansfield_ashfield"})
    assert _items(workspace, "transfer") == [
        "Resident elsewhere: transfer the record to the CJIT of residence"
    ]
    from app.services import pathway

    suggested = pathway.suggested_answers(workspace, episode_id, "transfer")
    assert suggested["receiving_cjit"] == "mansfield_ashfield"
    save(workspace, episode_id, "transfer", **suggested, appointment_at=at(25, 10),
         place="CJIT Office, 12 Westgate, Mansfield", summary="Daily heroin use.")  # fmt: skip
    text = pdf_text(printed_records.print_record(workspace, episode_id, "transfer").pdf)
    assert "Transfer of a required assessment record to the CJIT of residence" in text
    assert "Mansfield and Ashfield" in text and "Daily heroin use." in text
    assert "Drug test on arrest" in text
    save(workspace, episode_id, "transfer", **suggested, sent_at=at(24, 11, 20),
         sent_by="Ann Worker")  # fmt: skip
    assert _items(workspace, "transfer") == []
    assert _reported_to(workspace, "transfer") == ["cjit_of_residence"]


def test_a_referral_in_books_the_initial_assessment_the_ra3_records(workspace):
    episode_id = episode(workspace, dt1=None)
    save(workspace, episode_id, "referral_in", referring_cjit="mansfield_ashfield",
         received_at=at(24, 9, 30), notice_reference="RA1-261123-ABCDEF",
         positive_for=["cocaine"], appointment_at=at(24, 15), place=AOT)  # fmt: skip
    assert _booked(workspace, episode_id) == [("initial", "booked")]
    assert "Initial assessment due today at 15:00" in _items(workspace, "appointment")
    workspace.clock = lambda: at(24, 16)
    assert _prefilled_ra3(workspace, episode_id) == at(24, 15)


def _prefilled_ra3(ws, episode_id):
    from app.forms.appointments import current_appointment
    from app.services.episode_state import load_state
    from app.services.notices import _context

    with ws.store.session() as s:
        ctx = _context(ws, load_state(s, episode_id), ws.clock())
    current = current_appointment(ctx, "initial")
    assert current is not None and current.set_by == "referral_in"
    assert current.notice == "RA1-261123-ABCDEF"
    return current.at


def test_after_a_negative_confirmation_no_ra1_is_asked_for_and_no_failure_reported(workspace):
    episode_id = episode(workspace, dt1=DISPUTED)
    assert _items(workspace, "ra1_needed") == ["positive test: RA1 to give before release"]
    save(workspace, episode_id, "ra3", appointment_at=at(24, 10), outcome="failed_to_attend",
         recorded_by="A Worker", recorded_at=at(24, 11))  # fmt: skip
    assert len(_items(workspace, "report_failure")) == 1
    save(workspace, episode_id, "lab_result", received_at=at(24, 11),
         confirmed={"opiates": "negative", "cocaine": "negative"})  # fmt: skip
    assert _items(workspace, "ra1_needed") == [] and _items(workspace, "report_failure") == []


def test_years_of_history_are_not_read_again_on_each_refresh_but_pathway_forms_always_are(
    workspace,
):
    from datetime import timedelta

    from app.services import episodes

    disputed = episode(workspace, dt1=DISPUTED)
    remanded = episode(workspace)
    save(workspace, remanded, "remand", remanded_at=at(24, 10), court="Nottingham MC",
         prison="HMP Nottingham")  # fmt: skip
    for episode_id in (disputed, remanded):
        episodes.close_episode(workspace, episode_id)
    workspace.clock = lambda: at(24, 10) + timedelta(days=27)
    assert _items(workspace, "lab_awaited") == ["Disputed result: laboratory confirmation awaited"]
    workspace.clock = lambda: at(24, 10) + timedelta(days=29)  # closed, four weeks on
    assert _items(workspace, "lab_awaited") == []
    assert _items(workspace, "prison_referral") == [
        "OVERDUE: Prison referral to HMP Nottingham due by Wed 25/11 10:00"
    ]
