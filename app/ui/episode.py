"""One detainee's custody episode: the forms as steps, autosaved, with live rules.

Autosave: every change restarts a short timer; when it fires (or when the worker leaves the
episode, locks the window or closes the app) the page's answers are saved as a draft. A crash
therefore loses at most ``AUTOSAVE_MS`` of typing.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserFacingError
from app.forms.registry import FORMS
from app.services import episodes, forms_context, notices, reference
from app.services.workspace import UK
from app.ui import tasks
from app.ui.form_page import FormPage

log = logging.getLogger(__name__)
AUTOSAVE_MS = 700


class EpisodeView(QWidget):
    def __init__(self, window):  # noqa: ANN001
        super().__init__(window)
        self.window_ = window
        self.setObjectName("episodeView")
        self.episode_id: str | None = None
        self.data: episodes.EpisodeData | None = None
        self._dirty: set[str] = set()
        self._timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._timer.timeout.connect(self.flush)

        self.title = QLabel("", objectName="episodeTitle")
        self.title.setProperty("role", "heading")
        self.subtitle = QLabel("", objectName="episodeSubtitle")
        self.subtitle.setProperty("role", "muted")
        self.saved = QLabel("", objectName="savedIndicator")
        self.saved.setProperty("role", "muted")
        back = QPushButton("← Shift board  (Ctrl+B)", objectName="backToBoard")
        back.clicked.connect(window.show_board)
        self.close_button = QPushButton("Close episode", objectName="closeEpisode")
        self.close_button.clicked.connect(self._toggle_closed)
        head = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        head.addLayout(titles, 1)
        head.addWidget(self.saved)
        head.addWidget(self.close_button)
        head.addWidget(back)

        self.steps = QListWidget(objectName="stepList")
        self.steps.setAccessibleName("Steps of this episode")
        self.pages = QStackedWidget(objectName="formPages")
        ref = reference.bundled()
        self.form_pages: dict[str, FormPage] = {}
        for key, definition in FORMS.items():
            page = FormPage(definition, ref, self)
            page.changed.connect(lambda k=key: self._changed(k))
            page.issue_requested.connect(self.print_notice)
            self.pages.addWidget(page)
            self.form_pages[key] = page
            item = QListWidgetItem(definition.short_title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.steps.addItem(item)
        self.steps.currentRowChanged.connect(self._step_changed)
        self.notice_list = QListWidget(objectName="noticeList")
        self.notice_list.setAccessibleName("Issued notices")
        self.notice_list.setWordWrap(True)
        self.notice_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.notice_list.itemActivated.connect(self._reprint)
        notices_heading = QLabel("Issued notices (Enter to reprint)")
        notices_heading.setProperty("role", "subheading")

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.steps, 3)
        side_layout.addWidget(notices_heading)
        side_layout.addWidget(self.notice_list, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(side)
        split.addWidget(self.pages)
        split.setStretchFactor(1, 1)
        split.setSizes([280, 1060])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addLayout(head)
        layout.addWidget(split, 1)
        QShortcut(QKeySequence("Ctrl+PgDown"), self, lambda: self._move(1))
        QShortcut(QKeySequence("Ctrl+PgUp"), self, lambda: self._move(-1))
        self.installEventFilter(self)

    # --- loading -------------------------------------------------------------------------------

    def load(self, episode_id: str) -> None:
        self.flush()
        ws = self.window_.workspace
        self.episode_id = episode_id
        self.data = episodes.load_episode(ws, episode_id)
        forms = forms_context.episode_forms(self.data)
        typed = forms.answers
        self._notices = forms.notices
        ctx = forms_context.context(ws, typed, forms.notices)
        for key, page in self.form_pages.items():
            page.set_answers(
                typed.get(key) or FORMS[key].defaults(ctx), forms.problems.get(key, [])
            )
        # What each form's Field.prefill names, from this episode and the person's history.
        for key, found in forms_context.prefills(ws, episode_id, forms, ctx).items():
            for field_key, (value, note) in found.items():
                self.form_pages[key].mark_prefilled(field_key, value, note)
        self._fill_notices()
        self._update_header()
        self.refresh_rules()
        order = list(FORMS)
        self.steps.setCurrentRow(
            order.index(self.data.current_step) if self.data.current_step in order else 0
        )
        self.saved.setText("")

    def _fill_notices(self) -> None:
        self.notice_list.clear()
        for n in self.data.notices if self.data else []:
            when = n["issued_at"].astimezone(UK).strftime("%d/%m %H:%M")
            item = QListWidgetItem(f"{n['kind'].upper()}  {n['reference']}  ({when})")
            item.setData(Qt.ItemDataRole.UserRole, n["id"])
            self.notice_list.addItem(item)

    def _update_header(self) -> None:
        person = self.form_pages["custody_episode"].answers()
        name = (
            f"{(person.get('family_name') or '').upper()}, {person.get('given_names') or ''}".strip(
                ", "
            )
        )
        self.title.setText(name or "New episode — name not yet recorded")
        dob = person.get("date_of_birth")
        bits = [
            f"Born {dob:%d/%m/%Y}" if dob else "Date of birth not recorded",
            f"Custody no. {person.get('custody_record_number') or '—'}",
        ]
        if self.data and self.data.status == "closed":
            bits.append("CLOSED")
        self.subtitle.setText("   ·   ".join(bits))
        self.close_button.setText(
            "Reopen episode" if self.data and self.data.status == "closed" else "Close episode"
        )

    # --- editing -------------------------------------------------------------------------------

    def _changed(self, form_key: str) -> None:
        self._dirty.add(form_key)
        self._timer.start()
        self.saved.setText("Saving…")
        self.refresh_rules()
        if form_key == "custody_episode":
            self._update_header()

    def episode_answers(self) -> dict[str, dict]:
        return {k: p.answers() for k, p in self.form_pages.items()}

    def refresh_rules(self) -> None:
        if not self.data:
            return
        ctx = forms_context.context(
            self.window_.workspace, self.episode_answers(), getattr(self, "_notices", ())
        )
        for i, (key, page) in enumerate(self.form_pages.items()):
            issued = self.data.form_status.get(key) == "issued"
            started = key in self.data.form_status or key in self._dirty
            problems = page.refresh(ctx, issued, started)
            item = self.steps.item(i)
            if issued:
                state = "issued"
            elif not started:
                state = "not started"
            elif any(p.is_error for p in problems):
                state = "to complete"
            else:
                state = "complete"
            item.setText(f"{FORMS[key].short_title} — {state}")

    def flush(self) -> None:
        """Save every form with unsaved changes now."""
        self._timer.stop()
        if not self.episode_id or not self._dirty:
            return
        ws = self.window_.workspace
        for key in sorted(self._dirty):
            if self.data and self.data.form_status.get(key) == "issued":
                continue
            answers, version = forms_context.stored(key, self.form_pages[key].answers())
            episodes.save_answers(ws, self.episode_id, key, answers, version)
            if self.data:
                self.data.form_status.setdefault(key, "draft")
        self._dirty.clear()
        self.saved.setText(f"Saved {ws.now():%H:%M:%S}")
        self.window_.hub.changed.emit("episode", self.episode_id)

    # --- navigation ----------------------------------------------------------------------------

    def _step_changed(self, row: int) -> None:
        self.pages.setCurrentIndex(row)
        if self.episode_id and row >= 0 and self.data:
            episodes.remember_place(self.window_.workspace, self.episode_id, self.current_form())

    def _move(self, delta: int) -> None:
        row = max(0, min(self.steps.count() - 1, self.steps.currentRow() + delta))
        self.steps.setCurrentRow(row)
        self.pages.currentWidget().focus_first()

    def current_form(self) -> str:
        return self.steps.currentItem().data(Qt.ItemDataRole.UserRole)

    def show_form(self, form_key: str) -> None:
        self.steps.setCurrentRow(list(FORMS).index(form_key))

    def eventFilter(self, watched, event) -> bool:  # noqa: ANN001, N802
        # Enter advances to the next field, as on a paper form (multi-line fields keep Enter).
        if event.type() == event.Type.KeyPress and event.key() in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
        ):
            focus = self.focusWidget()
            if focus is not None and focus.metaObject().className() in ("QLineEdit", "QComboBox"):
                self.focusNextChild()
                return True
        return super().eventFilter(watched, event)

    # --- notices -------------------------------------------------------------------------------

    def print_notice(self) -> None:
        if not self.episode_id:
            return
        key = self.current_form()
        if key in notices.PRINTED_RECORDS:
            self._print_record(key)
            return
        if FORMS[key].kind != "notice":
            if self.notice_list.count():
                self._reprint(self.notice_list.item(self.notice_list.count() - 1))
            return
        if self.data and self.data.form_status.get(key) == "issued":
            self.window_.status.showMessage(
                "Already issued: reprint it from the notices list.", 5000
            )
            return
        self.flush()
        answer = QMessageBox.question(
            self,
            f"Issue {FORMS[key].short_title}",
            f"Issue the {FORMS[key].short_title} now? Once issued it cannot be changed; a change "
            "of time or place needs a variation (RA2).",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            issued = notices.issue_notice(self.window_.workspace, self.episode_id, key)
        except UserFacingError as exc:
            tasks.show_error(self, exc, "Not issued")
            return
        self.window_.hub.changed.emit("notice", issued.id)
        self.load(self.episode_id)
        self._print(issued.id, issued.pdf, reprint=False)

    def _print_record(self, key: str, confirmed: bool = False) -> None:
        """The DT1 for court or the Annex E letter; the services ask first when the DT1's
        appointment changed since it was last printed (AppointmentChanged)."""
        from app.services.printed_records import print_record

        self.flush()
        try:
            issued = print_record(
                self.window_.workspace, self.episode_id, key, confirm_changed=confirmed
            )
        except notices.AppointmentChanged as exc:
            answer = QMessageBox.question(self, "Print the DT1 again", str(exc))
            if answer == QMessageBox.StandardButton.Yes:
                self._print_record(key, confirmed=True)
            return
        except UserFacingError as exc:
            tasks.show_error(self, exc, "Not printed")
            return
        self.window_.hub.changed.emit("notice", issued.id)
        self.load(self.episode_id)
        self.show_form(key)
        self._print(issued.id, issued.pdf, reprint=False)

    def _reprint(self, item: QListWidgetItem) -> None:
        notice_id = item.data(Qt.ItemDataRole.UserRole)
        ws = self.window_.workspace

        def done(pdf: bytes | None) -> None:
            self._print(notice_id, pdf, reprint=True)

        tasks.run(self, lambda: notices.notice_pdf(ws, notice_id, reprint=True), done)

    def _print(self, notice_id: str, pdf: bytes | None, reprint: bool) -> None:
        hook = self.window_.hooks.get("print")
        if callable(hook):
            hook(self.window_, notice_id, pdf, reprint)
            return
        from app.ui.print_preview import show_print_preview

        show_print_preview(self.window_, notice_id, pdf, reprint)

    def _toggle_closed(self) -> None:
        if not self.episode_id or not self.data:
            return
        self.flush()
        ws = self.window_.workspace
        if self.data.status == "closed":
            episodes.reopen_episode(ws, self.episode_id)
        else:
            episodes.close_episode(ws, self.episode_id)
        self.load(self.episode_id)
        self.window_.hub.changed.emit("episode", self.episode_id)
