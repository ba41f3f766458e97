"""Run slow work that is not store work off the UI thread: key derivation before a store is
open, HTTP calls, rendering. Store work goes through ``app.ui.ops.StoreOp`` instead.

``run(parent, fn, on_done, on_error)``: ``fn`` runs on the thread pool and never touches
widgets; its result or exception comes back to the UI thread through a queued signal. A
``UserFacingError`` is shown by ``on_error`` (default: a message box with its text); anything else
is logged with its traceback and shown as an apology, never as a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from app.errors import UserFacingError

log = logging.getLogger(__name__)
_live: set[Relay] = set()  # keeps relays alive until their signal has been delivered


class Relay(QObject):
    """Created on the UI thread, so its slots run there whichever thread emits (queued)."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, on_done: Callable[[Any], None], on_failed: Callable[[Any], None]):
        super().__init__()
        self._on_done, self._on_failed = on_done, on_failed
        self.done.connect(self._deliver_done)
        self.failed.connect(self._deliver_failed)

    @Slot(object)
    def _deliver_done(self, value: Any) -> None:
        self._on_done(value)

    @Slot(object)
    def _deliver_failed(self, value: Any) -> None:
        self._on_failed(value)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: Relay):
        super().__init__()
        self.fn, self.relay = fn, relay

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:
            if not isinstance(exc, UserFacingError):
                log.error("background task failed", exc_info=exc)
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


def explain(exc: BaseException) -> str:
    if isinstance(exc, UserFacingError):
        return str(exc)
    return (
        "Something went wrong that CJIT Desk did not expect. Nothing already saved was lost. "
        "The details are in the log file; please tell IT what you were doing."
    )


def show_error(parent: QWidget | None, exc: BaseException, title: str = "CJIT Desk") -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, explain(exc), parent=parent)
    box.setObjectName("errorMessage")
    box.open()


def run(
    parent: QWidget | None,
    fn: Callable[[], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
) -> Relay:
    def finished(handler: Callable[[Any], None] | None, value: Any) -> None:
        _live.discard(relay)
        if parent is not None and not shiboken6.isValid(parent):
            return  # the window that asked has gone (closed while the task ran)
        if handler:
            handler(value)

    relay = Relay(
        lambda r: finished(on_done, r),
        lambda e: finished(on_error or (lambda exc: show_error(parent, exc)), e),
    )
    _live.add(relay)
    QThreadPool.globalInstance().start(_Job(fn, relay))
    return relay


def in_flight() -> int:
    return len(_live)


def wait_for(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` off the UI thread and wait for its result while the window keeps painting,
    for Qt APIs that need an answer before they return (``QWizardPage.validatePage``).
    Raises what ``fn`` raised."""
    outcome: dict[str, Any] = {}
    loop = QEventLoop()

    def finish(key: str, value: Any) -> None:
        outcome[key] = value
        loop.quit()

    run(None, fn, lambda v: finish("value", v), lambda e: finish("error", e))
    if not outcome:
        loop.exec()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
