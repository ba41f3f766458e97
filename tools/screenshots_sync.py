"""Screenshots of the sync screens against a real embedded central store (run under Xvfb):

xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python tools/screenshots_sync.py
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication

from app import trial, trial_central
from app.cli import DEMO_PASSPHRASE, DEMO_WORKER
from app.config import Settings
from app.services import workspace as ws
from app.ui.main import make_application

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def wait(app, ms: int) -> None:
    from PySide6.QtCore import QElapsedTimer

    timer = QElapsedTimer()
    timer.start()
    while timer.elapsed() < ms:
        app.processEvents()
        QApplication.instance().thread().msleep(20)


def shot(app, name: str) -> None:
    wait(app, 300)
    QApplication.primaryScreen().grabWindow(0).save(str(OUT / f"{name}.png"))
    print("saved", name)


def main() -> None:
    app = make_application()
    base = Path(tempfile.mkdtemp())
    settings = Settings(data_dir=base / "data")
    trial.ensure_demo_data(settings)
    central = trial_central.start(base, settings)
    try:
        settings = replace(settings, central_url=central.url)
        from app.ui.main_window import MainWindow

        window = MainWindow(ws.unlock(settings, DEMO_WORKER, DEMO_PASSPHRASE))
        window.hooks["before_close"] = lambda w: True
        window.move(0, 0)
        window.showMaximized()
        window.show_board()
        wait(app, 500)
        window.actions_by_name["actionEndOfShift"].trigger()
        wait(app, 8000)
        shot(app, "end-of-shift")
        for dialog in app.topLevelWidgets():
            if dialog.objectName() == "endOfShiftDialog":
                dialog.close()
        window.actions_by_name["actionReports"].trigger()
        shot(app, "reports")
        window.close()
    finally:
        central.stop()


if __name__ == "__main__":
    main()
