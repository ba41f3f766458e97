"""Start the GUI: first-run wizard or unlock window, then the main window."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from app.config import Settings
from app.services import workspace as ws
from app.ui import tasks, wheel_guard
from app.ui.screen_fit import resize_to_fit
from app.ui.theme import apply_theme
from app.ui.unlock import UnlockPanel

log = logging.getLogger(__name__)
SWITCH_INTERVAL_S = 0.0005


def _excepthook(exc_type, exc, tb) -> None:  # noqa: ANN001
    # A bug must not show a traceback or kill the window holding someone's unsaved notice.
    log.error("unhandled error", exc_info=(exc_type, exc, tb))
    QMessageBox.warning(None, "CJIT Desk", tasks.explain(exc))


def make_application(argv: list[str] | None = None, theme: str = "standard") -> QApplication:
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    # PySide6 lets go of the GIL on every call into Qt and must win it back afterwards; while a
    # background thread (the sync, the store executor) runs Python, each such call could wait
    # the whole switch interval (5 ms by default), and a screen refresh makes hundreds of calls.
    # A short interval keeps the window responsive (bench/RESULTS.md, "responsive").
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    app.setApplicationName("CJIT Desk")
    app.setOrganizationName("CJIT")
    apply_theme(app, theme)
    wheel_guard.install(app)
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
        panel = UnlockPanel(
            ws.known_workers(self.settings), lambda u, p: ws.unlock(self.settings, u, p)
        )
        panel.setWindowTitle("CJIT Desk — sign in")
        panel.unlocked.connect(self.show_main)
        resize_to_fit(panel, 640, 420)
        panel.show()
        panel.focus_first()
        self.unlock_window = panel
        _preload_storage_soon()

    def show_main(self, workspace: ws.Workspace) -> None:
        from app.ui.main_window import MainWindow

        self.window = MainWindow(workspace)
        if self.window.property("startMaximised"):
            self.window.showMaximized()  # a laptop screen: all of it, status bar included
        else:
            self.window.show()
        if self.unlock_window is not None:
            self.unlock_window.close()
            self.unlock_window = None


def _preload_storage_soon() -> None:
    """Import the storage stack while the worker types the passphrase, so unlock does not
    pay for it; the window is already on screen."""
    import threading

    def load() -> None:
        import app.storage.store  # noqa: F401

    QTimer.singleShot(0, lambda: threading.Thread(target=load, daemon=True).start())


def run_gui(settings: Settings) -> int:
    app = make_application(theme=settings.theme)
    sys.excepthook = _excepthook
    launcher = Launcher(settings)
    launcher.start()
    return app.exec()
