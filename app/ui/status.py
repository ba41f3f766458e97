"""Status bar: online or offline, records not yet synced, last sync, who is signed in."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar

from app.services import workspace as ws


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

    def set_worker(self, username: str, team_leader: bool) -> None:
        self.worker.setText(f"Signed in: {username}{' (team leader)' if team_leader else ''}")

    def set_online(self, online: bool, detail: str = "") -> None:
        self.connection.setText(
            ("● Online" if online else "○ Offline") + (f" — {detail}" if detail else "")
        )
        self.connection.setAccessibleName(self.connection.text())

    def refresh(self, workspace: ws.Workspace) -> None:
        from app.services import sync_status

        state = sync_status.summary(workspace)
        self.pending.setText(
            "All records synced" if state.pending == 0 else f"{state.pending} not yet synced"
        )
        self.last_sync.setText(f"Last sync: {state.last_sync_text}")
