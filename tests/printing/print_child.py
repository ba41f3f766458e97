"""Child process of the print-queue tests: the app's print preview, Print clicked, on a named
printer. A child, so Qt and libcups meet the test's own CUPS (``CUPS_SERVER``) from the start.

    python -m tests.printing.print_child QUEUE FAMILY_NAME [--painted]

``--painted`` takes the route Windows takes (each page painted into the QPrinter) instead of
handing the PDF to CUPS. Prints ``recorded <kind>`` for every print the preview records.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import Future
from types import SimpleNamespace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from app.printing import render_notice
from app.printing.samples import sample_content
from app.services import notices
from app.ui import ops, print_job
from app.ui.print_preview import PrintPreview


def _run_now(fn, origin=None) -> Future:
    """The stand-in workspace's store executor: runs the operation at once."""
    done: Future = Future()
    done.set_result(fn())
    return done


def main(queue: str, family_name: str, painted: bool) -> int:
    app = QApplication([])
    # The store is not what is tested here (tests/services cover record_print): say what was
    # recorded so the parent can check it.
    notices.record_print = lambda ws, notice_id, kind="print": print(f"recorded {kind}")
    if painted:
        print_job.cups_queue = lambda printer: None
    window = QWidget()
    window.workspace = SimpleNamespace(submit=_run_now)
    pdf = render_notice(sample_content("ra1", episode={"family_name": family_name}))
    dialog = PrintPreview(window, "n1", pdf, reprint=False)

    def chosen_printer() -> QPrinter:  # the print dialog, with this printer chosen by name
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPrinterName(queue)
        if printer.printerName() != queue:
            raise SystemExit(f"Qt does not see the printer {queue}")
        return printer

    dialog.ask_printer = chosen_printer
    dialog.show()
    QTest.mouseClick(dialog.findChild(QPushButton, "printButton"), Qt.MouseButton.LeftButton)
    ops.settle(120_000)  # printing runs off the UI thread
    error = dialog.findChild(QWidget, "errorMessage")
    if error is not None:
        print(f"error shown: {error.text()}", file=sys.stderr)
        return 1
    dialog.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], "--painted" in sys.argv[3:]))
