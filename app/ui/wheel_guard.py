"""The mouse wheel scrolls the page; it never changes an answer the worker is not in.

Qt's drop-downs, spin boxes and date editors take the wheel whenever the pointer is over
them, so scrolling a long form changed answers under the pointer (issue 14: Gender Male ->
Female, Ethnicity -> "White: Roma"), and autosave kept the change. A wheel turn over such a
widget without the keyboard focus goes to the scroll area around it instead. With the focus
(the worker clicked or tabbed into it) the wheel still steps through the choices, as Qt users
expect.

The same filter says when the worker touched the keyboard, mouse or screen (``input``, for the
idle lock: app/ui/idle.py). It watches the application's top-level windows (``QWindow``), where
the window system delivers input before Qt hands it to a widget, not the application: a filter
on the application runs Python for every event of every widget (polish, layout, show, paint),
and on switching to an episode that was thousands of calls, the largest share of the window's
thread in a profile of a shift (bench/RESULTS.md, "responsive"). A window's filter sees its
input and little else. Input made up inside the process and sent straight to a widget (Qt's
test helpers) does not pass a window; tests send it through the window, as a real one comes.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QGuiApplication, QWindow
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
    input = Signal()  # a key press, click, mouse move, wheel turn or touch, in any window

    def watch(self, window: QWindow | None) -> None:
        """Filter this top-level window's events (once); windows that take the focus later
        (dialogs, the print preview) are watched as they do."""
        if window is None or not shiboken6.isValid(window) or window.property("wheelGuarded"):
            return  # (focus moves as a dialog closes, its window already gone)
        window.setProperty("wheelGuarded", True)
        window.installEventFilter(self)

    def watch_widget(self, widget: QWidget | None) -> None:
        if widget is not None and shiboken6.isValid(widget):
            self.watch(widget.window().windowHandle())

    def eventFilter(self, watched, event) -> bool:  # noqa: ANN001, N802
        kind = event.type()
        if kind not in ACTIVITY:
            return False
        self.input.emit()
        if kind != QEvent.Type.Wheel:
            return False
        target = _guarded_under(watched, event.position().toPoint())
        if target is None or target.hasFocus():
            return False  # with the focus the wheel steps through the choices
        area = _scroll_area_around(target)
        if area is not None:
            QApplication.sendEvent(area.verticalScrollBar(), event)
        return True  # never to the widget itself (nor does it take the focus from a wheel turn)


def _guarded_under(window: QWindow, point) -> QWidget | None:  # noqa: ANN001
    """The drop-down or spin box under ``point`` (in ``window``'s coordinates), if any."""
    top = next((w for w in QApplication.topLevelWidgets() if w.windowHandle() is window), None)
    widget = top.childAt(point) if top is not None else None
    while widget is not None and widget is not top:
        if isinstance(widget, GUARDED):
            return widget
        widget = widget.parentWidget()
    return None


def _scroll_area_around(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def install(app: QApplication) -> WheelGuard:
    """Once per application; returns the guard (kept alive by the application). Every window
    there is now, and each that takes the focus later, is watched."""
    guard = app.findChild(WheelGuard, "wheelGuard")
    if guard is None:
        guard = WheelGuard(app)
        guard.setObjectName("wheelGuard")
        app.focusWindowChanged.connect(guard.watch)
        # A drop-down's list or a menu is a window of its own that may never become the focus
        # window (Windows, X11): its widget taking the focus is what shows it.
        app.focusChanged.connect(lambda _old, new: guard.watch_widget(new))
    for window in QGuiApplication.topLevelWindows():
        guard.watch(window)
    return guard
