"""The keyboard on a form page, for every field the form declarations generate.

- Enter (not in a multi-line field) goes to the next field that still needs an answer, as a
  pen goes down a paper form past what is already filled in (pre-filled or defaulted answers
  included); Tab still visits every field. Once nothing below needs an answer, Enter goes to the
  next field. The field reached is scrolled into view.
- In a yes/no question, Y or N answers it and moves on, like a tick on paper. The rest of the
  word typed straight after ("es", "o") is not sent on to the next field.
- Inside a field with several inputs (the result for each tested substance), Enter goes to
  the next input first.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QComboBox, QPlainTextEdit, QWidget

if TYPE_CHECKING:
    from app.ui.field_widgets import FieldEditor
    from app.ui.form_page import FormPage

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_YES_NO = {"y": (True, "es"), "n": (False, "o")}
SWALLOW_SECONDS = 1.0


class FormKeys(QObject):
    def __init__(self, page: FormPage):
        super().__init__(page)
        self.page = page
        self._owner: dict[QWidget, FieldEditor] = {}
        self._swallow = ("", 0.0)

    def watch(self, editor: FieldEditor) -> None:
        for widget in editor.inputs():
            self._owner[widget] = editor
            widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: ANN001, N802
        if event.type() != QEvent.Type.KeyPress or watched not in self._owner:
            return False
        editor = self._owner[watched]
        if self._swallowed(event):
            return True
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.key() in _ENTER and mods == Qt.KeyboardModifier.NoModifier:
            if isinstance(watched, QPlainTextEdit):
                return False  # a new line in an address or a reason
            self.advance(editor, watched)
            return True
        if (
            editor.field.type == "bool"
            and isinstance(watched, QComboBox)
            and mods
            in (
                Qt.KeyboardModifier.NoModifier,
                Qt.KeyboardModifier.ShiftModifier,
            )
        ):
            answer = _YES_NO.get(event.text().lower())
            if answer is not None:
                value, rest = answer
                editor.set_value(value)
                editor.changed.emit()
                self._swallow = (rest, time.monotonic() + SWALLOW_SECONDS)
                self.advance(editor, watched)
                return True
        return False

    def _swallowed(self, event) -> bool:  # noqa: ANN001
        rest, until = self._swallow
        if rest and time.monotonic() < until and event.text().lower() == rest[0]:
            self._swallow = (rest[1:], until)
            return True
        if event.text():
            self._swallow = ("", 0.0)
        return False

    def advance(self, editor: FieldEditor, widget: QWidget) -> None:
        inputs = editor.inputs()
        if widget in inputs and inputs.index(widget) < len(inputs) - 1:
            self.page.show_and_focus(inputs[inputs.index(widget) + 1])
            return
        target = self.page.next_editor(editor.field.key)
        if target is not None:
            self.page.show_and_focus(target.inputs()[0] if target.inputs() else target)
