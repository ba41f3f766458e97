"""Child process for the cold-start row: ``python -m bench.child_startup bare|app [DATA_DIR]``.

Prints ``shown <CLOCK_MONOTONIC seconds>`` when the window has been shown and the event loop has
run once (a zero-time timer after show() fires after the show/expose events are processed), then
quits. The parent started its clock just before spawning this interpreter.
"""

from __future__ import annotations

import sys
import time


def _report_and_quit(app) -> None:
    print(f"shown {time.monotonic():.6f}", flush=True)
    app.quit()


def bare() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication(sys.argv[:1])
    window = QWidget()
    window.resize(640, 420)
    window.show()
    QTimer.singleShot(0, lambda: _report_and_quit(app))
    return app.exec()


def ours(data_dir: str) -> int:
    # The real entry point, ``python -m app --data-dir DIR``: argument parsing, settings, logging,
    # then run_gui (make_application + Launcher.start: the unlock window for a set-up store). Only
    # run_gui's last line differs: the zero-time timer that reports and quits.
    from PySide6.QtCore import QTimer

    import app.ui.main as ui_main
    from app.__main__ import main

    def run_gui(settings) -> int:
        qt_app = ui_main.make_application()
        sys.excepthook = ui_main._excepthook
        launcher = ui_main.Launcher(settings)
        launcher.start()
        assert launcher.unlock_window is not None, "expected the unlock window"
        QTimer.singleShot(0, lambda: _report_and_quit(qt_app))
        return qt_app.exec()

    ui_main.run_gui = run_gui
    return main(["--data-dir", data_dir])


if __name__ == "__main__":
    raise SystemExit(bare() if sys.argv[1] == "bare" else ours(sys.argv[2]))
