"""The app-wide signals each screen listens to (Anki's ``operation_did_execute``).

``store_changed(Changes)``: one commit's worth of changed episodes, people and tables, from any
thread (the store executor, a background sync), delivered on the UI thread; each view reloads
what it shows of them. ``changed(what, id)``: events that are not data — "worker" (someone
signed in at the lock), "sync" (a sync finished).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Hub(QObject):
    store_changed = Signal(object)
    changed = Signal(str, str)

    def connect_store(self, store) -> None:  # noqa: ANN001
        """Publish the store's commits here; emitted from the committing thread, the signal is
        queued to the UI thread where the Hub lives."""
        store.on_change(self.store_changed.emit)
