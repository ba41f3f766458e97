"""Sync in the window: background sync, End of shift, conflicts, and the prompt on closing.

``install_sync(window)`` is the one call MainWindow makes; it fills ``window.hooks``. Every sync
runs off the UI thread (tasks.run); the engine reports progress through a relay whose signal
is delivered on the UI thread.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QElapsedTimer, QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services import sync as sync_service
from app.services import sync_status
from app.services.workspace import UK
from app.ui import tasks
from app.ui.ops import StoreOp
from app.ui.screen_fit import resize_to_fit

log = logging.getLogger(__name__)
BACKGROUND_EVERY_MS = 5 * 60 * 1000


class ProgressRelay(QObject):
    """The engine's progress/cancel object: callable from the worker thread."""

    stepped = Signal(str, int, int)

    def __init__(self) -> None:
        super().__init__()
        self._cancel = threading.Event()

    def step(self, text: str, done: int = 0, total: int | None = None) -> None:
        self.stepped.emit(text, done, total or 0)

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()


_active: set[ProgressRelay] = set()  # syncs running now, so closing can stop them


def _track(relay: ProgressRelay) -> ProgressRelay:
    _active.add(relay)
    return relay


def stop_sync(window, limit_ms: int = 20_000) -> None:  # noqa: ANN001
    """Closing during a sync: ask it to stop at its next safe point (every step of a sync is
    its own transaction, so stopping between them loses nothing) and wait for it, keeping the
    window painted. After ``limit_ms`` (a network call that will not end) the store is closed
    anyway; the sync's next step then finds it closed and stops."""
    if not sync_service.is_running():
        return
    for relay in list(_active):
        relay.cancel()
    window.status.showMessage("Stopping the sync at a safe point before closing…")
    loop, waited = QEventLoop(), QElapsedTimer()
    waited.start()
    poll = QTimer(interval=50)
    poll.timeout.connect(
        lambda: (
            loop.quit() if not sync_service.is_running() or waited.hasExpired(limit_ms) else None
        )
    )
    poll.start()
    loop.exec()
    poll.stop()


class SyncController(QObject):
    """Background sync: on a timer, after unlock, and on Sync now; never two at once."""

    def __init__(self, window) -> None:  # noqa: ANN001
        super().__init__(window)
        self.window, self.running = window, False
        self.timer = QTimer(self, objectName="syncTimer", interval=BACKGROUND_EVERY_MS)
        self.timer.timeout.connect(self.sync_in_background)
        self.timer.start()
        window.hub.changed.connect(self._on_changed)
        QTimer.singleShot(3000, self, self.sync_in_background)

    def _on_changed(self, what: str, _record_id: str) -> None:
        if what == "worker":  # just unlocked: a good moment to sync
            self.sync_in_background()

    def sync_in_background(self) -> None:
        if self.running or self.window.frame.currentWidget() is self.window.lock_panel:
            return
        self.running = True
        workspace, relay = self.window.workspace, _track(ProgressRelay())
        relay.stepped.connect(self._stepped)
        tasks.run(
            self.window,
            lambda: sync_service.sync_now(workspace, relay),
            lambda summary: self._done(relay, summary),
            lambda exc: self._failed(relay, exc),
        )

    def _stepped(self, text: str, done: int, _total: int) -> None:
        """Records arriving or leaving, counted in the status bar: a new workstation's first
        sync receives years of a suite's records, and the worker sees them come (issue 16.5).
        Steps without a count (a routine sync's checks) stay quiet."""
        if done:
            self.window.status.showMessage(f"Sync: {text.lower()}… {done:,}", 10_000)

    def _done(self, relay: ProgressRelay, summary: sync_service.SyncSummary) -> None:
        self.running = False
        _active.discard(relay)
        show_summary_in_status(self.window, summary)

    def _failed(self, relay: ProgressRelay, exc: BaseException) -> None:
        self.running = False
        _active.discard(relay)
        log.warning("background sync failed: %s", type(exc).__name__)
        self.window.status.set_online(False, "sync failed: see End of shift")


def show_summary_in_status(window, summary: sync_service.SyncSummary) -> None:  # noqa: ANN001
    if summary.offline:
        window.status.set_online(False)
    else:
        window.status.set_online(True, "needs attention" if summary.failures else "")
    window.hub.changed.emit("sync", "")
    window.status.refresh(window.workspace)


