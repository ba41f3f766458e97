"""Store operations from the UI (Anki's ``CollectionOp``): ``fn`` runs on the workspace's store
executor and never touches a widget; ``success``/``failure`` run on the UI thread.

    StoreOp(self, ws, lambda: episodes.load_episode(ws, episode_id)).success(self.show).run()

What the operation changed reaches every open view through the store's change hook (the
Hub's ``store_changed``), tagged with the op's ``origin`` — by default the widget that asked —
so a view can tell its own saves from a colleague's record arriving by sync. A failure is shown
by default (``tasks.show_error``: the worker's message, never a traceback).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QWidget

from app.errors import UserFacingError
from app.storage.gate import StoreClosed
from app.ui import tasks
from app.ui.tasks import Relay

log = logging.getLogger(__name__)
_in_flight: set[Relay] = set()


class StoreOp:
    def __init__(self, parent: QWidget | None, workspace: Any, fn: Callable[[], Any]) -> None:
        self.parent, self.workspace, self.fn = parent, workspace, fn
        self.origin: Any = parent
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None

    def success(self, callback: Callable[[Any], None]) -> StoreOp:
        self._success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> StoreOp:
        self._failure = callback
        return self

    def with_origin(self, origin: Any) -> StoreOp:
        self.origin = origin
        return self

    def run(self) -> Future:
        relay = Relay(
            lambda result: self._finish(relay, self._success, result),
            lambda exc: self._finish(relay, self._on_failure, exc),
        )
        _in_flight.add(relay)
        future = self.workspace.submit(self.fn, self.origin)
        future.add_done_callback(lambda f: _deliver(relay, f))
        return future

    def _on_failure(self, exc: BaseException) -> None:
        if isinstance(exc, StoreClosed):
            return  # the app is closing: there is no one to tell
        if self._failure is not None:
            self._failure(exc)
        else:
            tasks.show_error(self.parent if _alive(self.parent) else None, exc)

    def _finish(self, relay: Relay, handler: Callable | None, value: Any) -> None:
        _in_flight.discard(relay)
        if handler is None or (self.parent is not None and not _alive(self.parent)):
            return  # the widget that asked has gone: nothing left to show the result in
        handler(value)


def _deliver(relay: Relay, future: Future) -> None:
    """On the executor thread: hand the outcome to the UI thread (queued signal)."""
    exc = future.exception()
    if exc is None:
        relay.done.emit(future.result())
        return
    if not isinstance(exc, UserFacingError):
        log.error("store operation failed", exc_info=exc)
    relay.failed.emit(exc)


def _alive(widget: QObject | None) -> bool:
    return widget is not None and shiboken6.isValid(widget)


def in_flight() -> int:
    """Operations whose result has not reached the UI thread yet (tests wait for 0)."""
    return len(_in_flight)


def settle(timeout_ms: int = 10_000) -> bool:
    """Process events until every operation has delivered (tests and shutdown)."""
    from PySide6.QtCore import QDeadlineTimer, QEventLoop

    deadline = QDeadlineTimer(timeout_ms)
    app = QApplication.instance()
    while (_in_flight or tasks.in_flight()) and not deadline.hasExpired():
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    return not (_in_flight or tasks.in_flight())
