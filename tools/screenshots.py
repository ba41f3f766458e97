"""Regenerate docs/screenshots/ (run under Xvfb at 1366x768, as a custody-suite monitor):

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python tools/screenshots.py

Uses a fresh demo store in a temporary directory; nothing personal, nothing kept.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app import demo
from app.cli import DEMO_PASSPHRASE, DEMO_WORKER
from app.config import Settings
from app.services import board
from app.services import workspace as ws
from app.storage import store
from app.ui.main import make_application

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
NOW = datetime(2026, 11, 24, 15, 40, tzinfo=UTC)  # a Tuesday afternoon shift


def wait() -> None:
    """Until the store executor has delivered every result to the window."""
    from app.ui import ops

    app = QApplication.instance()
    for _ in range(3):
        ops.settle(10_000)
        for _ in range(10):
            app.processEvents()
            app.thread().msleep(10)


def _focus():
    """The focused widget (Xvfb has no window manager to make the window active)."""
    app = QApplication.instance()
    window = next(w for w in app.topLevelWidgets() if w.objectName() == "mainWindow")
    return QApplication.focusWidget() or window.focusWidget() or window


def keys(text: str) -> None:
    """Typed at the keyboard, into whatever has the focus ("\n" is Enter, "\t" Tab)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    named = {"\n": Qt.Key.Key_Return, "\t": Qt.Key.Key_Tab}
    for ch in text:
        target = _focus()
        if ch in named:
            QTest.keyClick(target, named[ch])
        else:
            QTest.keyClicks(target, ch)
        QApplication.instance().processEvents()


def shot(name: str) -> None:
    app = QApplication.instance()
    wait()
    for _ in range(5):
        app.processEvents()
    QApplication.primaryScreen().grabWindow(0).save(str(OUT / f"{name}.png"))
    print("saved", name)


def main() -> None:
    app = make_application()
    QMessageBox.question = staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
    tmp = Path(tempfile.mkdtemp())
    settings = Settings(data_dir=tmp / "data")
    opened, _ = store.initialise(settings.data_dir, DEMO_WORKER, "Sam Patel", DEMO_PASSPHRASE)
    opened.add_worker("a.morgan", "Alex Morgan", "another passphrase")
    workspace = ws.Workspace(settings, opened, clock=lambda: NOW)
    demo.fill(workspace)
    opened.close()

    from app.ui.setup_wizard import SetupWizard
    from app.ui.unlock import UnlockPanel

    wizard = SetupWizard(Settings(data_dir=tmp / "fresh"))
    wizard.resize(720, 520)
    wizard.move(323, 124)
    wizard.show()
    shot("setup-welcome")
    wizard.close()

    panel = UnlockPanel(ws.known_workers(settings), lambda u, p: None)
    panel.setWindowTitle("CJIT Desk — sign in")
    panel.resize(1366, 768)
    panel.move(0, 0)
    panel.show()
    panel.focus_first()
    shot("unlock")
    panel.close()

    from app.ui.main_window import MainWindow

    workspace = ws.unlock(settings, DEMO_WORKER, DEMO_PASSPHRASE)
    workspace.clock = lambda: NOW
    after_custody = _after_custody(workspace)
    window = MainWindow(workspace)
    window.hooks["print"] = lambda *a: None
    window.move(0, 0)
    window.showMaximized()
    window.activateWindow()
    window.show_board()
    shot("board")
    rows = workspace.submit(lambda: board.shift_board(workspace)).result()
    positive = next(r for r in rows if r.steps["test"].startswith("Positive"))
    window.open_episode(positive.id)
    window.episode.show_form("custody_episode")
    shot("episode")
    window.episode.show_form("target_testing")
    shot("profile")
    window.episode.show_form("dt1")
    shot("dt1")
    window.episode.show_form("ra1")
    shot("ra1")
    negative = next(r for r in rows if r.steps["assessment"].startswith("Annex E"))
    window.open_episode(negative.id)
    window.episode.show_form("annex_e")
    shot("annex-e")
    keyboard_shots(app, window)
    # Issue 13: the rest of the pathway on one positive episode.
    window.open_episode(after_custody)
    from app.ui import ops

    ops.settle(15_000)  # the episode loads on the store executor
    for form_key, name in (("remand", "remand"), ("rob", "rob"), ("fta_report", "fta-report"),
                           ("transfer", "transfer"), ("lab_result", "lab-result")):  # fmt: skip
        window.episode.show_form(form_key)
        shot(name)
    window.show_board()
    shot("board-after-custody")
    window.board.search.setText("ush")
    window.board._run_search()
    QTimer.singleShot(300, lambda: None)
    for _ in range(20):
        app.processEvents()
        QApplication.instance().thread().msleep(20)
    shot("search")
    window.board.search.clear()
    window.board.hits.hide()
    window.lock()
    shot("locked")
    # Last: the high-contrast theme (settings: theme = high-contrast), on the DT1 typed above.
    from app.ui.theme import apply_theme

    window._unlocked(None)
    window.open_episode(window.episode.episode_id or positive.id, "dt1")
    apply_theme(app, "high-contrast")
    shot("high-contrast")
    window.close()


