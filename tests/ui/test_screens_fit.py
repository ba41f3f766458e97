"""Issue 14: every window fits a 1366×768 screen, at 100% and at 150% scaling, with its
buttons on screen; the main window remembers where the worker put it.

The offscreen platform has one 800×800 screen, so the screen the windows ask about
(``screen_fit.available``) is set here: 1366×768 less a 40-pixel taskbar, and the same screen
at 150% (911×512 logical pixels, less the taskbar)."""

import io

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QAbstractButton, QWidget

from app.ui import screen_fit
from tests.ui.conftest import settle

AT_100 = QRect(0, 0, 1366, 728)
AT_150 = QRect(0, 0, 911, 485)


def _pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "RA1")
    page.save()
    return out.getvalue()


def _dialogs(window, settings):
    from app.ui.print_preview import PrintPreview
    from app.ui.reports import ReportsDialog
    from app.ui.setup_wizard import SetupWizard
    from app.ui.sync_ui import ConflictsDialog
    from app.ui.team import AuditDialog, PolicyDialog, WorkersDialog

    return {
        "print preview": lambda: PrintPreview(window, "n1", _pdf(), False),
        "workers": lambda: WorkersDialog(window.workspace, window),
        "audit log": lambda: AuditDialog(window.workspace, None, window, whose="QUINN, Owen"),
        "policy": lambda: PolicyDialog(window.workspace, window.hub, window),
        "reports": lambda: ReportsDialog(window),
        "conflicts": lambda: ConflictsDialog(window, window),
        "set-up wizard": lambda: SetupWizard(settings),
    }


def _fits(widget: QWidget, avail: QRect) -> list[str]:
    wrong = []
    room = QSize(avail.width(), avail.height() - screen_fit.TITLE_BAR)
    if widget.width() > room.width() or widget.height() > room.height():
        wrong.append(f"size {widget.size().toTuple()} > {room.toTuple()}")
    hint = widget.minimumSizeHint()
    if hint.width() > room.width() or hint.height() > room.height():
        wrong.append(f"minimum {hint.toTuple()} > {room.toTuple()}")
    for button in widget.findChildren(QAbstractButton):
        if not button.isVisible():
            continue
        top_left = button.mapTo(widget, button.rect().topLeft())
        if not widget.rect().contains(QRect(top_left, button.size())):
            wrong.append(f"button {button.text()!r} outside")
    return wrong


@pytest.mark.parametrize("avail", [AT_100, AT_150], ids=["100%", "150%"])
def test_every_dialog_fits_a_1366_by_768_screen_with_its_buttons(
    qtbot, window, settings, monkeypatch, avail
):
    monkeypatch.setattr(screen_fit, "available", lambda widget=None: avail)
    wrong = {}
    for name, make in _dialogs(window, settings).items():
        dialog = make()
        qtbot.addWidget(dialog)
        dialog.show()
        settle()
        if problems := _fits(dialog, avail):
            wrong[name] = problems
        dialog.close()
    assert wrong == {}


@pytest.mark.parametrize("avail", [AT_100, AT_150], ids=["100%", "150%"])
def test_the_main_window_fits_and_is_maximised_on_a_small_screen(
    qtbot, window, tmp_path, monkeypatch, avail
):
    monkeypatch.setattr(screen_fit, "available", lambda widget=None: avail)
    window.setProperty("startMaximised", False)
    screen_fit.restore_main_window(window, tmp_path, screen_fit.WANTED)
    assert window.property("startMaximised") is True
    assert _fits(window, avail) == []


def test_the_main_window_remembers_its_place(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setattr(screen_fit, "available", lambda widget=None: QRect(0, 0, 1920, 1040))
    window.setGeometry(40, 30, 700, 500)  # within the offscreen platform's real screen
    screen_fit.save_main_window(window, tmp_path)
    window.setGeometry(0, 0, 500, 400)
    screen_fit.restore_main_window(window, tmp_path, screen_fit.WANTED)
    assert window.size() == QSize(700, 500)
    assert (tmp_path / "window.ini").exists()


def test_a_long_name_on_the_board_is_not_clipped(qtbot, window):
    from PySide6.QtCore import Qt

    from tests.ui.conftest import type_into
    from tests.ui.keyboard import Keyboard

    kb = Keyboard(qtbot, window)
    kb.shortcut(Qt.Key.Key_N)
    type_into(qtbot, window, "custody_episode", "family_name", "Featherstonehaugh-Wolfeschlegel")
    type_into(qtbot, window, "custody_episode", "given_names", "Bartholomew Maximilian Aloysius")
    window.episode.flush()
    settle()
    kb.shortcut(Qt.Key.Key_B)
    settle()
    table = window.board.table
    item = table.item(0, 1)
    needed = table.fontMetrics().horizontalAdvance(item.text())
    assert table.columnWidth(1) >= needed, (table.columnWidth(1), needed)
    assert item.toolTip() == item.text()
