"""One editor per field type, generated from the form definitions (no form is laid out by hand).

Every editor offers ``value()`` (typed Python value, or None when unanswered), ``set_value()``,
a ``changed`` signal, and ``parse_problem()`` (a sentence when the typed text cannot be read, such
as "31/02/2026"). Text dates are typed, not picked: a worker types "17/05/1990" faster than any
calendar widget, and an empty answer must stay possible.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from app.forms.fields import SUBSTANCE_RESULTS, Field
from app.forms.reference import ReferenceData
from app.forms.times import LONDON
from app.ui.date_entry import EntryClock, parse_date, parse_datetime, parse_time
from app.ui.theme import restyle

KEYBOARD_HINTS = {
    "date": "Type n for today, +5 for five working days on; 170590 or 17/05/90 for 17/05/1990.",
    "datetime": "Type n for now, 15:00 for today at 15:00, +5 10:00 for five working days on "
    "at 10:00, or 24/11 15:00.",
    "time": "Type n for now, or 1500 for 15:00.",
}


_TYPE_HINTS = {
    **KEYBOARD_HINTS,
    "bool": "Type Y for yes or N for no.",
    "choice": "Type the first letters of a choice.",
    "multi_choice": "Type the first letters of a choice, then Space to tick it.",
    "substance_results": "Type P for positive, Ne for negative, No for not tested.",
    "multiline": "Enter starts a new line; Tab goes to the next field.",
    "int": "A whole number.",
}


def describe(field: Field) -> str:
    """What a screen reader says after the label: required or not, the help, the keys."""
    from app.ui.plain import plain

    if field.required is True:
        need = "Required."
    elif callable(field.required):
        need = "Required when it applies."
    else:
        need = "Optional."
    return " ".join(t for t in (need, plain(field.help), _TYPE_HINTS.get(field.type, "")) if t)


class FieldEditor(QWidget):
    changed = Signal()

    def __init__(self, field: Field, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.field = field
        self.setObjectName(f"field_{field.key}")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def _describe(self, widget: QWidget) -> QWidget:
        widget.setObjectName(f"input_{self.field.key}")
        widget.setAccessibleName(self.field.label)
        widget.setAccessibleDescription(describe(self.field))
        if self.field.help:
            widget.setToolTip(self.field.help)
        self.setFocusProxy(widget)
        return widget

    def inputs(self) -> list[QWidget]:
        """The widgets that take keys, in tab order (the page watches them for Enter)."""
        return [self.focusProxy()] if self.focusProxy() else []

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value) -> None:  # noqa: ANN001
        raise NotImplementedError

    def parse_problem(self) -> str | None:
        return None

    def set_prefilled(self, prefilled: bool) -> None:
        restyle(self.focusProxy(), "prefilled", prefilled)


class TextEditor(FieldEditor):
    def __init__(self, field: Field, parent=None):  # noqa: ANN001
        super().__init__(field, parent)
        self.edit = self._describe(QLineEdit(placeholderText=field.placeholder))
        if field.max_length:
            self.edit.setMaxLength(field.max_length)
        self.edit.textEdited.connect(self.changed)
        self._layout.addWidget(self.edit)

    def value(self) -> Any:
        return self.edit.text().strip() or None

    def set_value(self, value) -> None:  # noqa: ANN001
        self.edit.setText("" if value is None else str(value))


class MultilineEditor(FieldEditor):
    def __init__(self, field: Field, parent=None):  # noqa: ANN001
        super().__init__(field, parent)
        self.edit = self._describe(QPlainTextEdit(placeholderText=field.placeholder))
        self.edit.setTabChangesFocus(True)
        self.edit.setFixedHeight(self.edit.fontMetrics().lineSpacing() * 6 + 14)
        self.edit.textChanged.connect(self.changed)
        self._layout.addWidget(self.edit)

    def value(self) -> Any:
        return self.edit.toPlainText().strip() or None

    def set_value(self, value) -> None:  # noqa: ANN001
        if self.edit.toPlainText() != (value or ""):
            self.edit.setPlainText(value or "")


class _ParsedEditor(TextEditor):
    """A line edit whose text is parsed into a typed value."""

    hint = ""

    def __init__(self, field: Field, parent=None, clock: EntryClock | None = None):  # noqa: ANN001
        super().__init__(field, parent)
        self.clock = clock or EntryClock()
        if field.type in KEYBOARD_HINTS:
            self.edit.setToolTip(
                "\n".join(t for t in (field.help, KEYBOARD_HINTS[field.type]) if t)
            )
        self.edit.editingFinished.connect(self.normalise)
        self.edit.setPlaceholderText(field.placeholder or self.hint)
        self.edit.setFixedWidth(
            self.edit.fontMetrics().horizontalAdvance("0" * (len(self.hint) + 4)) + 24
        )
        self._layout.addStretch(1)

    def _parse(self, text: str):  # noqa: ANN202
        raise NotImplementedError

    def _format(self, value) -> str:  # noqa: ANN001
        raise NotImplementedError

    def value(self) -> Any:
        # The rules read every answer on each key press: parse a text once, not every time.
        text = self.edit.text().strip()
        cached = getattr(self, "_parsed", None)
        if cached is not None and cached[0] == text:
            return cached[1]
        value = None
        if text:
            try:
                value = self._parse(text)
            except ValueError:
                value = None
        self._parsed = (text, value)
        return value

    def set_value(self, value) -> None:  # noqa: ANN001
        self.edit.setText("" if value is None else self._format(value))

    def normalise(self) -> None:
        """A short form ("n", "+5 10", "170590") becomes the full one once the worker leaves
        the field, so the page shows, and the store keeps, what it was read as."""
        value = self.value()
        if value is not None and self.edit.text() != self._format(value):
            self.edit.setText(self._format(value))
            self._parsed = (self.edit.text().strip(), value)

    def parse_problem(self) -> str | None:
        text = self.edit.text().strip()
        if text and self.value() is None:
            return f"“{text}” is not a {self.kind}: type it as {self.hint}."
        return None


class DateEditor(_ParsedEditor):
    hint, kind = "dd/mm/yyyy", "date"

    def _parse(self, text: str) -> date:
        # A plain date on these forms is in the past (a birth): "01/01/65" is 1965.
        return parse_date(text, self.clock, past=True)

    def _format(self, value) -> str:  # noqa: ANN001
        return value.strftime("%d/%m/%Y")


class TimeEditor(_ParsedEditor):
    hint, kind = "hh:mm", "time"

    def _parse(self, text: str) -> time:
        if text.strip().lower() in ("n", "now"):
            return self.clock.now().time()
        return parse_time(text)

    def _format(self, value) -> str:  # noqa: ANN001
        return value.strftime("%H:%M")


class DateTimeEditor(_ParsedEditor):
    hint, kind = "dd/mm/yyyy hh:mm", "date and time"

    def __init__(self, field: Field, parent=None, clock: EntryClock | None = None):  # noqa: ANN001
        super().__init__(field, parent, clock)
        now = QPushButton("Now", objectName=f"now_{field.key}")
        now.setToolTip(f"Fill in the current date and time ({field.label}); or type n")
        now.setAccessibleName(f"Now: {field.label}")
        now.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab goes field to field; Alt-free typing
        now.clicked.connect(self._now)
        self._layout.insertWidget(1, now)

    def _now(self) -> None:
        self.set_value(self.clock.now())
        self.changed.emit()

    def _parse(self, text: str) -> datetime:
        return parse_datetime(text, self.clock)

    def _format(self, value) -> str:  # noqa: ANN001
        return value.astimezone(LONDON).strftime("%d/%m/%Y %H:%M")


class IntEditor(_ParsedEditor):
    hint, kind = "a whole number", "whole number"

    def __init__(self, field: Field, parent=None):  # noqa: ANN001
        super().__init__(field, parent)
        self.edit.setValidator(QIntValidator(0, 10_000_000, self.edit))

    def _parse(self, text: str) -> int:
        return int(text)

    def _format(self, value) -> str:  # noqa: ANN001
        return str(value)


class ChoiceEditor(FieldEditor):
    """Also used for yes/no: typing Y or N picks the answer, so no mouse is needed."""

    def __init__(self, field: Field, choices: list[tuple[object, str]], parent=None):  # noqa: ANN001
        super().__init__(field, parent)
        self.combo = self._describe(QComboBox())
        self.combo.addItem("— not answered —", None)
        for value, label in choices:
            self.combo.addItem(label, value)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(
            min(40, max(len(lbl) for _, lbl in choices) if choices else 10)
        )
        self.combo.activated.connect(lambda _i: self.changed.emit())
        if field.type == "bool":
            self.combo.setFixedWidth(
                self.combo.fontMetrics().horizontalAdvance("— not answered —") + 60
            )
            self._layout.addWidget(self.combo)
            self._layout.addStretch(1)
        else:
            self._layout.addWidget(self.combo, 1)

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value) -> None:  # noqa: ANN001
        index = self.combo.findData(value)
        self.combo.setCurrentIndex(max(index, 0))


class MultiChoiceEditor(FieldEditor):
    def __init__(self, field: Field, choices: list[tuple[str, str]], parent=None):  # noqa: ANN001
        super().__init__(field, parent)
        self.list = self._describe(QListWidget())
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for value, label in choices:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        rows = min(len(choices), 6)
        self.list.setFixedHeight(self.list.sizeHintForRow(0) * rows + 8 if choices else 40)
        self.list.itemChanged.connect(lambda _i: self.changed.emit())
        self._layout.addWidget(self.list, 1)

    def _items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def value(self) -> Any:
        chosen = [
            i.data(Qt.ItemDataRole.UserRole)
            for i in self._items()
            if i.checkState() == Qt.CheckState.Checked
        ]
        return chosen or None

    def set_value(self, value) -> None:  # noqa: ANN001
        wanted = set(value or ())
        self.list.blockSignals(True)
        for item in self._items():
            checked = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)


class SubstanceResultsEditor(FieldEditor):
    def __init__(self, field: Field, substances: list[tuple[str, str]], parent=None):  # noqa: ANN001
        super().__init__(field, parent)
        grid = QGridLayout()
        self._layout.addLayout(grid)
        self._layout.addStretch(1)
        self.combos: dict[str, QComboBox] = {}
        for row, (key, label) in enumerate(substances):
            # The DT1's results keep their short names; another form's (the laboratory's
            # confirmation) is named by its field, so the two never share an objectName.
            name = f"result_{key}" if field.key == "results" else f"{field.key}_{key}"
            combo = QComboBox(objectName=name)
            combo.setAccessibleName(f"{field.label}: {label}")
            combo.setAccessibleDescription(describe(field))
            combo.addItem("— not recorded —", None)
            for value, text in SUBSTANCE_RESULTS:
                combo.addItem(text, value)
            combo.activated.connect(lambda _i: self.changed.emit())
            grid.addWidget(QLabel(label), row, 0)
            grid.addWidget(combo, row, 1)
            self.combos[key] = combo
        if self.combos:
            self.setFocusProxy(next(iter(self.combos.values())))

    def value(self) -> Any:
        chosen = {k: c.currentData() for k, c in self.combos.items() if c.currentData()}
        return chosen or None

    def set_value(self, value) -> None:  # noqa: ANN001
        for key, combo in self.combos.items():
            combo.setCurrentIndex(max(combo.findData((value or {}).get(key)), 0))

    def set_prefilled(self, prefilled: bool) -> None:
        pass

    def inputs(self) -> list[QWidget]:
        return list(self.combos.values())


YES_NO = [(True, "Yes"), (False, "No")]


def make_editor(
    field: Field,
    reference: ReferenceData,
    parent=None,  # noqa: ANN001
    clock: EntryClock | None = None,
) -> FieldEditor:
    def choices():  # noqa: ANN202
        return (
            reference.choices(field.choices_source) if field.choices_source else list(field.choices)
        )

    factories = {
        "text": lambda: TextEditor(field, parent),
        "multiline": lambda: MultilineEditor(field, parent),
        "int": lambda: IntEditor(field, parent),
        "bool": lambda: ChoiceEditor(field, YES_NO, parent),
        "date": lambda: DateEditor(field, parent, clock),
        "time": lambda: TimeEditor(field, parent, clock),
        "datetime": lambda: DateTimeEditor(field, parent, clock),
        "choice": lambda: ChoiceEditor(field, choices(), parent),
        "multi_choice": lambda: MultiChoiceEditor(field, choices(), parent),
        "substance_results": lambda: SubstanceResultsEditor(
            field, reference.choices("tested_substances"), parent
        ),
    }
    return factories[field.type]()
