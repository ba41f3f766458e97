"""Start the GUI: first-run wizard or unlock window, then the main window."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.ui import tasks
from app.ui.theme import apply_theme
from app.ui.unlock import UnlockPanel

if TYPE_CHECKING:
    from app.config import Settings
    from app.services.workspace import Workspace

# What the unlock window needs is imported above; everything else (the workspace, storage,
# SQLAlchemy, the main window) loads once the window is on screen, while the worker types
# (bench/RESULTS.md, "cold start"). Not imported here either: ``PySide6.QtCore.Qt``, whose first
# import builds every enum of the Qt namespace (~18 ms); the unlock window does without it.
log = logging.getLogger(__name__)
SWITCH_INTERVAL_S = 0.0005
AFTER_SHOWN_MS = 100  # deferred start-up work waits until the first window has been painted


def _excepthook(exc_type, exc, tb) -> None:  # noqa: ANN001
    # A bug must not show a traceback or kill the window holding someone's unsaved notice.
    log.error("unhandled error", exc_info=(exc_type, exc, tb))
    QMessageBox.warning(None, "CJIT Desk", tasks.explain(exc))


def make_application(argv: list[str] | None = None, theme: str = "standard") -> QApplication:
    # High-DPI scaling: Qt 6's default rounding policy is PassThrough (fractional scale factors,
    # e.g. 125 % and 150 % displays, not rounded), which is what this window wants.
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    # PySide6 lets go of the GIL on every call into Qt and must win it back afterwards; while a
    # background thread (the sync, the store executor) runs Python, each such call could wait
    # the whole switch interval (5 ms by default), and a screen refresh makes hundreds of calls.
    # A short interval keeps the window responsive (bench/RESULTS.md, "responsive").
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    app.setApplicationName("CJIT Desk")
    app.setOrganizationName("CJIT")
    apply_theme(app, theme)  # the wheel guard comes with the main window (main_window.py)
    return app


class Launcher:
    """Holds the top-level windows so they live as long as the application."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.window = None
        self.unlock_window = None
        self.wizard = None

    def start(self) -> None:
        if self.settings.keyslots_path.exists():  # store.is_initialised, without importing storage
            self.show_unlock()
        else:
            from app.ui.setup_wizard import SetupWizard

            self.wizard = SetupWizard(self.settings)
            self.wizard.accepted.connect(lambda: self.show_main(self.wizard.workspace))
            self.wizard.show()

    def show_unlock(self) -> None:
        from app.storage.slotnames import usernames  # = workspace.known_workers, lighter

        panel = UnlockPanel(usernames(self.settings.keyslots_path), self._unlock)
        panel.setWindowTitle("CJIT Desk — sign in")
        panel.unlocked.connect(self.show_main)
        from app.ui.screen_fit import resize_to_fit

        resize_to_fit(panel, 640, 420)
        panel.show()
        panel.focus_first()
        self.unlock_window = panel
        QTimer.singleShot(AFTER_SHOWN_MS, after_shown)

    def _unlock(self, username: str, passphrase: str) -> Workspace:
        from app.services import workspace as ws

        return ws.unlock(self.settings, username, passphrase)

    def show_main(self, workspace: Workspace) -> None:
        from app.ui.main_window import MainWindow

        self.window = MainWindow(workspace)
        if self.window.property("startMaximised"):
            self.window.showMaximized()  # a laptop screen: all of it, status bar included
        else:
            self.window.show()
        if self.unlock_window is not None:
            self.unlock_window.close()
            self.unlock_window = None


def after_shown() -> None:
    """Start-up work the first window does not need, once it is on screen: the log file, and
    the storage stack imported on a thread while the worker types, so unlock does not pay
    for it either."""
    import threading

    from app.logging_setup import finish_deferred

    finish_deferred()

    def load() -> None:
        import app.services.workspace
        import app.storage.store  # noqa: F401

    threading.Thread(target=load, daemon=True).start()


def run_gui(settings: Settings) -> int:
    app = make_application(theme=settings.theme)
    sys.excepthook = _excepthook
    launcher = Launcher(settings)
    launcher.start()
    try:
        return app.exec()
    finally:
        from app.logging_setup import finish_deferred

        finish_deferred()  # the window closed before its first moments were over
