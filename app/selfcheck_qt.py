"""The Qt half of ``cjit-desk --self-check``: the platform, image, print and PDF plugins.

Qt is imported inside each check, after ``app.selfcheck.main`` has chosen the platform, so a
build missing a piece of Qt reports a failed check instead of failing to start.
"""

from __future__ import annotations

import glob
import io
import os
import sys
from pathlib import Path
from typing import Any

from app.selfcheck import CheckFailed


def _plugin_dirs() -> list[Path]:
    from PySide6.QtCore import QCoreApplication

    dirs = [Path(p) for p in QCoreApplication.libraryPaths()]
    dirs += [Path(p) for p in os.environ.get("QT_PLUGIN_PATH", "").split(os.pathsep) if p]
    return dirs


def _plugins(kind: str) -> list[str]:
    """Plugin names of a kind found on disk (e.g. 'platforms' -> ['offscreen', 'xcb'])."""
    names = set()
    for folder in _plugin_dirs():
        for path in glob.glob(str(folder / kind / "*")):
            stem = Path(path).name.split(".")[0]
            names.add(stem.removeprefix("lib").removeprefix("q"))
    return sorted(names)


def _qt_app() -> Any:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None:
        return app
    # Creating the application without its platform plugin aborts the process: look first.
    _require_platform_plugin(os.environ.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0])
    return QApplication(["cjit-desk-selfcheck"])


def _require_platform_plugin(platform: str) -> None:
    if platform and platform not in _plugins("platforms"):
        raise CheckFailed(f"Qt platform plugin '{platform}' missing (plugins/platforms)")


def check_qt_platform() -> str:
    from PySide6.QtCore import qVersion

    app = _qt_app()
    return f"Qt {qVersion()}, platform '{app.platformName()}'"


def check_ui() -> str:
    import importlib

    _qt_app()
    # Import only, no window: a module the build left out fails here, not at a worker's desk.
    module = importlib.import_module("app.ui.main")
    if not callable(getattr(module, "run_gui", None)):
        raise CheckFailed("app.ui.main has no run_gui")
    # Imported lazily by the window (a build can leave them out without anyone noticing).
    for name in ("app.ui.main_window", "app.ui.print_preview", "app.ui.sync_ui", "app.ui.reports"):
        importlib.import_module(name)
    return "the window modules import"


def check_qt_images() -> str:
    from PySide6.QtGui import QImageReader

    _qt_app()
    formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
    missing = [f for f in ("png", "svg") if f not in formats]
    if missing:
        raise CheckFailed(f"Qt image format plugin(s) missing: {', '.join(missing)}")
    return "png, svg"


def check_qt_print() -> str:
    from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

    _qt_app()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    if printer.outputFormat() != QPrinter.OutputFormat.PdfFormat:
        raise CheckFailed("QPrinter cannot write PDF")
    # Qt 6 builds the Windows and macOS printer backends into QtPrintSupport itself; only
    # Linux reaches printers through a plugin (CUPS), which must then be in the build.
    backends = _plugins("printsupport")
    if sys.platform.startswith("linux") and "cupsprintersupport" not in backends:
        raise CheckFailed("Qt print plugin missing (plugins/printsupport/cupsprintersupport)")
    backend = ", ".join(backends) or "built into QtPrintSupport"
    printers = len(QPrinterInfo.availablePrinterNames())
    return f"QPrinter PDF ok; printers via {backend}; {printers} printer(s) visible"


def check_qt_pdf() -> str:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtPdf import QPdfDocument

    _qt_app()
    buffer = QBuffer()
    buffer.setData(QByteArray(_tiny_pdf()))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() != 1:
        raise CheckFailed(f"QtPdf could not read a PDF ({document.error().name})")
    document.close()
    return "QPdfDocument read a one-page PDF from memory"


def _tiny_pdf() -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(72, 720, "CJIT Desk self-check")
    canvas.save()
    return out.getvalue()
