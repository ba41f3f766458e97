"""UI tests drive the real widgets the way a worker does: keys, clicks, shortcuts."""

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from app.config import Settings
from app.services import workspace as ws
from app.storage import store

LEAD_PASS = "lead passphrase 1"
WORKER_PASS = "worker passphrase 2"
# Tuesday 24 November 2026, 11:30 in London (GMT): inside duty hours, a working day.
NOW = datetime(2026, 11, 24, 11, 30, tzinfo=UTC)


@pytest.fixture(scope="session")
def _ui_template(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("ui") / "data"
    opened, _ = store.initialise(data_dir, "lead", "Lee Leader", LEAD_PASS)
    opened.add_worker("ann", "Ann Worker", WORKER_PASS)
    opened.close()
    return data_dir


@pytest.fixture
def settings(_ui_template, tmp_path) -> Settings:
    target = tmp_path / "data"
    shutil.copytree(_ui_template, target)
    return Settings(data_dir=target, idle_lock_minutes=5)


@pytest.fixture
def workspace(settings):
    opened = ws.unlock(settings, "ann", WORKER_PASS)
    opened.clock = lambda: NOW
    yield opened
    opened.close()


@pytest.fixture
def printed():
    return []


@pytest.fixture
def window(qtbot, workspace, printed, monkeypatch):
    from app.ui.main_window import MainWindow

    # The one thing that cannot run here is a physical printer: the print hook records calls.
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
    )
    QApplication.setKeyboardInputInterval(60)  # type-ahead resets quickly between fields
    win = MainWindow(workspace)
    win.hooks["print"] = lambda w, notice_id, pdf, reprint: printed.append(
        (notice_id, reprint, pdf)
    )
    win.hooks["before_close"] = lambda w, proceed: proceed(True)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    settle(qtbot)
    yield win
    # Closing saves first (on the store executor), then closes the store: let it finish, so
    # no window of this test is still open (and holding shortcuts) in the next one.
    import shiboken6

    if shiboken6.isValid(win):
        win.close()
        qtbot.waitUntil(lambda: not shiboken6.isValid(win) or not win.isVisible(), timeout=15_000)
    settle(qtbot)


def settle(qtbot=None) -> None:
    """Wait until every store operation and background task has delivered its result to the
    UI thread (the window does its store work on the store executor)."""
    from app.ui import ops

    assert ops.settle(15_000), "store operations still running after 15 s"


def in_store(window, fn):
    """Run ``fn(session)`` on the store executor, as the app does (never on the UI thread)."""

    def job():
        with window.workspace.store.session() as s:
            return fn(s)

    return window.workspace.submit(job).result(timeout=30)


def find(window, cls, name):
    widget = window.findChild(cls, name)
    assert widget is not None, f"no {cls.__name__} named {name}"
    return widget


def type_into(qtbot, window, page_key: str, field_key: str, text: str) -> None:
    """Type into a field like a worker: focus it, type, Tab away."""
    from PySide6.QtWidgets import QWidget

    page = find(window, QWidget, f"page_{page_key}")
    editor = page.findChild(QWidget, f"input_{field_key}")
    assert editor is not None, f"no input {field_key} on {page_key}"
    editor.setFocus()
    for i, line in enumerate(text.split("\n")):
        if i:
            qtbot.keyClick(editor, Qt.Key.Key_Return)
        for ch in line:
            _type_char(qtbot, editor, ch)


def _type_char(qtbot, widget, ch: str) -> None:
    if ch.isascii():
        qtbot.keyClicks(widget, ch)
        return
    # QTest only knows ASCII keys; a real keyboard sends the character as the event's text.
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    target = widget.focusProxy() or widget
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(
            target, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
        )


def choose(qtbot, window, page_key: str, field_key: str, label_start: str) -> None:
    """Pick from a closed combo box by typing the start of the choice, as the keyboard allows."""
    from PySide6.QtWidgets import QComboBox, QWidget

    page = find(window, QWidget, f"page_{page_key}")
    combo = page.findChild(QComboBox, f"input_{field_key}")
    assert combo is not None, f"no choice {field_key} on {page_key}"
    combo.setFocus()
    qtbot.wait(QApplication.keyboardInputInterval() + 20)
    qtbot.keyClicks(combo, label_start)
    assert combo.currentText().startswith(label_start), (field_key, combo.currentText())


def tick(qtbot, window, page_key: str, field_key: str, label_start: str) -> None:
    """Tick an item of a multi-choice list with the keyboard (type to find it, Space to tick)."""
    from PySide6.QtWidgets import QListWidget, QWidget

    page = find(window, QWidget, f"page_{page_key}")
    lst = page.findChild(QListWidget, f"input_{field_key}")
    lst.setFocus()
    qtbot.wait(QApplication.keyboardInputInterval() + 20)  # a fresh type-ahead search
    qtbot.keyClicks(lst, label_start)
    assert lst.currentItem().text().startswith(label_start)
    if lst.currentItem().checkState() != Qt.CheckState.Checked:
        qtbot.keyClick(lst, Qt.Key.Key_Space)
    assert lst.currentItem().checkState() == Qt.CheckState.Checked
