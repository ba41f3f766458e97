"""First run: data directory, the first (team-leader) worker, the recovery key shown once,
optional enrolment with a central store."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from app.config import Settings
from app.errors import UserFacingError
from app.services import workspace as ws
from app.storage.keyslots import MIN_PASSPHRASE_LENGTH
from app.ui import tasks
from app.ui.screen_fit import resize_to_fit


def _label(text: str, role: str = "muted") -> QLabel:
    label = QLabel(text, wordWrap=True)
    label.setProperty("role", role)
    return label


class DataDirPage(QWizardPage):
    def __init__(self, settings: Settings):
        super().__init__()
        self.setTitle("Welcome to CJIT Desk")
        self.setSubTitle("Set up this workstation. It takes two minutes.")
        self.path = QLineEdit(str(settings.data_dir), objectName="setupDataDir")
        self.path.setAccessibleName("Data directory")
        browse = QPushButton("Browse…", objectName="setupBrowse")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addWidget(
            _label(
                "CJIT Desk keeps everything in one encrypted folder on this computer. Nothing is "
                "stored unencrypted. Police IT may have chosen the folder already."
            )
        )
        layout.addWidget(QLabel("&Data folder", buddy=self.path))
        layout.addLayout(row)
        self.error = _label("", "error")
        layout.addWidget(self.error)
        layout.addStretch(1)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Choose the data folder", self.path.text())
        if chosen:
            self.path.setText(chosen)

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        path = Path(self.path.text().strip()).expanduser()
        if (path / "keyslots.json").exists():
            self.error.setText(
                "This folder already holds CJIT Desk data. Choose an empty folder, "
                "or close this window and sign in."
            )
            return False
        return True


class WorkerPage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle("The first team leader")
        self.setSubTitle("This person can add other workers and reset forgotten passphrases.")
        self.username = QLineEdit(objectName="setupUsername", placeholderText="e.g. j.smith")
        self.display_name = QLineEdit(
            objectName="setupDisplayName", placeholderText="e.g. Jo Smith"
        )
        self.passphrase = QLineEdit(objectName="setupPassphrase")
        self.confirm = QLineEdit(objectName="setupConfirm")
        for edit in (self.passphrase, self.confirm):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout(self)
        form.addRow("&Username", self.username)
        form.addRow("Full &name", self.display_name)
        form.addRow("&Passphrase", self.passphrase)
        form.addRow("&Type it again", self.confirm)
        form.addRow(
            _label(
                f"At least {MIN_PASSPHRASE_LENGTH} characters. A few unrelated words "
                "are easy to remember and hard to guess."
            )
        )
        self.error = _label("", "error")
        self.error.setObjectName("setupError")
        form.addRow(self.error)

    def validatePage(self) -> bool:  # noqa: N802
        if self.passphrase.text() != self.confirm.text():
            self.error.setText("The two passphrases differ. Type them again.")
            return False
        wizard: SetupWizard = self.wizard()  # type: ignore[assignment]
        settings = replace(
            wizard.settings, data_dir=Path(wizard.data_page.path.text()).expanduser()
        )
        username, passphrase = self.username.text(), self.passphrase.text()
        display_name = self.display_name.text().strip() or username.strip()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            # Key derivation and the first migration take ~0.3 s: off the UI thread, but the
            # wizard must not move on until the store exists.
            wizard.workspace, wizard.recovery_key = tasks.wait_for(
                lambda: ws.set_up(settings, username, display_name, passphrase)
            )
        except UserFacingError as exc:
            self.error.setText(str(exc))
            return False
        finally:
            QApplication.restoreOverrideCursor()
        wizard.key_page.show_key(wizard.recovery_key)
        return True


class RecoveryKeyPage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle("The recovery key")
        self.setSubTitle(
            "Shown once. It opens this workstation's data if every passphrase is lost."
        )
        self.key = QLabel(
            "",
            objectName="setupRecoveryKey",
            textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse,
        )
        font = QFont("DejaVu Sans Mono")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(16)
        self.key.setFont(font)
        copy = QPushButton("Copy", objectName="setupCopyKey")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.key.text()))
        print_button = QPushButton("Print…", objectName="setupPrintKey")
        print_button.clicked.connect(self._print)
        self.done = QCheckBox(
            "I have printed or written down the recovery key, and the team "
            "leader will keep it locked away.",
            objectName="setupKeyKept",
        )
        self.done.toggled.connect(self.completeChanged)
        layout = QVBoxLayout(self)
        layout.addWidget(
            _label(
                "Write it down or print it now. Keep it locked away, apart from "
                "this computer. Anyone holding it can open the data."
            )
        )
        layout.addWidget(self.key)
        buttons = QHBoxLayout()
        buttons.addWidget(print_button)
        buttons.addWidget(copy)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.done)
        layout.addStretch(1)

    def _print(self) -> None:
        # Straight to the printer: the key must never be written to a file or a spool folder
        # we control, so there is no "save as PDF" here.
        from PySide6.QtGui import QPainter, QTextDocument
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec() != QPrintDialog.DialogCode.Accepted:
            return
        doc = QTextDocument()
        doc.setHtml(
            "<h1>CJIT Desk recovery key</h1>"
            f"<p style='font-size:20pt; font-family:monospace'>{self.key.text()}</p>"
            "<p>It opens this workstation's data if every passphrase is lost. Keep it locked "
            "away, apart from the computer. Anyone holding it can open the data.</p>"
        )
        painter = QPainter(printer)
        doc.drawContents(painter)
        painter.end()

    def show_key(self, key: str) -> None:
        self.key.setText(key)

    def isComplete(self) -> bool:  # noqa: N802
        return self.done.isChecked()


class CentralPage(QWizardPage):
    def __init__(self, settings: Settings):
        super().__init__()
        self.setTitle("The central store (optional)")
        self.setSubTitle("Enrol to sync at the end of each shift. You can do this later.")
        self.url = QLineEdit(
            settings.central_url or "",
            objectName="setupCentralUrl",
            placeholderText="https://cjit-central.example.nhs.uk",
        )
        self.code = QLineEdit(objectName="setupEnrolCode", placeholderText="from your team leader")
        self.error = _label("", "error")
        form = QFormLayout(self)
        form.addRow("&Address", self.url)
        form.addRow("&Enrolment code", self.code)
        form.addRow(
            _label(
                "Leave both empty to work offline. Offline is normal: everything "
                "works without the network."
            )
        )
        form.addRow(self.error)

    def validatePage(self) -> bool:  # noqa: N802
        if not self.url.text().strip() and not self.code.text().strip():
            return True
        wizard: SetupWizard = self.wizard()  # type: ignore[assignment]
        try:
            from app.services import sync as sync_service

            url, code = self.url.text().strip(), self.code.text().strip()
            tasks.wait_for(lambda: sync_service.enrol(wizard.workspace, url, code))
        except UserFacingError as exc:
            self.error.setText(str(exc))
            return False
        except ImportError:
            self.error.setText("Enrolment is not available in this build; skip it for now.")
            return False
        return True


class SetupWizard(QWizard):
    def __init__(self, settings: Settings, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.setObjectName("setupWizard")
        self.setWindowTitle("CJIT Desk — set up this workstation")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage)
        self.settings = settings
        self.workspace: ws.Workspace | None = None
        self.recovery_key = ""
        self.data_page = DataDirPage(settings)
        self.worker_page = WorkerPage()
        self.key_page = RecoveryKeyPage()
        self.central_page = CentralPage(settings)
        for page in (self.data_page, self.worker_page, self.key_page, self.central_page):
            self.addPage(page)
        resize_to_fit(self, 640, 480)

    def reject(self) -> None:
        if self.workspace is not None:  # the store exists: finish rather than strand it
            tasks.show_error(
                self,
                UserFacingError(
                    "The data is already created. Confirm the recovery key, then finish."
                ),
            )
            return
        super().reject()