class EndOfShiftDialog(QDialog):
    """A progress dialog with counts, then the summary: pushed, pulled, conflicts, failures."""

    def __init__(self, window) -> None:  # noqa: ANN001
        super().__init__(window)
        self.setObjectName("endOfShiftDialog")
        self.setWindowTitle("End of shift — sync with the central store")
        self.window_ = window
        self.stage = QLabel("Starting…", objectName="endOfShiftStage")
        self.bar = QProgressBar(objectName="endOfShiftProgress")
        self.bar.setRange(0, 0)
        self.summary = QLabel("", objectName="endOfShiftSummary", wordWrap=True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.cancel_button = QPushButton("&Stop", objectName="endOfShiftCancel")
        self.conflicts_button = QPushButton("&Conflicts…", objectName="endOfShiftConflicts")
        self.close_button = QPushButton("&Close", objectName="endOfShiftClose")
        self.conflicts_button.hide()
        self.close_button.setEnabled(False)
        layout = QVBoxLayout(self)
        for widget in (self.stage, self.bar, self.summary):
            layout.addWidget(widget)
        buttons = QDialogButtonBox(self)
        for button in (self.cancel_button, self.conflicts_button, self.close_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        layout.addWidget(buttons)
        self.relay = _track(ProgressRelay())
        self.relay.stepped.connect(self._stepped)
        self.cancel_button.clicked.connect(self._cancel)
        self.close_button.clicked.connect(self.accept)
        self.conflicts_button.clicked.connect(lambda: ConflictsDialog(window, self).open())
        self.result_summary: sync_service.SyncSummary | None = None
        resize_to_fit(self, 520, 260)

    def start(self) -> None:
        workspace, relay = self.window_.workspace, self.relay
        tasks.run(self, lambda: sync_service.sync_now(workspace, relay), self._done, self._failed)

    def _stepped(self, text: str, done: int, total: int) -> None:
        self.stage.setText(f"{text}… {done}" if done and not total else f"{text}…")
        if total:
            self.bar.setRange(0, total)
            self.bar.setValue(done)

    def _cancel(self) -> None:
        self.relay.cancel()
        self.cancel_button.setEnabled(False)
        self.stage.setText("Stopping after the current step…")

    def _done(self, summary: sync_service.SyncSummary) -> None:
        _active.discard(self.relay)
        self.result_summary = summary
        self.bar.setRange(0, 1)
        # A full bar says "all done": offline or with problems, it stays empty and says so.
        finished = not (summary.offline or summary.failures)
        self.bar.setValue(1 if finished else 0)
        self.bar.setFormat("Done" if finished else "Not synced")
        self.stage.setText(summary.headline)
        self.summary.setText(describe(summary))
        self.conflicts_button.setVisible(summary.conflicts > 0)
        self.cancel_button.setEnabled(False)
        self.close_button.setEnabled(True)
        self.close_button.setFocus()
        show_summary_in_status(self.window_, summary)

    def _failed(self, exc: BaseException) -> None:
        self._done(
            sync_service.SyncSummary(
                failures=[sync_service.Failure(tasks.explain(exc), "Tell IT.")]
            )
        )


def describe(summary: sync_service.SyncSummary) -> str:
    lines = [
        f"Sent: {summary.pushed}",
        f"Received: {summary.pulled}",
        f"Conflicts to decide: {summary.conflicts}",
        f"Old closed episodes removed from this workstation: {summary.erased}",
    ]
    if summary.offline:
        lines = [sync_service.OFFLINE, "Your work is kept on this workstation."]
    for failure in summary.failures:
        lines += ["", f"Problem: {failure.reason}", f"What to do: {failure.what_to_do}"]
    lines += [f"Note: {note}" for note in summary.notes]
    return "\n".join(lines)


def end_of_shift(window) -> EndOfShiftDialog:  # noqa: ANN001
    dialog = EndOfShiftDialog(window)
    dialog.open()
    dialog.start()
    return dialog


class ConflictsDialog(QDialog):
    """Each conflict: field, value kept, other value, who/when; Confirm or Change."""

    HEADERS = ("Record", "Field", "Value kept", "Other value", "Who", "When")

    def __init__(self, window, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(parent or window)
        self.setObjectName("conflictsDialog")
        self.setWindowTitle("Conflicting edits")
        self.workspace = window.workspace
        self.table = QTableWidget(0, len(self.HEADERS), objectName="conflictsTable")
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        confirm = QPushButton("C&onfirm the kept value", objectName="conflictConfirm")
        change = QPushButton("C&hange…", objectName="conflictChange")
        done = QPushButton("&Done", objectName="conflictsDone")
        confirm.clicked.connect(lambda: self._resolve(change=False))
        change.clicked.connect(lambda: self._resolve(change=True))
        done.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "A colleague's sync changed the same answers. The central store "
                "kept the value shown; confirm it or change it.",
                wordWrap=True,
            )
        )
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(self)
        for button in (confirm, change, done):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        layout.addWidget(buttons)
        resize_to_fit(self, 760, 360)
        self.refresh()

    def refresh(self) -> None:
        workspace = self.workspace
        StoreOp(self, workspace, lambda: sync_service.conflicts(workspace)).success(
            self._show
        ).run()

    def _show(self, found: list[sync_service.ConflictView]) -> None:
        self.items = [c for c in found if not c.seen]
        self.table.setRowCount(len(self.items))
        for row, c in enumerate(self.items):
            when = c.when.astimezone(UK).strftime("%d %b %H:%M") if c.when else ""
            values = (
                c.record_type,
                c.field.removeprefix("answers."),
                str(c.kept),
                str(c.other),
                c.who,
                when,
            )
            for column, text in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if self.items:
            self.table.selectRow(0)

    def _resolve(self, change: bool) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.items):
            return
        conflict = self.items[row]
        value = conflict.kept
        if change:
            if isinstance(conflict.other, str) or conflict.other is None:
                text, ok = QInputDialog.getText(
                    self, "Change the value", conflict.field, text=str(conflict.other or "")
                )
                if not ok:
                    return
                value = text
            else:
                value = conflict.other
        workspace = self.workspace
        StoreOp(
            self, workspace, lambda: sync_service.resolve_conflict(workspace, conflict.id, value)
        ).success(lambda _: self.refresh()).run()


