"""Sending a notice to the printer the worker chose in Qt's print dialog.

Two routes, one decision each (docs/deployment.md, "Printing"):

- **A CUPS queue** (Linux): the notice's own PDF goes to CUPS through ``lp`` on standard input,
  with the dialog's printer, copies, collation, sides, page range and colour mode. The job is the
  vector PDF (sharp text, small job) and this process writes no file: Qt's own CUPS engine would
  first write the whole job, in plaintext, to the user's temporary folder.
- **Everywhere else** (Windows' spooler, Qt's "print to file"): each page is rendered and painted
  into the ``QPrinter`` (``paint``), which is the only route Qt offers for a PDF.

Either way the job is named ``JOB_NAME``: spoolers show, log and keep job names (the CUPS
page log, Windows' print queue and PrintService event log), so it never carries the person's
name, the notice reference or anything else about them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable

from PySide6.QtPrintSupport import QPrinter

from app.errors import UserFacingError

JOB_NAME = "CJIT Desk notice"
LP_TIMEOUT_SECONDS = 60

_SIDES = {
    QPrinter.DuplexMode.DuplexNone: "one-sided",
    QPrinter.DuplexMode.DuplexLongSide: "two-sided-long-edge",
    QPrinter.DuplexMode.DuplexShortSide: "two-sided-short-edge",
}


def send(printer: QPrinter, pdf: bytes, paint: Callable[[QPrinter], None]) -> None:
    """Print ``pdf`` on ``printer``; raises UserFacingError when the job was not accepted."""
    printer.setDocName(JOB_NAME)
    queue = cups_queue(printer)
    if queue is None:
        paint(printer)
        return
    submit_to_cups(lp_arguments(printer, queue), pdf)


def cups_queue(printer: QPrinter) -> str | None:
    """The CUPS queue to send the PDF to, or None where the job must be painted."""
    if sys.platform == "win32" or printer.outputFormat() != QPrinter.OutputFormat.NativeFormat:
        return None
    if not printer.printerName() or shutil.which("lp") is None:
        return None
    return printer.printerName()


def lp_arguments(printer: QPrinter, queue: str) -> list[str]:
    arguments = ["-d", queue, "-t", JOB_NAME, "-n", str(max(1, printer.copyCount()))]
    options = ["collate=true" if printer.collateCopies() else "collate=false"]
    sides = _SIDES.get(printer.duplex())
    if sides:
        options.append(f"sides={sides}")
    if printer.colorMode() == QPrinter.ColorMode.GrayScale:
        options.append("print-color-mode=monochrome")
    for option in options:
        arguments += ["-o", option]
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        arguments += ["-P", f"{printer.fromPage()}-{printer.toPage() or printer.fromPage()}"]
    return arguments


def submit_to_cups(arguments: list[str], pdf: bytes) -> None:
    queue = arguments[arguments.index("-d") + 1]
    try:
        done = subprocess.run(
            ["lp", *arguments],
            input=pdf,
            capture_output=True,
            timeout=LP_TIMEOUT_SECONDS,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UserFacingError(
            f"The notice was not sent to the printer '{queue}': the print system did not answer "
            f"({type(exc).__name__}). Try again, or use Save as PDF and tell IT."
        ) from None
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().removeprefix("lp: ") or "no reason"
        raise UserFacingError(
            f"The notice was not sent to the printer '{queue}': {reason} "
            f"Choose another printer, or tell IT."
        )
