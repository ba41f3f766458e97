"""The mouse wheel scrolls the page; it never changes an answer the worker is not in.

Qt's drop-downs, spin boxes and date editors take the wheel whenever the pointer is over
them, so scrolling a long form changed answers under the pointer (issue 14: Gender Male ->
Female, Ethnicity -> "White: Roma"), and autosave kept the change. One filter for the whole
application: a wheel turn over such a widget without the keyboard focus goes to the scroll
area around it instead. With the focus (the worker clicked or tabbed into it) the wheel
still steps through the choices, as Qt users expect.

It is also the application's only event filter, and says when the worker touched the keyboard,
mouse or screen (``input``, for the idle lock: app/ui/idle.py). A filter on the application
runs Python for every event of every widget; two of them (the idle watcher had its own) were
the largest share of the window's thread in a profile of a shift (bench/RESULTS.md,
"responsive"), so there is one, and it asks each event its type once.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QWidget,
)

GUARDED = (QComboBox, QAbstractSpinBox)  # QDateTimeEdit and QDateEdit are spin boxes


ACTIVITY = frozenset({
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
})  # fmt: skip


class WheelGuard(QObject):
    input = Signal()  # a key press, click, mouse move, wheel turn or touch, anywhere

    def eventFilter(self, watched, event) -> bool:  # noqa: ANN001, N802
        kind = event.type()
        if kind in ACTIVITY:
            self.input.emit()
            if kind != QEvent.Type.Wheel:
                return False
        elif kind != QEvent.Type.Polish:
            return False
        if not isinstance(watched, GUARDED):
            return False
        if kind == QEvent.Type.Polish:
            # Qt gives a WheelFocus widget the focus from a real wheel turn before any filter
            # sees it: such widgets take it from a click or Tab only.
            if watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            return False
        if watched.hasFocus():
            return False
        area = _scroll_area_around(watched)
        if area is not None:
            QApplication.sendEvent(area.verticalScrollBar(), event)
        return True  # never to the widget itself


def _scroll_area_around(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def install(app: QApplication) -> WheelGuard:
    """Once per application; returns the guard (kept alive by the application)."""
    guard = app.findChild(WheelGuard, "wheelGuard")
    if guard is None:
        guard = WheelGuard(app)
        guard.setObjectName("wheelGuard")
        app.installEventFilter(guard)
    return guard