def before_close(window, proceed) -> None:  # noqa: ANN001
    """Closing with unsynced records asks first: Sync and quit / Quit without syncing / Cancel.
    ``proceed(True)`` closes, ``proceed(False)`` keeps the window open."""
    workspace = window.workspace

    def ask(summary: sync_status.SyncSummary) -> None:
        window.status.show_summary(summary)  # the status bar and the prompt: one count
        _ask_before_close(window, summary.pending, proceed)

    StoreOp(window, workspace, lambda: sync_status.summary(workspace)).success(ask).failure(
        lambda _exc: proceed(True)
    ).run()


def _ask_before_close(window, pending: int, proceed) -> None:  # noqa: ANN001
    if pending == 0:
        proceed(True)
        return
    box = QMessageBox(QMessageBox.Icon.Question, "Records not yet synced",
                      f"{pending} records on this workstation are not yet on the central store. "
                      "Sync before quitting?", parent=window)  # fmt: skip
    box.setObjectName("closePrompt")
    sync_quit = box.addButton("&Sync and quit", QMessageBox.ButtonRole.AcceptRole)
    quit_anyway = box.addButton("&Quit without syncing", QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
    for button, name in (
        (sync_quit, "closeSyncAndQuit"),
        (quit_anyway, "closeQuitAnyway"),
        (cancel, "closeCancel"),
    ):
        button.setObjectName(name)
    box.setDefaultButton(sync_quit)
    box.exec()
    if box.clickedButton() is sync_quit:
        dialog = EndOfShiftDialog(window)
        dialog.start()
        dialog.exec()
        proceed(True)
        return
    proceed(box.clickedButton() is quit_anyway)


def install_sync(window) -> SyncController | None:  # noqa: ANN001
    """Wire sync into the window, when this workstation is enrolled or a central store is set."""
    workspace = window.workspace
    if workspace.settings.central_url:
        return _install(window)
    StoreOp(window, workspace, lambda: sync_service.is_enrolled(workspace)).success(
        lambda enrolled: _install(window) if enrolled else None
    ).run()
    return None


def _install(window) -> SyncController:  # noqa: ANN001
    controller = SyncController(window)
    window.hooks["sync"] = lambda w: controller.sync_in_background()
    window.hooks["end_of_shift"] = end_of_shift
    window.hooks["before_close"] = before_close
    window.hooks["stop_sync"] = stop_sync

    def reports(w) -> None:  # noqa: ANN001
        from app.ui.reports import ReportsDialog

        ReportsDialog(w).open()

    window.hooks["reports"] = reports
    window.sync_controller = controller
    return controller
