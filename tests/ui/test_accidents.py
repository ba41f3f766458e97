"""Issue 14: nothing changes by accident (the wheel, Space on a button, a stray Ctrl+N)."""

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QMessageBox
from sqlalchemy import select

from app.storage.models import AuditEvent, CustodyEpisode
from tests.ui.conftest import choose, find, in_store, settle, type_into
from tests.ui.keyboard import Keyboard


def _wheel(widget, down: bool = True) -> None:
    event = QWheelEvent(
        QPointF(5, 5),
        QPointF(widget.mapToGlobal(QPoint(5, 5))),
        QPoint(0, 0),
        QPoint(0, -120 if down else 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_the_wheel_scrolls_the_page_and_never_changes_a_drop_down_without_focus(qtbot, window):
    window.resize(1366, 560)
    Keyboard(qtbot, window).shortcut(Qt.Key.Key_N)
    choose(qtbot, window, "custody_episode", "gender", "Male")
    type_into(qtbot, window, "custody_episode", "custody_record_number", "52/1/26")
    page = window.episode.form_pages["custody_episode"]
    gender = find(window, QComboBox, "input_gender")
    ethnicity = find(window, QComboBox, "input_ethnicity")
    assert not gender.hasFocus()
    assert gender.focusPolicy() == Qt.FocusPolicy.StrongFocus  # a wheel turn gives no focus
    scrolled = page.verticalScrollBar().value()
    for combo in (gender, ethnicity):
        for _ in range(3):
            _wheel(combo)
    assert gender.currentText() == "Male" and ethnicity.currentIndex() == 0
    assert page.verticalScrollBar().value() > scrolled  # the page moved instead
    # With the focus, the wheel steps through the choices, as the worker asked for.
    gender.setFocus()
    _wheel(gender)
    assert gender.currentText() != "Male"


def test_close_episode_asks_and_no_is_the_default(qtbot, window, monkeypatch):
    Keyboard(qtbot, window).shortcut(Qt.Key.Key_N)
    type_into(qtbot, window, "custody_episode", "custody_record_number", "52/1/26")
    window.episode.flush()
    settle()
    asked = []

    def question(parent, title, text, buttons=None, default=None):
        asked.append((title, default))
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    window.episode.close_button.click()
    settle()
    assert asked == [("Close episode", QMessageBox.StandardButton.No)]
    assert window.episode.data.status == "open"
    assert window.episode.close_button.focusPolicy() == Qt.FocusPolicy.TabFocus


def test_a_stray_ctrl_n_left_with_ctrl_b_is_discarded_and_audited(qtbot, window):
    kb = Keyboard(qtbot, window)
    kb.shortcut(Qt.Key.Key_N)
    episode_id = window.episode.episode_id
    assert window.episode.close_button.text() == "Discard empty episode"
    kb.shortcut(Qt.Key.Key_B)
    settle()
    assert in_store(window, lambda s: s.get(CustodyEpisode, episode_id)) is None
    erased = in_store(
        window,
        lambda s: s.scalars(
            select(AuditEvent.detail).where(
                AuditEvent.record_id == episode_id, AuditEvent.action == "erasure"
            )
        ).all(),
    )
    assert erased == [{"event": "empty_episode_discarded"}]
    assert "discarded" in window.status.currentMessage()


def test_an_episode_with_one_answer_is_kept_when_left(qtbot, window):
    kb = Keyboard(qtbot, window)
    kb.shortcut(Qt.Key.Key_N)
    episode_id = window.episode.episode_id
    kb.type("5")
    assert window.episode.close_button.text() == "Close episode"
    kb.shortcut(Qt.Key.Key_B)
    settle()
    kept = in_store(window, lambda s: s.get(CustodyEpisode, episode_id))
    assert kept is not None and kept.custody_record_number == "5"


def test_a_custody_number_already_used_or_nonsense_is_said_beside_the_field(qtbot, window):
    from PySide6.QtWidgets import QLabel

    kb = Keyboard(qtbot, window)
    kb.shortcut(Qt.Key.Key_N)
    kb.type("52/777/26\n")
    window.episode.flush()
    settle()
    kb.shortcut(Qt.Key.Key_N)
    kb.type("52/777/26\n")
    window.episode.flush()
    settle()
    label = find(window, QLabel, "problem_custody_record_number")
    assert "already used by the episode of" in label.text() and label.isVisible()
    page = window.episode.form_pages["custody_episode"]
    page.editors["custody_record_number"].focusProxy().setFocus()
    page.editors["custody_record_number"].focusProxy().selectAll()
    kb.type("???\n")
    window.episode.flush()
    settle()
    assert "does not look like a custody record number" in label.text()
    assert "already used" not in label.text()


def test_typing_puts_the_idle_lock_off_and_silence_brings_it(qtbot, window):
    """The idle lock hears input through the application's one event filter."""
    Keyboard(qtbot, window).shortcut(Qt.Key.Key_N)
    window.idle.timer.setInterval(1500)
    window.idle.start()
    editor = find(window, QLineEdit, "input_postcode")
    for ch in "NG11 1AAB":  # 9 keys, 300 ms apart: longer than the interval, never idle for it
        qtbot.keyClick(editor, ch)
        qtbot.wait(300)
    assert window.frame.currentWidget() is window.pages
    qtbot.waitUntil(lambda: window.frame.currentWidget() is window.lock_panel, timeout=3000)
