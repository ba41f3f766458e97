"""A negative test: Annex E checklist → identified → an appointment on the board."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QListWidget
from sqlalchemy import select

from app.storage.models import Appointment
from tests.ui.conftest import choose, find, in_store, settle, type_into
from tests.ui.test_shift_flow import _answer_profile, _fill_arrival, _new_episode


def test_a_negative_test_then_annex_e_identifies_and_books_an_appointment(qtbot, window):
    _new_episode(qtbot, window)
    _fill_arrival(qtbot, window, ("Brennan", "Kyle"))
    _answer_profile(qtbot, window)
    window.episode.show_form("dt1")
    choose(qtbot, window, "dt1", "test_outcome", "Test completed")
    type_into(qtbot, window, "dt1", "tested_at", "24/11/2026 10:05")
    for substance in ("opiates", "cocaine"):
        combo = window.findChild(QComboBox, f"result_{substance}")
        combo.setFocus()
        qtbot.keyClicks(combo, "Negative")
    assert "Negative" in find(window, QLabel, "decision_dt1").text()

    window.episode.show_form("annex_e")
    decision = find(window, QLabel, "decision_annex_e")
    choose(qtbot, window, "annex_e", "previous_drug_misuse", "Yes")
    assert "Not identified" in decision.text()  # criterion 3 alone needs inferred evidence
    choose(qtbot, window, "annex_e", "paraphernalia", "Yes")
    assert "Identified" in decision.text() and "Criterion 2" in decision.text()
    type_into(qtbot, window, "annex_e", "appointment_at", "24/11/2026 16:30")
    type_into(qtbot, window, "annex_e", "place", "AOT, 24-30 Castle Gate")
    window.episode.flush()
    settle()

    appointment = in_store(window, lambda s: s.scalars(select(Appointment)).one())
    assert (appointment.kind, appointment.status) == ("annex_e", "booked")
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    settle()
    waiting = find(window, QListWidget, "waitingList")
    texts = [waiting.item(i).text() for i in range(waiting.count())]
    assert any(t == "BRENNAN, Kyle: Annex E appointment due today at 16:30" for t in texts), texts


def test_search_finds_a_person_by_name_and_opens_their_episode(qtbot, window):
    _new_episode(qtbot, window)
    _fill_arrival(qtbot, window, ("Zielinski", "Zoë"))
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    box = window.board.search
    assert box.hasFocus()
    qtbot.keyClicks(box, "zoe ziel")  # no accent, lower case, given name first
    hits = window.board.hits
    qtbot.waitUntil(lambda: hits.count() == 1 and "ZIELINSKI" in hits.item(0).text(), timeout=5000)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    settle()
    assert window.pages.currentWidget() is window.episode
    assert window.episode.title.text() == "ZIELINSKI, Zoë"
