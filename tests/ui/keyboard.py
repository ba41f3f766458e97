"""A worker's keyboard, counted: every key goes to the widget that has the focus, as on a real
desk (no setFocus, no clicks), and each press counts once (a capital letter is one key)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from tests.ui.conftest import settle

CTRL = Qt.KeyboardModifier.ControlModifier
NAMED = {"\n": Qt.Key.Key_Return, "\t": Qt.Key.Key_Tab}


class Keyboard:
    def __init__(self, qtbot, window):
        self.qtbot, self.window = qtbot, window
        self.steps: dict[str, int] = {}
        self.step = "start"

    def begin(self, step: str) -> None:
        self.step = step
        self.steps.setdefault(step, 0)

    def _count(self, n: int = 1) -> None:
        self.steps[self.step] = self.steps.get(self.step, 0) + n

    @property
    def focus(self) -> QWidget:
        return QApplication.focusWidget() or self.window

    def focus_name(self) -> str:
        return self.focus.objectName()

    def press(self, key: Qt.Key, mods=Qt.KeyboardModifier.NoModifier) -> None:
        self.qtbot.keyClick(self.focus, key, mods)
        self._count()

    def type(self, text: str) -> None:
        """Characters as typed; "\\n" is Enter and "\\t" is Tab."""
        for ch in text:
            if ch in NAMED:
                self.press(NAMED[ch])
            else:
                self.qtbot.keyClicks(self.focus, ch)
                self._count()

    def pause(self) -> None:
        """A breath between two words typed into choice lists (their type-ahead restarts)."""
        self.qtbot.wait(QApplication.keyboardInputInterval() + 20)

    def shortcut(self, key: Qt.Key, mods=CTRL) -> None:
        self.press(key, mods)
        settle()

    def counted_elsewhere(self, n: int = 1) -> None:
        """A key pressed in a window the test stands in for (the confirmation, the printer)."""
        self._count(n)

    def expect_focus(self, name: str) -> None:
        assert self.focus_name() == name, f"focus is on {self.focus_name()!r}, not {name!r}"

    @property
    def total(self) -> int:
        return sum(self.steps.values())

    def report(self) -> str:
        rows = [f"{step:<28}{n:>4}" for step, n in self.steps.items()]
        return "\n".join([*rows, f"{'total':<28}{self.total:>4}"])