def keyboard_shots(app, window) -> None:
    """Issue 14: a new detainee at the keyboard, the defaults and carried answers, F1, the
    print preview and the dialogs at 1366x768."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from app.printing.samples import render_sample
    from app.ui.print_preview import show_print_preview

    window.new_episode()
    wait()
    keys("52/12345/26\nn\nTh \nKowalski\nAdam\n170590\n7 Hyson Street\nNottingham\t")
    keys("NG8 1AA\nM\n")
    app.thread().msleep(400)
    keys("W\ny")
    shot("keyboard-episode")
    QTest.keyClick(_focus(), Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    keys("nnnnynnnn")
    window.episode.form_pages["target_testing"].verticalScrollBar().setValue(0)
    shot("keyboard-profile")
    QTest.keyClick(_focus(), Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    keys("T\nn\nP\n")
    app.thread().msleep(400)
    keys("N\nn")
    shot("keyboard-dt1")
    QTest.keyClick(_focus(), Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    keys("+1 10")
    shot("keyboard-ra1-short-date")
    keys("\nn\t")  # Tab on: "n" is written out as the time it stands for
    shot("keyboard-ra1")
    window.show_shortcuts()
    shot("shortcuts")
    for box in window.findChildren(QMessageBox, "shortcutsDialog"):
        box.close()
    preview = show_print_preview(window, "sample", render_sample("ra1"), False)
    shot("print-preview")
    preview.close()
    window.show_board()
    wait()
    window.board.table.selectRow(0)
    window.show_audit()
    shot("audit-log")
    for dialog in window.findChildren(QWidget, "auditDialog"):
        dialog.close()
    wait()


def _after_custody(workspace) -> str:
    """A positive episode of the demo shift taken past custody: remanded (the prison referral
    due), bailed with RoB elsewhere, a missed assessment reported with its statement."""
    from datetime import timedelta

    from app.services import episodes, forms_context, pathway

    def save(episode_id: str, form_key: str, **answers) -> None:
        stored, version = forms_context.stored(form_key, answers)
        episodes.save_answers(workspace, episode_id, form_key, stored, version)

    rows = board.shift_board(workspace)
    positive = [r for r in rows if r.steps["test"].startswith("Positive")]
    episode_id = positive[-1].id
    save(episode_id, "remand", remanded_at=NOW - timedelta(hours=3), court="Nottingham Magistrates' Court",
         prison="HMP Nottingham", **pathway.suggested_answers(workspace, episode_id, "remand"))  # fmt: skip
    save(episode_id, "rob", bail_decided_at=NOW - timedelta(hours=5), court="Nottingham Magistrates' Court",
         assessment_at=NOW + timedelta(days=2))  # fmt: skip
    fta = pathway.suggested_answers(workspace, episode_id, "fta_report")
    save(episode_id, "fta_report", **fta, account="Waited at the AOT for 40 minutes; no contact.",
         statement_by="Sam Patel", statement_at=NOW - timedelta(minutes=20),
         reported_to="PS Brown, Bridewell custody")  # fmt: skip
    save(episode_id, "transfer", **pathway.suggested_answers(workspace, episode_id, "transfer"))
    return episode_id


if __name__ == "__main__":
    main()
