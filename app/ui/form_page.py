"""A form's page, generated from its definition: sections, editors, live decision, problems
beside their fields and in a summary, and (for notices) the Issue button."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.forms import codec
from app.forms.context import FormContext
from app.forms.definition import FormDefinition
from app.forms.fields import Decision, Problem
from app.forms.reference import ReferenceData
from app.services.episodes import same_answer
from app.ui.date_entry import EntryClock
from app.ui.field_widgets import FieldEditor, make_editor
from app.ui.form_keys import FormKeys
from app.ui.plain import TONE_WORDS, decision_tone, plain
from app.ui.theme import restyle


def _label(text: str = "", role: str | None = None, name: str | None = None) -> QLabel:
    label = QLabel(plain(text), wordWrap=True)
    if plain(text) != text:
        label.setToolTip(text)  # the sources' reference, for whoever wants it
    if role:
        label.setProperty("role", role)
    if name:
        label.setObjectName(name)
    return label


class FormPage(QScrollArea):
    changed = Signal()
    issue_requested = Signal()

    def __init__(
        self,
        definition: FormDefinition,
        reference: ReferenceData,
        parent=None,  # noqa: ANN001
        clock: EntryClock | None = None,
    ):
        super().__init__(parent)
        self.definition = definition
        self.clock = clock or EntryClock()
        self.keys = FormKeys(self)
        self._needs: set[str] = set()  # fields with an error, as of the last refresh
        self.found_elsewhere: dict[tuple[str, Any], Problem] = {}
        self.setObjectName(f"page_{definition.key}")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(objectName=f"body_{definition.key}")
        self.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(18, 14, 18, 18)
        layout.setSpacing(12)

        layout.addWidget(_label(definition.title, "heading", f"title_{definition.key}"))
        if definition.description:
            layout.addWidget(_label(definition.description, "muted"))
        self.issued_banner = _label("", "banner", f"issuedBanner_{definition.key}")
        self.issued_banner.hide()
        layout.addWidget(self.issued_banner)
        self.decision = _label("", None, f"decision_{definition.key}")
        self.decision.setTextFormat(Qt.TextFormat.RichText)
        self.decision_card = QFrame(objectName=f"decisionCard_{definition.key}")
        self.decision_card.setProperty("role", "card")
        QVBoxLayout(self.decision_card).addWidget(self.decision)
        self.decision_card.setVisible(definition.decider is not None)
        layout.addWidget(self.decision_card)

        self.editors: dict[str, FieldEditor] = {}
        self.problem_labels: dict[str, QLabel] = {}
        self.prefill_notes: dict[str, QLabel] = {}
        self.conflict_notes: dict[str, QLabel] = {}
        self._base: dict[str, Any] = {}
        self._unreadable: set[str] = set()
        self._stored_problems: list[Problem] = []
        self._stale: tuple[dict[str, Any], list[Problem], bool] | None = None
        self._prefilled: dict[str, Any] = {}
        self.read_only_reason: str | None = None  # shown, never saved (a newer version's form)
        self._rows: dict[str, list[QWidget]] = {}
        self._sections: dict[QGroupBox, list[str]] = {}
        for section in definition.sections:
            box = self._section(section, reference)
            self._sections[box] = [f.key for f in section.fields]
            layout.addWidget(box)

        self.summary = _label("", None, f"summary_{definition.key}")
        layout.addWidget(self.summary)
        self.issue_button: QPushButton | None = None
        if definition.kind == "record" and definition.printable:
            row = QHBoxLayout()
            row.addStretch(1)
            self.print_button = QPushButton(
                f"Print {definition.short_title}…  (Ctrl+P)", objectName=f"print_{definition.key}"
            )
            self.print_button.clicked.connect(self.issue_requested)
            row.addWidget(self.print_button)
            layout.addLayout(row)
        if definition.kind == "notice":
            row = QHBoxLayout()
            row.addStretch(1)
            self.issue_button = QPushButton(
                f"Issue and print {definition.short_title}…", objectName=f"issue_{definition.key}"
            )
            self.issue_button.setProperty("primary", True)
            self.issue_button.clicked.connect(self.issue_requested)
            row.addWidget(self.issue_button)
            layout.addLayout(row)
        layout.addStretch(1)

    def _section(self, section, reference: ReferenceData) -> QGroupBox:  # noqa: ANN001
        box = QGroupBox(section.title, objectName=f"section_{section.key}")
        grid = QGridLayout(box)
        grid.setColumnStretch(1, 1)
        grid.setColumnMinimumWidth(0, 300)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(4)
        row = 0
        if section.help:
            grid.addWidget(_label(section.help, "muted"), row, 0, 1, 2)
            row += 1
        for field in section.fields:
            editor = make_editor(field, reference, box, self.clock)
            editor.changed.connect(self._edited)
            self.keys.watch(editor)
            label = _label(field.label, None, f"label_{field.key}")
            label.setBuddy(editor.focusProxy() or editor)
            label.setMaximumWidth(420)
            problem = _label("", "error", f"problem_{field.key}")
            problem.hide()
            note = _label("", "warning", f"prefill_{field.key}")
            note.hide()
            clash = _label("", "warning", f"conflict_{field.key}")
            clash.hide()
            grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(editor, row, 1)
            grid.addWidget(note, row + 1, 1)
            grid.addWidget(clash, row + 2, 1)
            grid.addWidget(problem, row + 3, 1)
            row += 4
            self.editors[field.key] = editor
            self.problem_labels[field.key] = problem
            self.prefill_notes[field.key] = note
            self.conflict_notes[field.key] = clash
            self._rows[field.key] = [label, editor]
        return box

    # --- answers -------------------------------------------------------------------------------
    # The page keeps the stored answers it was loaded from (its *base*, as stored JSON). An
    # autosave sends only the fields whose value now differs from the base, each with its base
    # value, so a field changed elsewhere meanwhile is never overwritten by a stale screen
    # (services/episodes.save_changes).

    def answers(self) -> dict[str, Any]:
        return {k: v for k, e in self.editors.items() if (v := e.value()) is not None}

    def set_answers(self, answers: dict[str, Any], stored_problems: list[Problem] = ()) -> None:
        """Show ``answers`` as if they were stored (tests, previews)."""
        self.load(self._encoded(answers), answers, stored_problems)

    def load(
        self, stored: dict[str, Any], shown: dict[str, Any], stored_problems: list[Problem] = ()
    ) -> None:
        """``stored``: the form's answers as stored (JSON, {} when none yet); ``shown``: the
        typed answers to put in the editors (the stored ones, or suggested defaults);
        ``stored_problems``: stored values that could not be read (forms_context), shown beside
        their fields and kept as stored until the worker enters a new answer there."""
        self._base = dict(stored)
        self._stored_problems = list(stored_problems)
        self._unreadable = {p.field for p in stored_problems if p.field in self.editors}
        for key in self.editors:
            self._set_editor(key, shown.get(key))
        self._prefilled: dict[str, Any] = {}
        for note in (*self.prefill_notes.values(), *self.conflict_notes.values()):
            note.hide()

    def _set_editor(self, key: str, value: Any) -> None:
        editor = self.editors[key]
        editor.blockSignals(True)
        editor.set_value(value)
        editor.blockSignals(False)

    def _encoded(self, answers: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for key, value in answers.items():
            if key in self.editors and value is not None:
                try:
                    out[key] = codec.encode(self.definition.field(key), value)
                except codec.AnswerTypeError:
                    continue
        return out

    def _current(self, key: str) -> Any:
        try:
            return codec.encode(self.definition.field(key), self.editors[key].value())
        except codec.AnswerTypeError:
            return None

    def edits(self) -> dict[str, tuple[Any, Any]]:
        """{field: (base, now)} as stored JSON, for every field the worker changed. A field
        whose text cannot be read yet ("31/02/2026") is not saved until it can be."""
        out = {}
        for key, editor in self.editors.items():
            if editor.parse_problem():
                continue
            now = self._current(key)
            if key in self._unreadable and now is None:
                continue
            if not same_answer(now, self._base.get(key)):
                out[key] = (self._base.get(key), now)
        return out

    def saved(self, sent: dict[str, tuple[Any, Any]], stored: dict[str, Any], conflicts) -> None:  # noqa: ANN001
        """After an autosave: the base moves to what is stored now. A field that clashed with
        a change made elsewhere shows the stored value and says where the worker's went."""
        for key, (_base, value) in sent.items():
            self._unreadable.discard(key)
            unchanged_since = same_answer(self._current(key), value)
            self._base[key] = stored.get(key)
            if key in conflicts and unchanged_since:
                self._set_editor(key, self._decoded(key, stored.get(key)))
                self._set_note(
                    self.conflict_notes[key],
                    f"A colleague's change arrived while you were typing: it was kept. Yours "
                    f"({_shown(value)}) is kept too, under Sync → Conflicts, to choose there.",
                )

    def merge_in(self, stored: dict[str, Any]) -> list[str]:
        """A newer stored version arrived (a sync, another window): fields the worker has not
        changed take it; fields they changed keep what they typed (their autosave will meet
        the change and keep both values). Returns the fields whose shown value changed."""
        updated = []
        for key in self.editors:
            now, base, new = self._current(key), self._base.get(key), stored.get(key)
            if key in self._unreadable or self.editors[key].parse_problem():
                continue
            if same_answer(now, base):
                if not same_answer(new, now):
                    self._set_editor(key, self._decoded(key, new))
                    updated.append(key)
                self._base[key] = new
            elif same_answer(new, now):
                self._base[key] = new
        return updated

    def _decoded(self, key: str, raw: Any) -> Any:
        try:
            return codec.decode(self.definition.field(key), raw)
        except codec.AnswerTypeError:
            return None

    @staticmethod
    def _set_note(note: QLabel, text: str) -> None:
        note.setText(text)
        note.show()

    def mark_prefilled(self, key: str, value: Any, note: str) -> None:
        """Show that an answer came from history; it stays marked until the worker changes it."""
        if key not in self.editors:
            return
        self._prefilled[key] = value
        # Shown, not saved: opening an episode must not write to it. The suggestion is saved
        # with the form once the worker changes anything in it (the page's base is {}).
        self._set_editor(key, value)
        self.editors[key].set_prefilled(True)
        self.prefill_notes[key].setText(f"Pre-filled: {note} Change it if it is wrong.")
        self.prefill_notes[key].show()

    def _edited(self) -> None:
        for key in list(self._prefilled):
            if self.editors[key].value() != self._prefilled[key]:
                del self._prefilled[key]
                self.editors[key].set_prefilled(False)
                self.prefill_notes[key].hide()
        self.changed.emit()

    # --- rules ---------------------------------------------------------------------------------

    def problems(self, ctx: FormContext, answers: dict[str, Any] | None = None) -> list[Problem]:
        answers = self.answers() if answers is None else answers
        problems = [
            Problem(k, "error", msg, "parse")
            for k, e in self.editors.items()
            if (msg := e.parse_problem())
        ]
        problems += [p for p in self._stored_problems if answers.get(p.field) is None]
        unreadable = {p.field for p in problems}
        problems += [p for p in self.definition.validate(answers, ctx) if p.field not in unreadable]
        problems += [
            p for (key, value), p in self.found_elsewhere.items() if answers.get(key) == value
        ]
        return problems

    def set_found_elsewhere(self, key: str, value: Any, problem: Problem | None) -> None:
        """A problem only the store can see (another episode with this custody number), shown
        while the answer is still ``value``."""
        self.found_elsewhere = {k: p for k, p in self.found_elsewhere.items() if k[0] != key}
        if problem is not None:
            self.found_elsewhere[(key, value)] = problem

    def refresh(
        self,
        ctx: FormContext,
        issued: bool = False,
        started: bool = True,
        paint: bool = True,
        answers: dict[str, Any] | None = None,
    ) -> list[Problem]:
        """Re-run the rules. Until a form is ``started`` its problems are counted but not shown:
        a page the worker has not reached yet should not greet them in red.

        ``paint`` False (a page not in view): the problems, the decision and the issue button
        are brought up to date, the field rows and their notes only when the page is next shown
        (``paint_if_stale``). A keystroke re-runs the rules of every form of the episode, for the
        steps list; painting all of them blocked the window for 30-40 ms per key on this
        machine (bench/RESULTS.md, "responsive"). ``answers``: what ``answers()`` gives now,
        when the caller has just read it."""
        answers = self.answers() if answers is None else answers
        problems = self.problems(ctx, answers)
        self._needs = {p.field for p in problems if p.is_error}
        self._set_frozen(issued)
        if self.definition.decider is not None:
            self._show_decision(self.definition.decide(answers, ctx))
        if self.issue_button is not None:
            self._update_issue_button(problems, issued)
        self._stale = None if paint else (answers, problems, started)
        if paint:
            self._paint(answers, problems, started)
        return problems

    def paint_if_stale(self) -> None:
        """Before the page comes into view: show what the last ``refresh`` found."""
        if self._stale is not None:
            answers, problems, started = self._stale
            self._stale = None
            self._paint(answers, problems, started)

    def _paint(self, answers: dict[str, Any], problems: list[Problem], started: bool) -> None:
        visible_keys = set()
        for key, widgets in self._rows.items():
            visible = self.definition.field(key).is_visible(answers)
            for w in widgets:
                if w.isVisibleTo(self) != visible:
                    w.setVisible(visible)
            if visible:
                visible_keys.add(key)
        for box, keys in self._sections.items():
            box.setVisible(any(k in visible_keys for k in keys))
        if not started:
            for label in self.problem_labels.values():
                label.hide()
            self.summary.setText("Not started.")
            restyle(self.summary, "role", "muted")
            return
        by_field: dict[str, list[Problem]] = {}
        for p in problems:
            by_field.setdefault(p.field, []).append(p)
        for key, label in self.problem_labels.items():
            mine = by_field.get(key, [])
            # An empty required field is not shouted at while the worker is still filling in.
            shown = [p for p in mine if p.code != "required"]
            if not shown and label.isHidden():
                continue  # nothing to say, and nothing said before
            label.setText("\n".join(plain(p.message) for p in shown))
            label.setToolTip("\n".join(p.message for p in shown))
            restyle(label, "role", "error" if any(p.is_error for p in shown) else "warning")
            label.setVisible(bool(shown))
        self._show_summary(problems)

    def _set_frozen(self, issued: bool) -> None:
        """An issued notice is a legal document: shown, never edited (a change is an RA2)."""
        self.issued_banner.setVisible(issued)
        self.issued_banner.setText(
            f"{self.read_only_reason} It is shown here but cannot be changed on this workstation."
            if self.read_only_reason
            else f"This {self.definition.short_title} has been issued and cannot be changed. To "
            "change the time or place, issue a variation (RA2). Reprint it from the notices list."
        )
        for editor in self.editors.values():
            editor.setEnabled(not issued)

    def _show_summary(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.is_error]
        warnings = [p for p in problems if not p.is_error]
        if not problems:
            self.summary.setText("Nothing missing.")
            restyle(self.summary, "role", "ok")
        else:
            parts = []
            if errors:
                parts.append(f"{len(errors)} to complete or correct")
            if warnings:
                parts.append(f"{len(warnings)} to check")
            self.summary.setText(
                " · ".join(parts)
                + ":\n"
                + "\n".join(f"• {plain(p.message)}" for p in problems[:12])
            )
            restyle(self.summary, "role", "error" if errors else "warning")

    def _show_decision(self, decision: Decision | None) -> None:
        if decision is None:
            self.decision.clear()
            return
        headline = decision.outcome.replace("_", " ").capitalize()
        tone = decision_tone(decision.outcome)
        reasons = "".join(f"<li>{html.escape(plain(r))}</li>" for r in decision.reasons)
        # Colour and words together: the card's colour repeats what its first line says.
        self.decision.setText(
            f"<b style='font-size:13pt'>Decision: {headline}</b>"
            f"&nbsp;&nbsp;<span>— {TONE_WORDS[tone]}</span><ul>{reasons}</ul>"
        )
        self.decision.setToolTip("\n".join(decision.reasons))
        self.decision.setAccessibleName(
            f"Decision: {headline}, {TONE_WORDS[tone]}. "
            + " ".join(plain(r) for r in decision.reasons)
        )
        restyle(self.decision_card, "tone", tone)

    def _update_issue_button(self, problems: list[Problem], issued: bool) -> None:
        errors = [p.message for p in problems if p.is_error]
        assert self.issue_button is not None
        if issued:
            self.issue_button.setEnabled(False)
            self.issue_button.setToolTip(
                "This notice has been issued. Reprint it from the "
                "notices list, or vary it with an RA2."
            )
        elif errors:
            self.issue_button.setEnabled(False)
            self.issue_button.setToolTip("Not ready to issue:\n" + "\n".join(errors))
        else:
            self.issue_button.setEnabled(True)
            self.issue_button.setToolTip("Everything needed is there.")

    # --- keyboard ------------------------------------------------------------------------------

    def _open_editors(self, after: str | None = None) -> list[FieldEditor]:
        """The editors a worker can type into, in page order (after ``after`` if given)."""
        keys = list(self.editors)
        start = keys.index(after) + 1 if after in keys else 0
        return [
            e
            for e in list(self.editors.values())[start:]
            if e.isEnabled() and (e.isVisible() or not self.isVisible())
        ]

    def next_editor(self, after: str | None) -> FieldEditor | None:
        """The next field that still needs an answer, else simply the next field."""
        following = self._open_editors(after)
        needing = [e for e in following if e.field.key in self._needs]
        return (needing or following or [None])[0]

    def focus_first(self) -> None:
        """Focus the first field that needs an answer (the first field when none does)."""
        target = self.next_editor(None)
        if target is not None:
            self.show_and_focus(target.inputs()[0] if target.inputs() else target)

    def show_and_focus(self, widget: QWidget) -> None:
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        # The row (label and notes under it) comes into view, not just the input's top edge.
        self.ensureWidgetVisible(widget, 40, 60)


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return f"“{text[:60]}”"
