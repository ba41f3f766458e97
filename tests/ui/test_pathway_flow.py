"""Issue 13 in the window: a remand recorded on its own step, the prison referral with its
24-hour deadline on the board's waiting list, printed from its page with Ctrl+P (the print
preview records the disclosure to the prison: tests/services), then recorded as sent and gone
from the list (the sent time is a disclosure too)."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget
from sqlalchemy import select

from app.storage.models import AuditEvent, Notice
from tests.ui.conftest import choose, find, in_store, settle, type_into
from tests.ui.test_shift_flow import _answer_profile, _fill_arrival, _new_episode, _pdf_text


def _waiting(qtbot, window) -> list[str]:
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    settle()
    waiting = find(window, QListWidget, "waitingList")
    return [waiting.item(i).text() for i in range(waiting.count())]


def test_a_remand_is_referred_to_the_prison_within_24_hours(qtbot, window, printed):
    _new_episode(qtbot, window)
    _fill_arrival(qtbot, window, ("Okoro", "Dami"))
    _answer_profile(qtbot, window)
    episode_id = window.episode.episode_id

    window.episode.show_form("remand")
    type_into(qtbot, window, "remand", "remanded_at", "24/11/2026 10:30")
    type_into(qtbot, window, "remand", "court", "Nottingham Magistrates' Court")
    type_into(qtbot, window, "remand", "prison", "HMP Nottingham")
    type_into(qtbot, window, "remand", "assessment_summary", "Daily heroin use.")
    assert "Due" in find(window, QLabel, "decision_remand").text()
    window.episode.flush()
    settle()
    assert "OKORO, Dami: Prison referral to HMP Nottingham due by Wed 25/11 10:30" in _waiting(
        qtbot, window
    )

    window.open_episode(episode_id)
    settle()
    window.episode.show_form("remand")
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    settle()
    assert len(printed) == 1
    text = _pdf_text(printed[0][2])
    assert "Referral to the receiving prison" in text and "HMP Nottingham" in text
    assert in_store(window, lambda s: [n.kind for n in s.scalars(select(Notice))]) == ["remand"]

    type_into(qtbot, window, "remand", "sent_at", "24/11/2026 11:00")
    choose(qtbot, window, "remand", "sent_how", "Secure e-mail")
    type_into(qtbot, window, "remand", "sent_by", "Ann Worker")
    window.episode.flush()
    settle()
    assert not any("Prison referral" in t for t in _waiting(qtbot, window))
    reported = in_store(
        window,
        lambda s: [
            (e.detail.get("field"), e.detail.get("to"))
            for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "disclosure"))
        ],
    )
    assert reported == [("sent_at", "prison")]
