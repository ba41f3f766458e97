"""The store's one door: units of work pass one at a time, never from the UI thread.

Every unit of store work — the UI's operations on the store executor, a background sync's
short transactions — goes through ``Store.session()``, which enters this gate. One unit at a
time means SQLite's write lock is never contended inside the process (no "database is locked",
no busy-wait), whichever thread the work comes from; each thread checks out its own connection
for the unit, so no connection is ever used by two threads at once.

The UI thread is forbidden to enter: a window that runs SQL freezes while a sync holds the
store. Where the rule is broken the gate logs the bug (or, in the test suite, raises), so a
slipped-in query is found, not felt.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from app.errors import UserFacingError

log = logging.getLogger(__name__)
STRICT_ENV = "CJIT_STRICT_THREADS"  # set by the test suite: SQL on the UI thread raises


class StoreClosed(UserFacingError):
    """The store was closed (the app is closing or the window was locked for good)."""


class UIThreadStoreAccess(RuntimeError):
    """A programming error: store work on the UI thread."""


class StoreGate:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._local = threading.local()
        self._closed = False
        self._forbidden: threading.Thread | None = None

    def forbid(self, thread: threading.Thread | None) -> None:
        """No store work on ``thread`` (the UI thread) from now on."""
        self._forbidden = thread

    def _check_thread(self) -> None:
        if self._forbidden is None or threading.current_thread() is not self._forbidden:
            return
        if os.environ.get(STRICT_ENV):
            raise UIThreadStoreAccess("store work on the UI thread: run it as a StoreOp")
        log.error("store work on the UI thread", stack_info=True)

    @contextmanager
    def enter(self) -> Iterator[Any]:
        """Yields the session already open on this thread (to join it), else None with the
        gate held for a new unit of work."""
        joined = getattr(self._local, "session", None)
        if joined is not None:
            yield joined
            return
        self._check_thread()
        with self._lock:
            if self._closed:
                raise StoreClosed(
                    "The store is closed (CJIT Desk is closing). Nothing already saved is lost."
                )
            yield None

    @contextmanager
    def holding(self, session: Any) -> Iterator[None]:
        self._local.session = session
        try:
            yield
        finally:
            self._local.session = None

    @contextmanager
    def closing(self) -> Iterator[None]:
        """Wait for the unit of work in progress, then refuse every later one."""
        with self._lock:
            self._closed = True
            yield
