"""Status bar: online or offline, records not yet synced, last sync, who is signed in."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStatusBar

from app.services import workspace as ws
from app.storage.changes import Changes


class StatusBar(QStatusBar):
    def __init__(self, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.connection = QLabel("Offline", objectName="statusConnection")
        self.pending = QLabel("", objectName="statusPending")
        self.last_sync = QLabel("", objectName="statusLastSync")
        self.worker = QLabel("", objectName="statusWorker")
        for label in (self.connection, self.pending, self.last_sync, self.worker):
            label.setContentsMargins(8, 0, 8, 0)
            self.addPermanentWidget(label)
        self._workspace: ws.Workspace | None = None
        self._timer = QTimer(self, singleShot=True, interval=300)
        self._timer.timeout.connect(lambda: self.refresh(self._workspace))

    def set_worker(self, username: str, team_leader: bool) -> None:
        self.worker.setText(f"Signed in: {username}{' (team leader)' if team_leader else ''}")

    def set_online(self, online: bool, detail: str = "") -> None:
        self.connection.setText(
            ("● Online" if online else "○ Offline") + (f" — {detail}" if detail else "")
        )
        self.connection.setAccessibleName(self.connection.text())

    def store_changed(self, _changes: Changes) -> None:
        self._timer.start()  # every commit may change the count; read it once they settle

    def refresh(self, workspace: ws.Workspace | None) -> None:
        from app.services import sync_status
        from app.ui.ops import StoreOp

        if workspace is None:
            return
        self._workspace = workspace
        StoreOp(self, workspace, lambda: sync_status.summary(workspace)).success(
            self.show_summary
        ).run()

    def show_summary(self, state) -> None:  # noqa: ANN001
        # The same words and number as the quit prompt and End of shift (sync_status.summary).
        self.pending.setText(
            "All records synced"
            if state.pending == 0
            else f"{state.pending} record{'s' if state.pending != 1 else ''} not yet synced"
        )
        self.last_sync.setText(f"Last sync: {state.last_sync_text}")
