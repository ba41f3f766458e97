"""One detainee's custody episode: the forms as steps, autosaved, with live rules.

Autosave: every change restarts a short timer; when it fires (or when the worker leaves the
episode, locks the window or closes the app) the fields the worker changed are saved, each
against the value the page was loaded with (``FormPage.edits``). A crash therefore loses at most
``AUTOSAVE_MS`` of typing, and a stale screen never overwrites a colleague's synced change.

Nothing here touches the store on the UI thread: loading, saving, issuing and printing are
``StoreOp``s on the store executor, in the order they were asked for. When the store changes
under an open episode (a sync brought a colleague's edit), the change hook re-reads it and each
page takes the new values of the fields the worker is not editing (``FormPage.merge_in``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

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

from app.forms.context import FormContext
from app.forms.registry import FORMS
from app.services import episode_screen, episodes, notices, reference
from app.services.workspace import UK
from app.storage.changes import Changes
from app.ui import tasks
from app.ui.date_entry import EntryClock
from app.ui.episode_safety import EpisodeSafety
from app.ui.form_page import FormPage
from app.ui.ops import StoreOp

log = logging.getLogger(__name__)
AUTOSAVE_MS = 700
RELOAD_MS = 150  # a sync commits in several steps: re-read once they have settled


class EpisodeView(EpisodeSafety, QWidget):
    def __init__(self, window):  # noqa: ANN001
        super().__init__(window)
        self.window_ = window
        self.setObjectName("episodeView")
        self.episode_id: str | None = None
        self.data: episodes.EpisodeData | None = None
        self.reference = reference.bundled()
        self._dirty: set[str] = set()
        self._loading: str | None = None
        self._notices: tuple = ()
        self._prefills: dict = {}
        self._touched: set[str] = set()  # forms the worker changed since the episode opened
        # The editors' "now" (n, +5…) is the workspace's clock, as the rules' is.
        self.entry_clock = EntryClock(lambda: self.ws.now())
        self._timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._timer.timeout.connect(self.flush)
        self._reload_timer = QTimer(self, singleShot=True, interval=RELOAD_MS)
        self._reload_timer.timeout.connect(self._reload)
        self._build()
        window.hub.store_changed.connect(self._store_changed)

    def _build(self) -> None:
        self.title = QLabel("", objectName="episodeTitle")
        self.title.setProperty("role", "heading")
        self.subtitle = QLabel("", objectName="episodeSubtitle")
        self.subtitle.setProperty("role", "muted")
        self.saved = QLabel("", objectName="savedIndicator")
        self.saved.setProperty("role", "muted")
        back = QPushButton("← Shift board  (Ctrl+B)", objectName="backToBoard")
        back.clicked.connect(self.window_.show_board)
        self.close_button = QPushButton("Close episode", objectName="closeEpisode")
        self.close_button.clicked.connect(self._toggle_closed)
        # Reached by Tab from the forms, never the first thing a new episode's typing hits.
        self.close_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
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
        self.form_pages: dict[str, FormPage] = {}
        for key, definition in FORMS.items():
            page = FormPage(definition, self.reference, self, self.entry_clock)
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

    @property
    def ws(self):  # noqa: ANN201
        return self.window_.workspace

    def _op(self, fn: Callable[[], Any]) -> StoreOp:
        return StoreOp(self, self.ws, fn)

    # --- loading -------------------------------------------------------------------------------

    def load(self, episode_id: str, then: Callable[[], None] | None = None) -> None:
        """Open an episode (a consultation); ``then`` runs once it is on screen."""
        self.flush()  # queued first: the episode being left is saved before anything else
        if self.episode_id and self.episode_id != episode_id:
            self.leave()
        ws, self._loading = self.ws, episode_id

        def shown(screen: episode_screen.EpisodeScreen) -> None:
            if self._loading != episode_id:
                return  # the worker has moved on to another episode meanwhile
            self._loading = None
            self._show(episode_id, screen)
            if then:
                then()

        def failed(exc: BaseException) -> None:
            self._loading = None
            tasks.show_error(self, exc)

        self._op(lambda: episode_screen.open_episode(ws, episode_id)).success(shown).failure(
            failed
        ).run()

    def _show(self, episode_id: str, screen: episode_screen.EpisodeScreen) -> None:
        self.episode_id, self.data, self.reference = episode_id, screen.data, screen.reference
        self._dirty.clear()
        self._touched.clear()
        forms = screen.forms
        self._notices = forms.notices
        ctx = self._context(forms.answers)
        for key, page in self.form_pages.items():
            problems = forms.problems.get(key, [])
            page.read_only_reason = _read_only_reason(problems)
            page.load(
                self.data.answers.get(key) or {},
                forms.answers.get(key) or FORMS[key].defaults(ctx),
                problems,
            )
        # What each form's Field.prefill names, from this episode and the person's history.
        self._prefills = screen.prefills
        for key, found in screen.prefills.items():
            for field_key, (value, note) in found.items():
                self.form_pages[key].mark_prefilled(field_key, value, note)
        self._fill_notices()
        self._update_header()
        self.form_pages["custody_episode"].found_elsewhere = {}
        if self.form_pages["custody_episode"].answers().get("custody_record_number"):
            self._check_custody_number()
        self.refresh_rules()
        order = list(FORMS)
        self.steps.setCurrentRow(
            order.index(self.data.current_step) if self.data.current_step in order else 0
        )
        self.saved.setText("")

    def _store_changed(self, changes: Changes) -> None:
        """Another part of the app, or a sync, changed what this episode shows."""
        if changes.origin is self or not self.episode_id or not self.data:
            return
        if changes.touches_episode(self.episode_id, self.data.person_id) or changes.touches(
            "reference_document", "setting"
        ):
            self._reload_timer.start()

    def _reload(self) -> None:
        """Re-read the open episode and merge it into the pages without losing typing."""
        if not self.episode_id or self._loading:
            return
        ws, episode_id = self.ws, self.episode_id

        def merge(screen: episode_screen.EpisodeScreen) -> None:
            if self.episode_id != episode_id:
                return
            self.data, self.reference = screen.data, screen.reference
            self._notices = screen.forms.notices
            for key, page in self.form_pages.items():
                if page.merge_in(self.data.answers.get(key) or {}):
                    log.info("open episode: %s updated from the store", key)
            self._fill_notices()
            self._update_header()
            self.refresh_rules()

        def gone(exc: BaseException) -> None:
            if isinstance(exc, episodes.EpisodeNotFound) and self.episode_id == episode_id:
                self.episode_id = self.data = None
                self.window_.show_board()
                self.window_.status.showMessage(str(exc), 10000)

        self._op(lambda: episode_screen.open_episode(ws, episode_id, consultation=False)).success(
            merge
        ).failure(gone).run()

    def _fill_notices(self) -> None:
        self.notice_list.clear()
        for n in self.data.notices if self.data else []:
            when = n["issued_at"].astimezone(UK).strftime("%d/%m %H:%M")
            item = QListWidgetItem(f"{n['kind'].upper()}  {n['reference']}  ({when})")
            item.setData(Qt.ItemDataRole.UserRole, n["id"])
            self.notice_list.addItem(item)

    def _update_header(self) -> None:
        person = self.form_pages["custody_episode"].answers()
        family, given = (person.get("family_name") or "").upper(), person.get("given_names") or ""
        name = f"{family}, {given}".strip(", ")
        self.title.setText(name or "New episode — name not yet recorded")
        dob = person.get("date_of_birth")
        bits = [
            f"Born {dob:%d/%m/%Y}" if dob else "Date of birth not recorded",
            f"Custody no. {person.get('custody_record_number') or '—'}",
        ]
        closed = bool(self.data and self.data.status == "closed")
        if closed:
            bits.append("CLOSED")
        self.subtitle.setText("   ·   ".join(bits))
        self._update_close_button()

    # --- editing -------------------------------------------------------------------------------

    def _changed(self, form_key: str) -> None:
        self._dirty.add(form_key)
        if not self._touched:
            self._touched.add(form_key)
            self._update_close_button()
        self._touched.add(form_key)
        self._timer.start()
        self.saved.setText("Saving…")
        self.refresh_rules()
        if form_key == "custody_episode":
            self._update_header()

    def episode_answers(self) -> dict[str, dict]:
        return {k: p.answers() for k, p in self.form_pages.items()}

    def _context(self, answers: dict[str, dict]) -> FormContext:
        ref = self.reference
        return FormContext.at(
            self.ws.now(), reference=ref, policy=ref.policy(), episode=answers,
            notices=self._notices,
        )  # fmt: skip

    def refresh_rules(self) -> None:
        if not self.data:
            return
        answers = self.episode_answers()
        ctx = self._context(answers)
        in_view = self.pages.currentWidget()
        for i, (key, page) in enumerate(self.form_pages.items()):
            issued = self.data.form_status.get(key) == "issued" or bool(page.read_only_reason)
            started = key in self.data.form_status or key in self._dirty
            problems = page.refresh(
                ctx, issued, started, paint=page is in_view, answers=answers[key]
            )
            if issued:
                state = "issued"
            elif not started:
                state = "not started"
            elif any(p.is_error for p in problems):
                state = "to complete"
            else:
                state = "complete"
            self.steps.item(i).setText(f"{FORMS[key].short_title} — {state}")

    def flush(self, then: Callable[[], None] | None = None) -> Future | None:
        """Queue the save of every changed field now; ``then`` runs once it is saved (not if
        the save fails: the worker sees why and the typing stays on screen)."""
        self._timer.stop()
        if not self.episode_id or not self._dirty:
            if then:
                then()
            return None
        issued = self.data.form_status if self.data else {}
        sent = {
            key: edits
            for key in sorted(self._dirty)
            if issued.get(key) != "issued"
            and not self.form_pages[key].read_only_reason
            and (edits := self.form_pages[key].edits())
        }
        self._dirty.clear()
        if not sent:
            self.saved.setText("")
            if then:
                then()
            return None
        ws, episode_id = self.ws, self.episode_id

        def save() -> dict[str, episodes.Saved]:
            with ws.store.session():  # the forms of one autosave commit together
                return {
                    key: episodes.save_changes(ws, episode_id, key, edits, FORMS[key].version)
                    for key, edits in sent.items()
                }

        def failed(exc: BaseException) -> None:
            if self.episode_id == episode_id:
                self._dirty.update(sent)  # kept on screen; the next change or leave retries
                self.saved.setText("Not saved")
            tasks.show_error(self, exc, "Not saved")

        def done(saved: dict[str, episodes.Saved]) -> None:
            self._saved(episode_id, sent, saved)
            if then:
                then()

        return self._op(save).success(done).failure(failed).run()

    def _saved(self, episode_id: str, sent: dict, saved: dict[str, episodes.Saved]) -> None:
        if self.episode_id != episode_id:
            return
        if "custody_record_number" in sent.get("custody_episode", {}):
            self._check_custody_number()
        for key, outcome in saved.items():
            self.form_pages[key].saved(sent[key], outcome.answers, outcome.conflicts)
            if self.data:
                self.data.form_status.setdefault(key, "draft")
                self.data.answers[key] = outcome.answers
        clashes = sum(len(o.conflicts) for o in saved.values())
        self.saved.setText(
            f"Saved {self.ws.now():%H:%M:%S}"
            + (
                f" — {clashes} answer(s) changed by a colleague meanwhile: see the notes"
                if clashes
                else ""
            )
        )
        self.refresh_rules()

    # --- navigation ----------------------------------------------------------------------------

    def _step_changed(self, row: int) -> None:
        if self.episode_id and row >= 0 and self.data:
            self._fresh_defaults(self.current_form())
        if 0 <= row < self.pages.count():
            self.pages.widget(row).paint_if_stale()
        self.pages.setCurrentIndex(row)
        if self.episode_id and row >= 0 and self.data:
            self.remember_place(self.current_form())

    def _fresh_defaults(self, key: str) -> None:
        """A form not started yet shows the defaults of the episode as it is now (the RA1's
        CJIT once the residence is known, the DT1's authority once the offence is): they
        were worked out when the episode opened, before the earlier pages were filled in."""
        page = self.form_pages[key]
        if key in self.data.form_status or key in self._touched or page.read_only_reason:
            return
        defaults = FORMS[key].defaults(self._context(self.episode_answers()))
        if not defaults:
            return
        page.load({}, defaults)
        for field_key, (value, note) in self._prefills.get(key, {}).items():
            page.mark_prefilled(field_key, value, note)
        self.refresh_rules()

    def focus_form(self) -> None:
        """Put the cursor in the field of the current form that needs an answer first."""
        self.pages.currentWidget().focus_first()

    def remember_place(self, form_key: str | None) -> None:
        ws, episode_id = self.ws, self.episode_id if form_key else None
        self._op(lambda: episodes.remember_place(ws, episode_id, form_key)).failure(
            lambda exc: log.warning("last place not kept: %s", type(exc).__name__)
        ).run()

    def _move(self, delta: int) -> None:
        row = max(0, min(self.steps.count() - 1, self.steps.currentRow() + delta))
        self.steps.setCurrentRow(row)
        self.pages.currentWidget().focus_first()

    def current_form(self) -> str:
        return self.steps.currentItem().data(Qt.ItemDataRole.UserRole)

    def show_form(self, form_key: str) -> None:
        self.steps.setCurrentRow(list(FORMS).index(form_key))

    # --- notices -------------------------------------------------------------------------------

    def print_notice(self) -> None:
        if not self.episode_id or not self.data:
            return
        key = self.current_form()
        if key in notices.PRINTED_RECORDS:
            self._print_record(key)
            return
        if FORMS[key].kind != "notice":
            if self.notice_list.count():
                self._reprint(self.notice_list.item(self.notice_list.count() - 1))
            return
        if self.data.form_status.get(key) == "issued":
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
        ws, episode_id = self.ws, self.episode_id
        self._issue(lambda: notices.issue_notice(ws, episode_id, key), "Not issued", key)

    def _print_record(self, key: str, confirmed: bool = False) -> None:
        """The DT1 for court or the Annex E letter; the services ask first when the DT1's
        appointment changed since it was last printed (AppointmentChanged)."""
        from app.services.printed_records import print_record

        self.flush()
        ws, episode_id = self.ws, self.episode_id

        def refused(exc: BaseException) -> None:
            if isinstance(exc, notices.AppointmentChanged):
                answer = QMessageBox.question(self, "Print the DT1 again", str(exc))
                if answer == QMessageBox.StandardButton.Yes:
                    self._print_record(key, confirmed=True)
                return
            tasks.show_error(self, exc, "Not printed")

        self._issue(
            lambda: print_record(ws, episode_id, key, confirm_changed=confirmed), refused, key
        )

    def _issue(
        self,
        fn: Callable[[], notices.IssuedNotice],
        refused: str | Callable[[BaseException], None],
        form: str,
    ) -> None:
        """Issue (or freeze a printed record) on the executor, then show the episode as it now
        is and open the print preview."""
        episode_id = self.episode_id

        def issued(notice: notices.IssuedNotice) -> None:
            self.load(episode_id, then=lambda: self.show_form(form))
            self._print(notice.id, notice.pdf, reprint=False)

        on_refused = (
            refused if callable(refused) else (lambda exc: tasks.show_error(self, exc, refused))
        )
        self._op(fn).success(issued).failure(on_refused).run()

    def _reprint(self, item: QListWidgetItem) -> None:
        notice_id = item.data(Qt.ItemDataRole.UserRole)
        ws = self.ws
        self._op(lambda: notices.notice_pdf(ws, notice_id, reprint=True)).success(
            lambda pdf: self._print(notice_id, pdf, reprint=True)
        ).run()

    def _print(self, notice_id: str, pdf: bytes | None, reprint: bool) -> None:
        hook = self.window_.hooks.get("print")
        if callable(hook):
            hook(self.window_, notice_id, pdf, reprint)
            return
        from app.ui.print_preview import show_print_preview

        show_print_preview(self.window_, notice_id, pdf, reprint)


def _read_only_reason(problems: list) -> str | None:
    """A form saved by a newer CJIT Desk cannot be shown faithfully here: it is shown, never
    saved over (a save would write it back under this older version)."""
    for p in problems:
        if getattr(p, "code", None) == "form_unreadable":
            return p.message
    return None
