"""Idle lock: any key press, click or wheel anywhere in the app resets the countdown.

Also ``quiet``: a few seconds without input, the moment for work a worker must not feel (a full
garbage collection, see main_window._keep_heap)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

QUIET_MS = 4000


class IdleWatcher(QObject):
    """Told of every input by the application's event filter (``wheel_guard.WheelGuard.input``,
    connected by the main window): one filter for the whole application, not one each."""

    idle = Signal()
    quiet = Signal()

    def __init__(self, minutes: float, parent: QObject | None = None):
        super().__init__(parent)
        self.timer = QTimer(self, singleShot=True)
        self.timer.setInterval(int(minutes * 60_000))
        self.timer.timeout.connect(self.idle)
        self.quiet_timer = QTimer(self, singleShot=True, interval=QUIET_MS)
        self.quiet_timer.timeout.connect(self.quiet)

    def set_minutes(self, minutes: float) -> None:
        self.timer.setInterval(int(minutes * 60_000))
        self.timer.start()

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def activity(self) -> None:
        self.quiet_timer.start()
        if self.timer.isActive():
            self.timer.start()
