"""Logging to a rotating file in the data directory.

House rule, enforced by tests: no personal data in any log line. Code logs record ids, counts
and event names only; SQL parameters are hidden by the engine (``hide_parameters``).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

LOG_NAME = "cjit-desk.log"


def setup_logging(log_dir: Path, level: str = "INFO") -> Path:
    log_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(log_dir, 0o700)
    path = log_dir / LOG_NAME
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_cjit", False)]:
        root.removeHandler(old)
        old.close()
    handler._cjit = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return path
