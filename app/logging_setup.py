"""Logging to a rotating file in the data directory.

House rule, enforced by tests: no personal data in any log line. Code logs record ids, counts
and event names only; SQL parameters are hidden by the engine (``hide_parameters``).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

LOG_NAME = "cjit-desk.log"
_EARLY_LIMIT = 1000
_deferred: tuple[Path, str] | None = None


class _Early(logging.Handler):
    """Holds the records logged before the file handler exists (the window's first moments)."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.records) < _EARLY_LIMIT:
            self.records.append(record)


def setup_logging(log_dir: Path, level: str = "INFO", *, defer: bool = False) -> Path:
    """Log to ``log_dir/cjit-desk.log``, rotated at 1 MB, five old files kept.

    ``defer=True`` (the GUI's start): records are held in memory and the file handler (with
    ``logging.handlers``, its folder and its file) is made by ``finish_deferred()``, which the
    GUI calls once the first window is on screen — the worker does not wait for it. Nothing
    logged in between is lost: it is written then, in order.
    """
    global _deferred
    root = logging.getLogger()
    root.setLevel(level)
    if defer:
        _replace_handler(_Early())
        _deferred = (log_dir, level)
        return log_dir / LOG_NAME
    _deferred = None
    from logging.handlers import RotatingFileHandler

    log_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(log_dir, 0o700)
    path = log_dir / LOG_NAME
    handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for early in _replace_handler(handler):
        for record in getattr(early, "records", ()):
            handler.handle(record)
    return path


def finish_deferred() -> None:
    """Make the file handler that ``setup_logging(defer=True)`` put off; no-op otherwise."""
    if _deferred is not None:
        setup_logging(*_deferred)


def _replace_handler(handler: logging.Handler) -> list[logging.Handler]:
    root = logging.getLogger()
    old = [h for h in root.handlers if getattr(h, "_cjit", False)]
    for h in old:
        root.removeHandler(h)
        h.close()
    handler._cjit = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    return old
