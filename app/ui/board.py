"""The shift board: search, today's episodes with their steps, and what is waiting."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services import board, search
from app.services.workspace import UK
from app.storage.changes import Changes
from app.ui.ops import StoreOp

ID_ROLE = Qt.ItemDataRole.UserRole


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "subheading")
    return label


class ShiftBoard(QWidget):
    def __init__(self, window):  # noqa: ANN001
        super().__init__(window)
        self.window_ = window
        self.setObjectName("shiftBoard")

        self.search = QLineEdit(
            objectName="searchBox",
            placeholderText="Find a person: name, date of birth, PNC ID or "
            "custody number  (Ctrl+F)",
        )
        self.search.setAccessibleName("Find a person")
        self.search.setClearButtonEnabled(True)
        self.search.textEdited.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._open_first_hit)
        self.hits = QListWidget(objectName="searchResults")
        self.hits.setAccessibleName("Search results")
        self.hits.itemActivated.connect(lambda item: self._open(item.data(ID_ROLE)))
        self.hits.hide()
        self._search_timer = QTimer(self, singleShot=True, interval=200)
        self._search_timer.timeout.connect(self._run_search)

        new = QPushButton("New episode  (Ctrl+N)", objectName="newEpisodeButton")
        new.setProperty("primary", True)
        new.clicked.connect(window.new_episode)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(new)

        headers = ["Arrived", "Name", "Date of birth", "Custody no."] + [
            board.STEP_TITLES[s] for s in board.STEPS
        ]
        self.table = QTableWidget(0, len(headers), objectName="episodeTable")
        self.table.setAccessibleName("Today's episodes")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.cellActivated.connect(lambda r, _c: self._open_row(r))
        self.table.cellDoubleClicked.connect(lambda r, _c: self._open_row(r))
        self.empty = QLabel(
            "No episodes yet today. Press Ctrl+N when a detainee arrives.", objectName="boardEmpty"
        )
        self.empty.setProperty("role", "muted")

        self.waiting = QListWidget(objectName="waitingList")
        self.waiting.setAccessibleName("Waiting")
        self.waiting.setWordWrap(True)
        self.waiting.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.waiting.itemActivated.connect(lambda item: self._open(item.data(ID_ROLE)))

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.day_heading = _heading("Today")
        left_layout.addWidget(self.day_heading)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(_heading("Waiting"))
        right_layout.addWidget(self.waiting, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([960, 360])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addLayout(top)
        layout.addWidget(self.hits)
        layout.addWidget(split, 1)
        self._rows: list[board.EpisodeRow] = []
        self._wants_focus = False
        self._refresh_timer = QTimer(self, singleShot=True, interval=200)
        self._refresh_timer.timeout.connect(self.refresh)
        window.hub.store_changed.connect(self._store_changed)

    def _store_changed(self, changes: Changes) -> None:
        # Hidden behind an episode, the board is refreshed when it is shown again.
        if self.isVisible() and (
            changes.episodes or changes.people or changes.touches("appointment", "notice_print")
        ):
            self.refresh_soon()

    # --- data ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the board on the store executor; the table fills when it arrives."""
        ws = self.window_.workspace

        def read() -> tuple[list[board.EpisodeRow], list[board.WaitingItem]]:
            with ws.store.session():
                return board.shift_board(ws), board.waiting(ws)

        StoreOp(self, ws, read).success(lambda found: self._show(*found)).run()

    def refresh_soon(self) -> None:
        """Many commits arrive together during a sync: refresh once they have settled."""
        self._refresh_timer.start()

    def _show(self, rows: list[board.EpisodeRow], items: list[board.WaitingItem]) -> None:
        self._rows = rows
        self.day_heading.setText(self.window_.workspace.now().strftime("Today — %A %d %B %Y"))
        current = self.table.currentRow()
        # Sized to the contents once, after filling: sized per cell, each of the hundreds of
        # setItem calls would measure its whole column again (seconds on a loaded machine).
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setUpdatesEnabled(False)
        self.table.setRowCount(len(self._rows))
        for r, row in enumerate(self._rows):
            values = [
                row.arrived_at.astimezone(UK).strftime("%H:%M") if row.arrived_at else "—",
                row.name + ("  (closed)" if row.status == "closed" else ""),
                row.date_of_birth.strftime("%d/%m/%Y") if row.date_of_birth else "—",
                row.custody_record_number or "—",
            ] + [row.steps[s] for s in board.STEPS]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(ID_ROLE, row.id)
                item.setToolTip(value)
                self.table.setItem(r, c, item)
        # Every column as wide as its content, long names included (the table scrolls
        # sideways rather than clip a name); the last column takes what is left.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setUpdatesEnabled(True)
        if 0 <= current < len(self._rows):
            self.table.selectRow(current)
        self.empty.setVisible(not self._rows)
        self.waiting.clear()
        names = {r.id: r.name for r in self._rows}
        for w in items:
            item = QListWidgetItem(f"{names.get(w.episode_id, 'Earlier episode')}: {w.text}")
            item.setData(ID_ROLE, w.episode_id)
            self.waiting.addItem(item)
        if not items:
            self.waiting.addItem(QListWidgetItem("Nothing waiting."))
        if self.isVisible() and not self.table.hasFocus() and self._wants_focus:
            self._wants_focus = False
            self.focus_default()

    # --- search --------------------------------------------------------------------------------

    def _run_search(self) -> None:
        text = self.search.text()
        ws = self.window_.workspace
        StoreOp(self, ws, lambda: search.search_people(ws, text)).success(
            lambda hits: self._show_hits(text, hits)
        ).run()

    def _show_hits(self, text: str, hits: list[search.PersonHit]) -> None:
        if text != self.search.text():
            return  # a newer search is on its way
        self.hits.clear()
        for hit in hits:
            dob = (
                hit.date_of_birth.strftime("%d/%m/%Y") if hit.date_of_birth else "DOB not recorded"
            )
            last = (
                hit.latest_arrived_at.astimezone(UK).strftime("%d/%m/%Y")
                if hit.latest_arrived_at
                else "—"
            )
            item = QListWidgetItem(
                f"{hit.display_name}   {dob}   PNC {hit.pnc_id or '—'}   "
                f"{hit.episodes} episode(s), latest {last}"
            )
            item.setData(ID_ROLE, hit.latest_episode_id)
            self.hits.addItem(item)
        if len(text.strip()) >= 2 and not hits:
            self.hits.addItem(
                QListWidgetItem(
                    "No one found. Check the spelling, or search by "
                    "date of birth (dd/mm/yyyy) or PNC ID."
                )
            )
        self.hits.setVisible(len(text.strip()) >= 2)
        self.hits.setMaximumHeight(min(220, 30 + 26 * max(1, len(hits))))

    def _open_first_hit(self) -> None:
        if self.hits.count() and self.hits.item(0).data(ID_ROLE):
            self._open(self.hits.item(0).data(ID_ROLE))

    def _open_row(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self._open(self._rows[row].id)

    def _open(self, episode_id: str | None) -> None:
        if episode_id:
            self.window_.open_episode(episode_id)

    def selected(self) -> board.EpisodeRow | None:
        row = self.table.currentRow()
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def focus_default(self) -> None:
        self._wants_focus = not self._rows  # the rows may be on their way: focus them then
        if self._rows:
            self.table.setFocus()
            if self.table.currentRow() < 0:
                self.table.selectRow(0)
        else:
            self.search.setFocus()
