"""The print preview: QtPdf from memory, Print and Save as PDF recorded, no temporary files."""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import Future
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QMessageBox, QWidget

from app.printing.samples import render_sample
from app.services import notices
from app.ui.print_preview import PrintPreview, show_print_preview


@pytest.fixture
def recorded(monkeypatch):
    """record_print stands in for the store (tested with the services); we check the calls."""
    calls: list[tuple[str, str]] = []
    monkeypatch.setattr(
        notices, "record_print", lambda ws, notice_id, kind="print": calls.append((notice_id, kind))
    )
    return calls


def _run_now(fn, origin=None) -> Future:
    """The stand-in workspace's store executor: runs the operation at once."""
    done: Future = Future()
    done.set_result(fn())
    return done


@pytest.fixture
def window(qtbot):
    widget = QWidget()
    widget.workspace = SimpleNamespace(submit=_run_now)  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """An empty temp directory for Python and Qt alike, so any stray file shows up."""
    target = tmp_path / "tmp"
    target.mkdir()
    monkeypatch.setenv("TMPDIR", str(target))
    monkeypatch.setattr(tempfile, "tempdir", str(target))
    return target


def _pdf_printer(path) -> QPrinter:
    # No physical printer here: Qt's own PDF printer stands in for it.
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_preview_shows_every_page_of_the_pdf_from_memory(qtbot, window, recorded):
    dialog = show_print_preview(window, "n1", render_sample("ra1"), reprint=False)
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "printPreview"
    assert dialog.document.status() == QPdfDocument.Status.Ready
    assert dialog.document.pageCount() == 3
    assert "3 pages" in dialog.findChild(object, "printPreviewNote").text()
    assert recorded == []  # looking is not a disclosure


def test_print_paints_every_page_and_records_a_print(
    qtbot, window, recorded, tmp_path, monkeypatch
):
    dialog = show_print_preview(window, "n1", render_sample("ra1"), reprint=False)
    qtbot.addWidget(dialog)
    out = tmp_path / "printed.pdf"
    monkeypatch.setattr(dialog, "ask_printer", lambda: _pdf_printer(out))
    qtbot.mouseClick(dialog.findChild(object, "printButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: recorded == [("n1", "print")], timeout=30_000)  # printed off-thread
    printed = QPdfDocument()
    assert printed.load(str(out)) == QPdfDocument.Error.None_
    assert printed.pageCount() == 3


def test_a_reprint_is_recorded_as_a_reprint(qtbot, window, recorded, tmp_path, monkeypatch):
    dialog = show_print_preview(window, "n2", render_sample("ra4"), reprint=True)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "ask_printer", lambda: _pdf_printer(tmp_path / "r.pdf"))
    qtbot.mouseClick(dialog.findChild(object, "printButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: recorded == [("n2", "reprint")], timeout=30_000)


def test_cancelling_the_print_dialog_records_nothing(qtbot, window, recorded, monkeypatch):
    dialog = show_print_preview(window, "n1", render_sample("ra5"), reprint=False)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "ask_printer", lambda: None)
    qtbot.mouseClick(dialog.findChild(object, "printButton"), Qt.MouseButton.LeftButton)
    assert recorded == []


def test_save_as_pdf_writes_only_where_chosen_and_records_an_export(
    qtbot, window, recorded, tmp_path, monkeypatch
):
    pdf = render_sample("ra2")
    dialog = show_print_preview(window, "n3", pdf, reprint=False)
    qtbot.addWidget(dialog)
    chosen = tmp_path / "chosen" / "ra2.pdf"
    chosen.parent.mkdir()
    monkeypatch.setattr(dialog, "ask_save_path", lambda: str(chosen))
    qtbot.mouseClick(dialog.findChild(object, "savePdfButton"), Qt.MouseButton.LeftButton)
    assert chosen.read_bytes() == pdf
    assert os.listdir(chosen.parent) == ["ra2.pdf"]
    assert recorded == [("n3", "pdf_export")]


def test_no_pdf_says_printing_is_unavailable(qtbot, window, recorded):
    box = show_print_preview(window, "n1", None, reprint=False)
    qtbot.addWidget(box)
    assert isinstance(box, QMessageBox) and box.objectName() == "printUnavailable"
    assert "Printing is not available" in box.text()
    assert recorded == []


def test_render_preview_print_and_export_leave_nothing_in_the_temp_dir(
    qtbot, window, recorded, tmp_path, private_tmp, monkeypatch
):
    system_tmp = tempfile.gettempdir()
    assert system_tmp == str(private_tmp)
    pdf = render_sample("ra1")
    dialog = PrintPreview(window, "n1", pdf, reprint=False)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.view.grab()  # make QPdfView actually render pages
    monkeypatch.setattr(dialog, "ask_printer", lambda: _pdf_printer(tmp_path / "p.pdf"))
    dialog.print_notice()
    qtbot.waitUntil(lambda: bool(recorded), timeout=30_000)
    monkeypatch.setattr(dialog, "ask_save_path", lambda: str(tmp_path / "s.pdf"))
    dialog.save_pdf()
    dialog.close()
    assert os.listdir(private_tmp) == []
    assert [k for _, k in recorded] == ["print", "pdf_export"]
