"""Issue 14: the Team dialogs ask safely and keep what was typed; the audit log says whose it
is; plain words on screen; a decision card in colour and words."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFrame, QLabel, QLineEdit, QListWidget, QMessageBox

from app.services import workspace as ws
from tests.ui.conftest import LEAD_PASS, NOW, choose, find, settle, tick, type_into
from tests.ui.keyboard import Keyboard


@pytest.fixture
def lead_window(qtbot, settings, printed, monkeypatch):
    from app.ui.main_window import MainWindow

    opened = ws.unlock(settings, "lead", LEAD_PASS)
    opened.clock = lambda: NOW
    win = MainWindow(opened)
    win.hooks["before_close"] = lambda w, proceed: proceed(True)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    settle()
    yield win
    win.close()
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=15_000)
    settle()


def _workers_dialog(window):
    window.actions_by_name["actionWorkers"].trigger()
    settle()
    dialog = find(window, QDialog, "workersDialog")
    return dialog


def test_remove_worker_asks_with_no_as_the_default(qtbot, lead_window, monkeypatch):
    dialog = _workers_dialog(lead_window)
    workers = dialog.findChild(QListWidget, "workersList")
    workers.setCurrentRow(1)
    asked = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        staticmethod(lambda *a: asked.append(a[-1]) or QMessageBox.StandardButton.No),
    )
    dialog._remove()
    settle()
    assert asked == [QMessageBox.StandardButton.No]
    assert workers.count() == 2  # nobody removed


def test_add_worker_keeps_what_was_typed_when_the_store_refuses(qtbot, lead_window):
    dialog = _workers_dialog(lead_window)
    dialog._add()
    add = find(dialog, QDialog, "passphraseDialog")
    for name, text in (
        ("newUsername", "ann"),  # already a worker
        ("newDisplayName", "Ann Again"),
        ("newPassphrase", "a long enough passphrase 42"),
        ("newConfirm", "a long enough passphrase 42"),
    ):
        qtbot.keyClicks(add.findChild(QLineEdit, name), text)
    add._check()
    settle()
    assert add.isVisible(), "the dialog closed and lost the typing"
    assert "already a worker called 'ann'" in add.findChild(QLabel, "passphraseError").text()
    assert add.findChild(QLineEdit, "newDisplayName").text() == "Ann Again"
    add.findChild(QLineEdit, "newUsername").setText("bea")
    add._check()
    settle()
    assert not add.isVisible() and "'bea' can now sign in" in dialog.message.text()


def test_the_audit_log_is_of_the_episode_selected_on_the_board_and_says_whose(qtbot, lead_window):
    kb = Keyboard(qtbot, lead_window)
    for family in ("Abbott", "Bhatt"):
        kb.shortcut(Qt.Key.Key_N)
        kb.type(f"52/{family}/26\n")
        type_into(qtbot, lead_window, "custody_episode", "family_name", family)
        lead_window.episode.flush()
        settle()
    opened_last = lead_window.episode.episode_id
    kb.shortcut(Qt.Key.Key_B)
    settle()
    board = lead_window.board
    row = next(i for i, r in enumerate(board._rows) if r.name.startswith("ABBOTT"))
    board.table.selectRow(row)
    lead_window.actions_by_name["actionAuditLog"].trigger()
    settle()
    dialogs = [d for d in lead_window.findChildren(QDialog, "auditDialog") if d.isVisible()]
    assert len(dialogs) == 1
    log = dialogs[0]
    assert "ABBOTT" in log.windowTitle() and "52/Abbott/26" in log.windowTitle()
    assert "ABBOTT" in log.findChild(QLabel, "auditWhose").text()
    assert board._rows[row].id != opened_last
    assert log.table.rowCount() >= 2  # created, consulted, the answer saved


def test_no_source_code_on_screen_but_in_the_tooltip(qtbot, window):
    Keyboard(qtbot, window).shortcut(Qt.Key.Key_N)
    page = window.episode.form_pages["target_testing"]
    shown = [label for label in page.findChildren(QLabel) if "§" in label.text()]
    assert shown == []
    help_label = next(
        label for label in page.findChildren(QLabel) if label.text().startswith("The nine")
    )
    assert "000 §2.2.2" in help_label.toolTip()


def test_the_decision_card_is_coloured_and_says_so_in_words(qtbot, window):
    Keyboard(qtbot, window).shortcut(Qt.Key.Key_N)
    card = find(window, QFrame, "decisionCard_target_testing")
    decision = find(window, QLabel, "decision_target_testing")
    assert card.property("tone") == "pending" and "not decided yet" in decision.text()
    type_into(qtbot, window, "custody_episode", "date_of_birth", "17/05/1990")
    window.episode.show_form("target_testing")
    choose(qtbot, window, "target_testing", "prison_production", "Yes")
    assert card.property("tone") == "none" and "no further action" in decision.text()
    choose(qtbot, window, "target_testing", "prison_production", "No")
    choose(qtbot, window, "target_testing", "subject_to_drr", "No")
    choose(qtbot, window, "target_testing", "disclosed_class_a_use", "Yes")
    tick(qtbot, window, "custody_episode", "arrest_offences", "Theft")
    assert card.property("tone") == "action" and "action needed" in decision.text()
    assert "Decision: Test" in decision.text()
