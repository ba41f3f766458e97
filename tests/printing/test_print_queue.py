"""The real print path: the app's Print on an RA1 (its three copies) to a CUPS queue.

A private cupsd with the cups-pdf virtual printer stands in for the custody suite's printer
(``cups_queue.py``); the app runs in a child process and clicks Print with that printer chosen.
The PDF that cups-pdf writes must hold the three pages and their text; after the job no copy of
the notice may be left where CUPS, cups-pdf, Ghostscript or the app write while printing.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.printing.cups_queue import PrivateCups, skip_or_fail, unavailable_reason

ROOT = Path(__file__).resolve().parents[2]
NAME = "QUILLFEN"  # the fictional detainee: a family name found nowhere else
COPIES = ("DETAINEE COPY", "CUSTODY RECORD COPY", "CJIT COPY")

pytestmark = pytest.mark.timeout(300)


def pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages
    )


def holds_the_notice(path: Path) -> bool:
    """The name in the file's bytes (UTF-8 or UTF-16), or in its text where it is a PDF."""
    data = path.read_bytes()
    if NAME.encode() in data or NAME.encode("utf-16-le") in data:
        return True
    if data.startswith(b"%PDF"):
        try:
            return NAME in pdf_text(data)
        except Exception:  # noqa: BLE001 - a half-written PDF is searched by bytes only
            return False
    return False


def copies_left(places: list[Path]) -> list[Path]:
    return [
        path
        for place in places
        if place.exists()
        for path in place.rglob("*")
        if path.is_file() and holds_the_notice(path)
    ]


@pytest.fixture
def cups(request):
    reason = unavailable_reason()
    if reason:
        skip_or_fail(reason)
    server = PrivateCups(preserve=getattr(request, "param", False))
    try:
        server.start()
    except (OSError, RuntimeError) as exc:
        server.stop()
        skip_or_fail(f"CUPS could not be started here: {exc}")
    yield server
    server.stop()


def print_ra1(cups: PrivateCups, tmp: Path, *extra: str) -> subprocess.CompletedProcess:
    tmp.mkdir()
    return subprocess.run(
        [sys.executable, "-m", "tests.printing.print_child", cups.queue, NAME, *extra],
        cwd=ROOT,
        env={**cups.env, "TMPDIR": str(tmp), "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_print_sends_the_ra1_to_the_cups_queue_and_leaves_no_copy_behind(cups, tmp_path):
    app_tmp = tmp_path / "app-tmp"
    done = print_ra1(cups, app_tmp)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == "recorded print"

    made = cups.wait_for_output()
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(made).pages]
    assert len(pages) == 3
    for page, copy in zip(pages, COPIES, strict=True):
        assert "RA1" in page and NAME in page and copy in page, page[:300]
    # The job name is neutral: cups-pdf names its file after it, CUPS logs it.
    assert (
        made.name.lower().startswith("cjit_desk_notice") and NAME.lower() not in made.name.lower()
    )
    for log in cups.logs.glob("*"):
        assert NAME not in log.read_text(errors="replace"), log.name

    # The spool, cups-pdf's own spool, Ghostscript's and the app's temporary folders.
    assert copies_left([*cups.places_a_copy_could_stay(), app_tmp]) == []
    # cups-pdf's output is a plaintext copy of health data by design: removed here; a
    # deployment must not have a print-to-file printer (docs/deployment.md, "Printing").
    made.unlink()
    assert copies_left([cups.out]) == []


@pytest.mark.parametrize("cups", [True], indirect=True, ids=["cups-defaults-keep-jobs"])
def test_with_cups_keeping_job_files_the_notice_stays_in_the_spool(cups, tmp_path):
    """Why the deployment settings matter, and proof that the spool check above finds a copy."""
    done = print_ra1(cups, tmp_path / "app-tmp")
    assert done.returncode == 0, done.stderr
    cups.wait_for_output().unlink()
    kept = copies_left([cups.spool])
    assert kept and all(path.name.startswith("d") for path in kept), kept


def test_the_painted_route_of_windows_prints_three_pages_and_leaves_no_temporary_file(
    cups, tmp_path
):
    app_tmp = tmp_path / "app-tmp"
    done = print_ra1(cups, app_tmp, "--painted")
    assert done.returncode == 0, done.stderr
    made = cups.wait_for_output()
    assert len(PdfReader(made).pages) == 3
    assert made.name.lower().startswith("cjit_desk_notice")  # Qt's job name is ours too
    made.unlink()
    assert list(app_tmp.rglob("*")) == []  # Qt's CUPS engine writes the job there, then removes it


def test_a_printer_cups_does_not_know_gives_a_clear_message(cups, monkeypatch):
    from app.errors import UserFacingError
    from app.ui import print_job

    monkeypatch.setenv("CUPS_SERVER", str(cups.socket))
    with pytest.raises(UserFacingError, match="not sent to the printer 'Gone-Printer'") as caught:
        print_job.submit_to_cups(["-d", "Gone-Printer", "-t", print_job.JOB_NAME], b"%PDF-1.4")
    assert "does not exist" in str(caught.value) and "Traceback" not in str(caught.value)


def test_the_dialog_choices_become_cups_options(qapp):
    from PySide6.QtPrintSupport import QPrinter

    from app.ui import print_job

    printer = QPrinter()
    printer.setCopyCount(3)
    printer.setCollateCopies(True)
    printer.setColorMode(QPrinter.ColorMode.GrayScale)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    arguments = print_job.lp_arguments(printer, "Custody-Laser")
    assert arguments[:6] == ["-d", "Custody-Laser", "-t", "CJIT Desk notice", "-n", "3"]
    options = " ".join(arguments[6:])
    assert "-o collate=true" in options and "-o sides=one-sided" in options
    assert "-o print-color-mode=monochrome" in options and "-P 2-3" in options
