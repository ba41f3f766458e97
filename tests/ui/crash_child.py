"""Child process for the crash test: types into a form through the real window, then either
waits to be killed (phase 'type') or reports what the restarted app shows (phase 'check')."""

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from app.config import Settings
from app.services import workspace as ws
from app.ui import ops
from app.ui.main import make_application
from app.ui.main_window import MainWindow


def main(data_dir: str, phase: str) -> None:
    app = make_application()
    workspace = ws.unlock(Settings(data_dir=Path(data_dir)), "ann", "worker passphrase 2")
    window = MainWindow(workspace)
    window.show()
    ops.settle()
    if phase == "type":
        window.actions_by_name["actionNewEpisode"].trigger()  # what Ctrl+N does
        ops.settle()
        editor = window.episode.form_pages["custody_episode"].findChild(
            QWidget, "input_family_name"
        )
        editor.setFocus()
        QTest.keyClicks(editor, "Blackwood")
        deadline = time.monotonic() + 1.5  # the autosave interval and a margin
        while time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.02)
        QTest.keyClicks(editor, "XYZ")  # typed within the last second: may be lost
        app.processEvents()
        print("TYPED", flush=True)
        while True:
            app.processEvents()
            time.sleep(0.05)
    else:
        page = window.episode.form_pages["custody_episode"]
        shown = window.pages.currentWidget() is window.episode
        print(f"SHOWN={shown} NAME={page.answers().get('family_name')}", flush=True)
        QApplication.quit()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
