"""The form pages at the keyboard: where Enter goes, what it scrolls, short forms, Y and N."""

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from tests.ui.conftest import find, settle
from tests.ui.keyboard import Keyboard


def _new(qtbot, window) -> Keyboard:
    kb = Keyboard(qtbot, window)
    kb.shortcut(Qt.Key.Key_N)
    return kb


def test_ctrl_n_puts_the_cursor_in_the_custody_record_number(qtbot, window):
    kb = _new(qtbot, window)
    kb.expect_focus("input_custody_record_number")
    kb.type("52/1/26")
    page = window.episode.form_pages["custody_episode"]
    assert page.answers()["custody_record_number"] == "52/1/26"


def test_enter_brings_the_next_field_into_view(qtbot, window):
    window.resize(1366, 560)  # a short window: the person's fields are below the fold
    kb = _new(qtbot, window)
    page = find(window, QWidget, "page_custody_episode")
    kb.type("52/1/26\nn\n")
    kb.type("Th \n")
    kb.type("Kowalski\nAdam\n170590\n7 Hyson Street\t")
    kb.type("NG8 1AA\n")
    kb.expect_focus("input_gender")
    gender = QApplication.focusWidget()
    top_left = gender.mapTo(page.viewport(), QPoint(0, 0))
    assert page.verticalScrollBar().value() > 0
    assert page.viewport().rect().contains(top_left), top_left
    assert page.viewport().rect().contains(top_left + QPoint(0, gender.height() - 1))


def test_a_short_date_is_written_out_in_full_when_the_worker_moves_on(qtbot, window):
    kb = _new(qtbot, window)
    kb.type("52/1/26\nn\n")
    arrived = find(window, QLineEdit, "input_arrived_at")
    assert arrived.text() == "24/11/2026 11:30"  # the workspace's clock, not the PC's
    page = window.episode.form_pages["custody_episode"]
    page.editors["date_of_birth"].focusProxy().setFocus()
    kb.type("010165\n")
    assert find(window, QLineEdit, "input_date_of_birth").text() == "01/01/1965"


def test_typing_no_in_full_answers_no_and_the_o_goes_nowhere(qtbot, window):
    kb = _new(qtbot, window)
    kb.shortcut(Qt.Key.Key_PageDown)
    kb.expect_focus("input_prison_production")
    kb.type("No")
    kb.expect_focus("input_subject_to_drr")
    answers = window.episode.form_pages["target_testing"].answers()
    assert answers == {"prison_production": False}
    kb.type("Yes")
    answers = window.episode.form_pages["target_testing"].answers()
    assert answers == {"prison_production": False, "subject_to_drr": True}
    settle()


def test_enter_passes_answers_already_given_and_tab_still_visits_them(qtbot, window):
    kb = _new(qtbot, window)
    kb.type("52/1/26\nn\nTh \n")
    kb.expect_focus("input_family_name")  # Enter: past the optional "other offence"
    kb.press(Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    kb.expect_focus("input_arrest_offence_other")  # Tab: every field


def test_f1_lists_the_shortcuts_and_the_keys_of_a_form(qtbot, window):
    from PySide6.QtWidgets import QMessageBox

    Keyboard(qtbot, window).shortcut(Qt.Key.Key_F1, Qt.KeyboardModifier.NoModifier)
    box = find(window, QMessageBox, "shortcutsDialog")
    for words in ("Ctrl+N", "Ctrl+PgDown", "Ctrl+PgUp", "Y or N", "+5 10:00", "Enter"):
        assert words in box.text(), words
    box.close()
