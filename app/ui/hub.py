"""One app-wide signal announcing what changed; each screen refreshes itself (Anki's
operation_did_execute)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Hub(QObject):
    # (what, record id): what is "episode", "notice", "sync", "workers", "policy", "worker"…
    changed = Signal(str, str)
