"""The main window: a frame around the feature screens (shift board, episode), the lock screen,
the actions and their shortcuts, and the status bar. Features live in their own modules."""

from __future__ import annotations

import gc
import logging
import threading

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QStackedWidget

from app.services import workspace as ws
from app.ui.hub import Hub
from app.ui.idle import IdleWatcher
from app.ui.ops import StoreOp
from app.ui.status import StatusBar
from app.ui.unlock import UnlockPanel

log = logging.getLogger(__name__)
WARM_UP_AFTER_MS = 3000


class MainWindow(QMainWindow):
    def __init__(self, workspace: ws.Workspace, hub: Hub | None = None):
        super().__init__()
        from app.ui import wheel_guard

        # Also when made without make_application; its own window is watched once shown.
        self._input = wheel_guard.install(QApplication.instance())
        self.setObjectName("mainWindow")
        self.workspace = workspace
        self.hub = hub or Hub(self)
        self.setWindowTitle("CJIT Desk — Bridewell custody suite")
        self.hooks: dict[str, object] = {}  # print / sync hooks, replaceable in tests

        from app.ui.board import ShiftBoard
        from app.ui.episode import EpisodeView

        self.board = ShiftBoard(self)
        self.episode = EpisodeView(self)
        self.pages = QStackedWidget(objectName="pages")
        self.pages.addWidget(self.board)
        self.pages.addWidget(self.episode)

        self.lock_panel = UnlockPanel(
            ws.known_workers(workspace.settings),
            self._switch_worker,
            heading="CJIT Desk is locked",
            note="Your work is kept. You, or another worker, can sign in to carry on.",
        )
        self.lock_panel.unlocked.connect(self._unlocked)
        self.frame = QStackedWidget(objectName="frame")
        self.frame.addWidget(self.pages)
        self.frame.addWidget(self.lock_panel)
        self.setCentralWidget(self.frame)

        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self._make_actions()
        self._closing = False
        # From here on the store is only reached through StoreOps: the UI thread never waits
        # for the store (a sync may be holding it), and every commit reaches the views.
        workspace.store.gate.forbid(threading.current_thread())
        self.hub.connect_store(workspace.store)
        self.hub.store_changed.connect(self.status.store_changed)
        from app.ui.sync_ui import install_sync

        install_sync(self)  # only when enrolled or a central store is configured

        self.idle = IdleWatcher(workspace.settings.idle_lock_minutes, self)
        self.idle.idle.connect(self.lock)
        self._input.input.connect(self.idle.activity)
        self.idle.start()
        self.hub.changed.connect(self._on_changed)
        from app.ui import screen_fit

        screen_fit.restore_main_window(self, workspace.settings.data_dir, screen_fit.WANTED)
        self.status.refresh(workspace)
        self.show_board()
        self._return_to_last_place()
        _keep_heap(self.idle)
        QTimer.singleShot(WARM_UP_AFTER_MS, self, self._warm_up_printing)

    def op(self, fn) -> StoreOp:  # noqa: ANN001
        return StoreOp(self, self.workspace, fn)

    def _return_to_last_place(self) -> None:
        from app.services import episodes

        def go(place: tuple[str | None, str | None]) -> None:
            episode_id, form_key = place
            if episode_id and not self._locked():
                self.open_episode(episode_id, form_key)

        self.op(lambda: episodes.last_place(self.workspace)).success(go).run()

    # --- actions -------------------------------------------------------------------------------

    def _make_actions(self) -> None:
        spec = [
            ("File", "actionNewEpisode", "&New episode", "Ctrl+N", self.new_episode),
            ("File", "actionFind", "&Find a person…", "Ctrl+F", self.find),
            ("File", "actionBoard", "Shift &board", "Ctrl+B", self.show_board),
            ("File", "actionPrint", "&Print notice…", "Ctrl+P", self.print_current),
            ("File", "actionSync", "&Sync now", "Ctrl+Shift+S", self.sync_now),
            ("File", "actionEndOfShift", "&End of shift…", "Ctrl+Shift+E", self.end_of_shift),
            ("File", "actionLock", "&Lock", "Ctrl+L", self.lock),
            ("File", "actionQuit", "&Quit", "Ctrl+Q", self.close),
            ("Team", "actionWorkers", "&Workers…", "", self.manage_workers),
            ("Team", "actionAuditLog", "&Audit log of the episode…", "", self.show_audit),
            ("Team", "actionPolicy", "Local &policy…", "", self.edit_policy),
            ("Team", "actionReports", "&Reports…", "", self.show_reports),
            ("Help", "actionShortcuts", "&Keyboard shortcuts", "F1", self.show_shortcuts),
        ]
        menus: dict[str, object] = {}
        self.actions_by_name: dict[str, QAction] = {}
        for menu_name, name, text, shortcut, handler in spec:
            menu = menus.get(menu_name) or self.menuBar().addMenu(f"&{menu_name}")
            menus[menu_name] = menu
            action = QAction(text, self, objectName=name)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
                action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
            action.triggered.connect(handler)
            menu.addAction(action)
            self.addAction(action)
            self.actions_by_name[name] = action
        self._team_menu = menus["Team"]
        self._apply_role()

    def _apply_role(self) -> None:
        leader = self.workspace.is_team_leader
        for name in ("actionWorkers", "actionPolicy", "actionReports"):
            self.actions_by_name[name].setEnabled(leader)
        self.status.set_worker(self.workspace.worker.username, leader)

    def _locked(self) -> bool:
        return self.frame.currentWidget() is self.lock_panel

    # --- navigation ----------------------------------------------------------------------------

    def show_board(self) -> None:
        if self._locked():
            return
        self.episode.flush()
        if self.pages.currentWidget() is self.episode:
            self.episode.remember_place(None)
            self.episode.leave()
        self.board.refresh()
        self.pages.setCurrentWidget(self.board)
        self.board.focus_default()

    def open_episode(self, episode_id: str, form_key: str | None = None) -> None:
        """Load the episode on the executor; the page switches once it is there."""
        if self._locked():
            return

        def shown() -> None:
            self.pages.setCurrentWidget(self.episode)
            if form_key:
                self.episode.show_form(form_key)
            self.episode.focus_form()  # typing goes into the form, never onto a button

        self.episode.load(episode_id, then=shown)

    def new_episode(self) -> None:
        if self._locked():
            return
        from app.services import episodes

        self.episode.flush()
        self.op(lambda: episodes.new_episode(self.workspace)).success(self.open_episode).run()

    def find(self) -> None:
        if self._locked():
            return
        self.show_board()
        self.board.focus_search()

    def print_current(self) -> None:
        if not self._locked() and self.pages.currentWidget() is self.episode:
            self.episode.print_notice()

    # --- lock ----------------------------------------------------------------------------------

    def lock(self) -> None:
        if self._locked():
            return
        self.episode.flush()  # save first: the next person at the keyboard may be someone else
        self.idle.stop()
        self.lock_panel.worker.setCurrentText(self.workspace.worker.username)
        self.frame.setCurrentWidget(self.lock_panel)
        self.menuBar().setEnabled(False)
        self.lock_panel.reset("Your work is kept. You, or another worker, can sign in to carry on.")
        log.info("window locked")

    def _switch_worker(self, username: str, passphrase: str) -> str:
        """Runs on a pool thread (the unlock panel's); the store work itself is queued on the
        store executor like every other unit of work."""
        store = self.workspace.store
        self.workspace.submit(lambda: store.switch_worker(username, passphrase)).result()
        return username

    def _unlocked(self, _username: object) -> None:
        self.frame.setCurrentWidget(self.pages)
        self.menuBar().setEnabled(True)
        self._apply_role()
        self.idle.start()
        self.hub.changed.emit("worker", self.workspace.worker.id or "")

    # --- hooks for later features ---------------------------------------------------------------

    def sync_now(self) -> None:
        hook = self.hooks.get("sync")
        if callable(hook):
            hook(self)
        else:
            self.status.showMessage("This workstation is not enrolled with a central store.", 5000)

    def end_of_shift(self) -> None:
        hook = self.hooks.get("end_of_shift")
        if callable(hook):
            hook(self)
        else:
            self.status.showMessage("This workstation is not enrolled with a central store.", 5000)

    def manage_workers(self) -> None:
        from app.ui.team import WorkersDialog

        WorkersDialog(self.workspace, self).open()

    def show_audit(self) -> None:
        from app.ui.team import AuditDialog

        # The episode on screen, or the one selected on the board: the log says whose it is.
        if self.pages.currentWidget() is self.board:
            row = self.board.selected()
            episode_id = row.id if row else None
            whose = f"{row.name} · custody no. {row.custody_record_number or '—'}" if row else ""
        else:
            episode_id = self.episode.episode_id
            whose = f"{self.episode.title.text()} · {self.episode.subtitle.text()}"
        AuditDialog(self.workspace, episode_id, self, whose=whose).open()

    def edit_policy(self) -> None:
        from app.ui.team import PolicyDialog

        PolicyDialog(self.workspace, self.hub, self).open()

    def show_reports(self) -> None:
        hook = self.hooks.get("reports")
        if callable(hook):
            hook(self)
        else:
            self.status.showMessage("Reports come from the central store: enrol first.", 5000)

    def show_shortcuts(self) -> None:
        from app.ui.keys_help import shortcuts_html

        actions = [
            (
                a.shortcut().toString(QKeySequence.SequenceFormat.NativeText),
                a.text().replace("&", ""),
            )
            for a in self.actions_by_name.values()
            if not a.shortcut().isEmpty()
        ]
        box = QMessageBox(
            QMessageBox.Icon.Information, "Keyboard shortcuts", shortcuts_html(actions), parent=self
        )
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setObjectName("shortcutsDialog")
        box.open()

    def _on_changed(self, what: str, record_id: str) -> None:
        if what == "sync":
            self.status.refresh(self.workspace)

    def showEvent(self, event) -> None:  # noqa: ANN001, N802
        super().showEvent(event)
        self._input.watch(self.windowHandle())  # its window exists from the first show

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Save what is typed, ask about unsynced records, let a running sync stop at a safe
        point, then close the store. Each step runs without freezing the window."""
        if self._closing:
            event.accept()
            return
        event.ignore()
        self.episode.flush(then=self._close_after_save)  # a failed save keeps the window open

    def _close_after_save(self) -> None:
        hook = self.hooks.get("before_close")
        if callable(hook):
            hook(self, self._close_now)
        else:
            self._close_now(True)

    def _close_now(self, go_ahead: bool) -> None:
        if not go_ahead or self._closing:
            return
        self._closing = True
        stop = self.hooks.get("stop_sync")
        if callable(stop):
            stop(self)  # waits for a running sync to reach a safe point (or its time limit)
        self._input.input.disconnect(self.idle.activity)
        from app.ui import screen_fit

        screen_fit.save_main_window(self, self.workspace.settings.data_dir)
        self.workspace.close()
        # Not close() here: this may run inside the closeEvent that started it, and Qt ignores
        # a close() made while one is being handled.
        QTimer.singleShot(0, self, self.close)

    def _warm_up_printing(self) -> None:
        """Once, on a pool thread, a few seconds after the window opens (the board is read by
        then): the first notice of a session is then issued as quickly as the next
        (bench/RESULTS.md, "responsive": the first RA1 blocked the window for half a second).
        A failure here is said when a notice is issued, not now."""
        from app.services import notices
        from app.ui import tasks

        tasks.run(
            self,
            notices.warm_up_printing,
            on_error=lambda exc: log.warning("printing not warmed up: %s", type(exc).__name__),
        )


def _keep_heap(idle: IdleWatcher) -> None:
    """The garbage collector on the worker's terms. A full collection holds every thread —
    the UI's too — for as long as it takes to walk the heap (~100 ms here), so it is not left
    to chance while someone types: what the window is built from (modules, widgets, form
    definitions) is frozen out of its sight, the young generations are collected as usual, and
    the old one only after a few quiet seconds (bench/RESULTS.md, "responsive")."""
    gc.collect()
    gc.freeze()
    young, middle, _old = gc.get_threshold()
    gc.set_threshold(young, middle, 100_000)  # in effect: never automatically
    idle.quiet.connect(gc.collect)
