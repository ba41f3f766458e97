"""The main window: a frame around the feature screens (shift board, episode), the lock screen,
the actions and their shortcuts, and the status bar. Features live in their own modules."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QStackedWidget

from app.services import workspace as ws
from app.ui import tasks
from app.ui.hub import Hub
from app.ui.idle import IdleWatcher
from app.ui.status import StatusBar
from app.ui.unlock import UnlockPanel

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    def __init__(self, workspace: ws.Workspace, hub: Hub | None = None):
        super().__init__()
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
        from app.ui.sync_ui import install_sync

        install_sync(self)  # only when enrolled or a central store is configured

        self.idle = IdleWatcher(workspace.settings.idle_lock_minutes, self)
        self.idle.idle.connect(self.lock)
        QApplication.instance().installEventFilter(self.idle)
        self.idle.start()
        self.hub.changed.connect(self._on_changed)
        self.resize(1366, 768)
        self.status.refresh(workspace)
        self.show_board()
        self._return_to_last_place()

    def _return_to_last_place(self) -> None:
        from app.services import episodes

        episode_id, form_key = episodes.last_place(self.workspace)
        if episode_id:
            self.open_episode(episode_id)
            if form_key:
                self.episode.show_form(form_key)

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
            ("Team", "actionAuditLog", "&Audit log of this episode…", "", self.show_audit),
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
            from app.services import episodes

            episodes.remember_place(self.workspace, None, None)
        self.board.refresh()
        self.pages.setCurrentWidget(self.board)
        self.board.focus_default()

    def open_episode(self, episode_id: str) -> None:
        if self._locked():
            return
        self.episode.load(episode_id)
        self.pages.setCurrentWidget(self.episode)

    def new_episode(self) -> None:
        if self._locked():
            return
        from app.services import episodes

        self.episode.flush()
        self.open_episode(episodes.new_episode(self.workspace))
        self.hub.changed.emit("episode", "")

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
        self.workspace.store.switch_worker(username, passphrase)
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

        AuditDialog(self.workspace, self.episode.episode_id, self).open()

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
        lines = [
            f"{a.shortcut().toString(QKeySequence.SequenceFormat.NativeText):<16}"
            f"{a.text().replace('&', '')}"
            for a in self.actions_by_name.values()
            if not a.shortcut().isEmpty()
        ]
        box = QMessageBox(
            QMessageBox.Icon.Information, "Keyboard shortcuts", "\n".join(lines), parent=self
        )
        box.setObjectName("shortcutsDialog")
        box.open()

    def _on_changed(self, what: str, record_id: str) -> None:
        if what in ("episode", "notice", "sync") and self.pages.currentWidget() is self.board:
            self.board.refresh()
        self.status.refresh(self.workspace)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        try:
            self.episode.flush()
        except Exception as exc:  # noqa: BLE001 - never lose the close because of a save error
            tasks.show_error(self, exc)
            event.ignore()
            return
        hook = self.hooks.get("before_close")
        if callable(hook) and not hook(self):
            event.ignore()
            return
        QApplication.instance().removeEventFilter(self.idle)
        self.workspace.close()
        event.accept()
