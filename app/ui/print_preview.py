"""Print preview: the notice's PDF shown from memory (QtPdf), then Qt's print dialog or
"Save as PDF" for a workstation with no printer.

No plaintext on disk: the PDF is read from a QBuffer; printing hands it to the spooler without a
temporary file (``app.ui.print_job``: the PDF itself to a CUPS queue, pages painted into the
QPrinter elsewhere); "Save as PDF" writes only where the worker chooses. Every print, reprint and export is recorded (a disclosure, DPA 2018
s.62) through ``app.services.notices.record_print``.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserFacingError
from app.services import notices
from app.ui import print_job, tasks
from app.ui.ops import StoreOp
from app.ui.screen_fit import resize_to_fit

UNAVAILABLE = (
    "Printing is not available for this notice: its PDF could not be made on this "
    "workstation. The notice itself has been issued and saved. Please tell IT."
)


def show_print_preview(
    window: QWidget, notice_id: str, pdf: bytes | None, reprint: bool
) -> QDialog | QMessageBox:
    """Open the preview (non-modal, so the idle lock still works); returns the dialog."""
    if pdf is None:
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Printing unavailable", UNAVAILABLE, parent=window
        )
        box.setObjectName("printUnavailable")
        box.open()
        return box
    dialog = PrintPreview(window, notice_id, pdf, reprint)
    dialog.open()
    return dialog


class PrintPreview(QDialog):
    def __init__(self, window: QWidget, notice_id: str, pdf: bytes, reprint: bool) -> None:
        super().__init__(window)
        self.setObjectName("printPreview")
        self.setWindowTitle("Reprint notice" if reprint else "Print notice")
        resize_to_fit(self, 760, 900)
        self.window_, self.notice_id, self.reprint = window, notice_id, reprint
        self.buffer = QBuffer(self)
        self.buffer.setData(QByteArray(pdf))
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self.buffer)
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        pages = self.document.pageCount()
        note = QLabel(
            f"{'REPRINT: every page is marked REPRINT. ' if self.reprint else ''}"
            f"{pages} page{'s' if pages != 1 else ''}. Printing and saving are recorded."
        )
        note.setObjectName("printPreviewNote")
        layout.addWidget(note)
        self.view = QPdfView(self)
        self.view.setObjectName("printPreviewView")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        layout.addWidget(self.view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.print_button = self._button(buttons, "Print…", "printButton", self.print_notice)
        self.save_button = self._button(buttons, "Save as PDF…", "savePdfButton", self.save_pdf)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.print_button.setDefault(True)

    def _button(self, box: QDialogButtonBox, text: str, name: str, slot) -> QPushButton:  # noqa: ANN001
        button = box.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    # --- actions ---------------------------------------------------------------------------

    def print_notice(self) -> None:
        """Send the notice to the chosen printer off the UI thread (handing the PDF to the
        spooler, or rendering each page, takes long enough to freeze the window)."""
        printer = self.ask_printer()
        if printer is None:
            return
        pdf = bytes(self.buffer.data())
        self.print_button.setEnabled(False)
        self.print_button.setText("Printing…")

        def sent(_result: object) -> None:
            self._printing_done()
            self._record("reprint" if self.reprint else "print")

        def failed(exc: BaseException) -> None:
            self._printing_done()
            tasks.show_error(self, exc, "Not printed")

        tasks.run(self, lambda: print_job.send(printer, pdf, lambda p: paint(p, pdf)), sent, failed)

    def _printing_done(self) -> None:
        self.print_button.setEnabled(True)
        self.print_button.setText("Print…")

    def save_pdf(self) -> None:
        path = self.ask_save_path()
        if not path:
            return
        try:
            with open(path, "wb") as out:
                out.write(bytes(self.buffer.data()))
        except OSError as exc:
            tasks.show_error(self, UserFacingError(f"The PDF was not saved: {exc.strerror}."))
            return
        self._record("pdf_export")

    def _record(self, kind: str) -> None:
        workspace, notice_id = self.window_.workspace, self.notice_id
        StoreOp(self, workspace, lambda: notices.record_print(workspace, notice_id, kind)).failure(
            lambda exc: tasks.show_error(self, exc, "Not recorded")
        ).run()

    # --- the dialogs (replaceable in tests: no physical printer here) -------------------------

    def ask_printer(self) -> QPrinter | None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("printDialog")
        # A file made by the print dialog would be an unrecorded export: "Save as PDF" is that.
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, False)
        return printer if dialog.exec() == QDialog.DialogCode.Accepted else None

    def ask_save_path(self) -> str:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the notice as a PDF", "notice.pdf", "PDF files (*.pdf)"
        )
        return path


def paint(printer: QPrinter, pdf: bytes) -> None:
    """Each page rendered at the printer's resolution and painted to fill its page. Runs on a
    worker thread (Qt allows painting on a QPrinter there), with its own document object."""
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    painter = QPainter()
    if not painter.begin(printer):
        raise UserFacingError("The printer could not be started. Choose another, or tell IT.")
    try:
        # 300 dpi is sharp on paper; a 1200 dpi A4 page would be a 550 MB image.
        dpi = min(printer.resolution(), 300)
        for index in range(document.pageCount()):
            if index:
                printer.newPage()
            points = document.pagePointSize(index)
            size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            image = document.render(index, size)
            target = painter.viewport()
            scaled = size.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRectF(0, 0, scaled.width(), scaled.height()), image)
    finally:
        painter.end()
        document.close()
