"""Team-leader screens: workers, the audit log of an episode, local policy."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
)

from app.services import audit_view, reference
from app.services.workspace import UK, Workspace
from app.ui import tasks
from app.ui.hub import Hub
from app.ui.ops import StoreOp
from app.ui.screen_fit import resize_to_fit


class _PassphraseDialog(QDialog):
    def __init__(self, title: str, with_identity: bool, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("passphraseDialog")
        form = QFormLayout(self)
        self.username = QLineEdit(objectName="newUsername")
        self.display_name = QLineEdit(objectName="newDisplayName")
        self.role = QComboBox(objectName="newRole")
        self.role.addItem("Worker", "worker")
        self.role.addItem("Team leader", "team_leader")
        if with_identity:
            form.addRow("&Username", self.username)
            form.addRow("Full &name", self.display_name)
            form.addRow("&Role", self.role)
        self.passphrase = QLineEdit(
            objectName="newPassphrase", echoMode=QLineEdit.EchoMode.Password
        )
        self.confirm = QLineEdit(objectName="newConfirm", echoMode=QLineEdit.EchoMode.Password)
        form.addRow("&Passphrase", self.passphrase)
        form.addRow("&Type it again", self.confirm)
        self.error = QLabel("", wordWrap=True, objectName="passphraseError")
        self.error.setProperty("role", "error")
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    submit = None  # set by a caller that checks with the store before the dialog closes

    def _check(self) -> None:
        if self.passphrase.text() != self.confirm.text():
            self.error.setText("The two passphrases differ. Type them again.")
            return
        if callable(self.submit):
            self.submit()
        else:
            self.accept()


class WorkersDialog(QDialog):
    def __init__(self, workspace: Workspace, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.setObjectName("workersDialog")
        self.setWindowTitle("Workers on this workstation")
        self.workspace = workspace
        self.list = QListWidget(objectName="workersList")
        add = QPushButton("&Add worker…", objectName="addWorker")
        remove = QPushButton("&Remove", objectName="removeWorker")
        reset = QPushButton("Reset &passphrase…", objectName="resetPassphrase")
        add.clicked.connect(self._add)
        remove.clicked.connect(self._remove)
        reset.clicked.connect(self._reset)
        self.message = QLabel("", wordWrap=True, objectName="workersMessage")
        buttons = QHBoxLayout()
        for b in (add, remove, reset):
            buttons.addWidget(b)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(close)
        resize_to_fit(self, 520, 380)
        self._refresh()

    def _refresh(self) -> None:
        StoreOp(self, self.workspace, self.workspace.store.workers).success(self._show).run()

    def _show(self, workers: list) -> None:
        self.list.clear()
        for w in workers:
            role = "team leader" if w.role == "team_leader" else "worker"
            self.list.addItem(f"{w.username} — {w.display_name} ({role})")
            self.list.item(self.list.count() - 1).setData(256, w.username)

    def _selected(self) -> str | None:
        item = self.list.currentItem()
        return item.data(256) if item else None

    def _do(self, fn, done_text: str) -> None:  # noqa: ANN001
        """Run a change of workers on the store executor (it derives keys: ~0.2 s)."""
        self.message.setText("Working…")

        def done(_result: object) -> None:
            self.message.setText(done_text)
            self._refresh()

        StoreOp(self, self.workspace, fn).success(done).failure(
            lambda exc: self.message.setText(tasks.explain(exc))
        ).run()

    def _add(self) -> None:
        """The dialog stays open, with what was typed, until the store takes the worker: a
        refusal (a weak passphrase, a username in use) is shown in it, to correct there."""
        dialog = _PassphraseDialog("Add a worker", True, self)
        dialog.submit = lambda: self._submit_add(dialog)
        dialog.open()

    def _submit_add(self, dialog: _PassphraseDialog) -> None:
        username = dialog.username.text()
        dialog.error.setText("Working…")
        dialog.setEnabled(False)

        def added(_result: object) -> None:
            dialog.accept()
            self.message.setText(f"'{username}' can now sign in.")
            self._refresh()

        def refused(exc: BaseException) -> None:
            dialog.setEnabled(True)
            dialog.error.setText(tasks.explain(exc))

        store = self.workspace.store
        name, passphrase, role = (
            dialog.display_name.text().strip() or username,
            dialog.passphrase.text(),
            dialog.role.currentData(),
        )
        StoreOp(self, self.workspace, lambda: store.add_worker(username, name, passphrase, role))\
            .success(added).failure(refused).run()  # fmt: skip

    def _remove(self) -> None:
        username = self._selected()
        if not username:
            self.message.setText("Choose a worker in the list first.")
            return
        answer = QMessageBox.question(
            self,
            "Remove worker",
            f"Remove '{username}'? They will no longer be able to sign in. "
            "Their past work stays, under their name.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,  # the safe answer is the default
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._do(
                lambda: self.workspace.store.remove_worker(username), f"'{username}' was removed."
            )

    def _reset(self) -> None:
        username = self._selected()
        if not username:
            self.message.setText("Choose a worker in the list first.")
            return
        dialog = _PassphraseDialog(f"New passphrase for {username}", False, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._do(
                lambda: self.workspace.store.reset_passphrase(username, dialog.passphrase.text()),
                f"The passphrase of '{username}' was reset.",
            )


class AuditDialog(QDialog):
    def __init__(
        self,
        workspace: Workspace,
        episode_id: str | None,
        parent=None,  # noqa: ANN001
        whose: str = "",
    ):
        super().__init__(parent)
        self.setObjectName("auditDialog")
        self.setWindowTitle(f"Audit log — {whose}" if whose else "Audit log")
        layout = QVBoxLayout(self)
        self.whose = QLabel(
            f"Audit log of the episode of {whose}" if whose else "", objectName="auditWhose"
        )
        self.whose.setProperty("role", "subheading")
        self.whose.setWordWrap(True)
        layout.addWidget(self.whose)
        self.table = QTableWidget(0, 5, objectName="auditTable")
        self.table.setHorizontalHeaderLabels(["When", "Who", "Action", "What", "Reason"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        resize_to_fit(self, 760, 440)
        if not episode_id:
            self.whose.setText(
                "Select an episode on the shift board, or open one, to see its audit log."
            )
            return
        StoreOp(self, workspace, lambda: audit_view.episode_audit(workspace, episode_id)).success(
            self._show
        ).failure(lambda exc: layout.insertWidget(0, QLabel(tasks.explain(exc)))).run()

    def _show(self, lines: list) -> None:
        self.table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            values = [
                line.at.astimezone(UK).strftime("%d/%m/%Y %H:%M:%S"),
                line.actor,
                line.action,
                line.what.replace("_", " "),
                line.reason,
            ]
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))


class PolicyDialog(QDialog):
    """Local policy: appointment windows and duty hours (defaults from the needs assessment)."""

    _NUMBERS = [
        ("in_hours_latest_working_days", "In duty hours: appointment within (working days)"),
        ("out_of_hours_earliest_working_days", "Out of hours: earliest (working days)"),
        ("out_of_hours_latest_working_days", "Out of hours: latest (working days)"),
        ("disputed_working_days", "Disputed test: appointment after (working days)"),
        ("follow_up_working_days", "Follow-up within (working days)"),
        ("out_of_area_hours", "Resident elsewhere: within (hours)"),
    ]

    def __init__(self, workspace: Workspace, hub: Hub, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.setObjectName("policyDialog")
        self.setWindowTitle("Local policy")
        self.workspace, self.hub = workspace, hub
        form = QFormLayout(self)
        self.duty_start = QTimeEdit(objectName="policyDutyStart")
        self.duty_end = QTimeEdit(objectName="policyDutyEnd")
        form.addRow("Duty hours &start", self.duty_start)
        form.addRow("Duty hours &end", self.duty_end)
        self.spins: dict[str, QSpinBox] = {}
        for key, label in self._NUMBERS:
            spin = QSpinBox(objectName=f"policy_{key}", minimum=1, maximum=200)
            form.addRow(label, spin)
            self.spins[key] = spin
        self.error = QLabel("", wordWrap=True, objectName="policyError")
        self.error.setProperty("role", "error")
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setEnabled(False)  # until the current policy has been read
        StoreOp(self, workspace, lambda: reference.policy(workspace)).success(self._show).run()

    def _show(self, current) -> None:  # noqa: ANN001
        self.duty_start.setTime(current.duty_start)
        self.duty_end.setTime(current.duty_end)
        for key, spin in self.spins.items():
            spin.setValue(getattr(current, key))
        self.setEnabled(True)

    def _save(self) -> None:
        values = {k: s.value() for k, s in self.spins.items()}
        values["duty_start"] = self.duty_start.time().toString("HH:mm")
        values["duty_end"] = self.duty_end.time().toString("HH:mm")
        workspace = self.workspace
        StoreOp(self, workspace, lambda: reference.set_policy(workspace, values)).success(
            lambda _policy: self.accept()
        ).failure(lambda exc: self.error.setText(tasks.explain(exc))).run()


__all__ = ["AuditDialog", "PolicyDialog", "WorkersDialog", "tasks"]
