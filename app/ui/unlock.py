"""The unlock panel: used for the first sign-in and for the idle lock.

Key derivation takes ~0.2 s, so it runs off the UI thread with the button showing progress.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui import tasks


class UnlockPanel(QWidget):
    """Emits ``unlocked(result)`` with whatever ``attempt(username, passphrase)`` returned."""

    unlocked = Signal(object)

    def __init__(
        self,
        usernames: list[str],
        attempt: Callable[[str, str], object],
        heading: str = "Sign in to CJIT Desk",
        note: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("unlockPanel")
        self._attempt = attempt
        card = QFrame(objectName="unlockCard")
        card.setProperty("role", "card")
        card.setMinimumWidth(420)
        card.setMaximumWidth(520)
        title = QLabel(heading, objectName="unlockHeading")
        title.setProperty("role", "heading")
        self.note = QLabel(note, objectName="unlockNote", wordWrap=True)
        self.note.setProperty("role", "muted")
        self.note.setVisible(bool(note))

        self.worker = QComboBox(objectName="unlockWorker", editable=True)
        self.worker.addItems(usernames)
        self.worker.setAccessibleName("Worker")
        self.passphrase = QLineEdit(objectName="unlockPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.passphrase.returnPressed.connect(self.submit)
        self.message = QLabel("", objectName="unlockMessage", wordWrap=True)
        self.message.setProperty("role", "error")
        self.message.setAccessibleName("Sign-in message")
        self.button = QPushButton("Unlock", objectName="unlockButton")
        self.button.setProperty("primary", True)
        self.button.setDefault(True)
        self.button.clicked.connect(self.submit)

        form = QFormLayout()
        form.addRow("&Worker", self.worker)
        form.addRow("&Passphrase", self.passphrase)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(12)
        inner.addWidget(title)
        inner.addWidget(self.note)
        inner.addLayout(form)
        inner.addWidget(self.message)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.button)
        inner.addLayout(row)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addWidget(card, 2)
        centred.addStretch(1)
        outer.addLayout(centred)
        outer.addStretch(2)
        self.setTabOrder(self.worker, self.passphrase)
        self.setTabOrder(self.passphrase, self.button)

    def focus_first(self) -> None:
        # (setFocus() gives Qt.OtherFocusReason; not named here, see app/ui/main.py's imports)
        (self.passphrase if self.worker.currentText() else self.worker).setFocus()

    def reset(self, note: str = "") -> None:
        self.passphrase.clear()
        self.message.clear()
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.focus_first()

    def submit(self) -> None:
        username, passphrase = self.worker.currentText().strip(), self.passphrase.text()
        if not username:
            self.message.setText("Choose or type your username.")
            self.worker.setFocus()
            return
        if not passphrase:
            self.message.setText("Type your passphrase.")
            self.passphrase.setFocus()
            return
        self.button.setEnabled(False)
        self.button.setText("Unlocking…")
        self.message.clear()
        tasks.run(self, lambda: self._attempt(username, passphrase), self._done, self._failed)

    def _restore_button(self) -> None:
        self.button.setEnabled(True)
        self.button.setText("Unlock")

    def _done(self, result: object) -> None:
        self._restore_button()
        self.passphrase.clear()
        self.unlocked.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self._restore_button()
        self.message.setText(tasks.explain(exc))
        self.passphrase.selectAll()
        self.passphrase.setFocus()
