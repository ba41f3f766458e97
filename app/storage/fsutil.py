"""Durable file replacement: after ``atomic_write`` returns, a power cut leaves the new file.

``os.replace`` alone is atomic but not durable: the new name may not survive a crash until the
folder is flushed, and the new content may not survive until the file is. The sequence is the
one SQLite and git use: write a temporary file in the same folder, fsync it, rename it over the
old one, fsync the folder. On Windows a folder cannot be opened for fsync (NTFS journals the
rename itself), and a rename over a file that an antivirus or indexer holds open for a moment
fails with PermissionError: it is retried briefly instead of failing the worker's action.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path

_WINDOWS = os.name == "nt"
_REPLACE_TRIES = 20  # 20 x 50 ms: long enough for a scanner to let go, short for a person


def fsync_dir(folder: Path) -> None:
    """Make the folder's entries (a new, renamed or removed file) durable."""
    if _WINDOWS:
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace(src: str, dst: Path) -> None:
    for attempt in range(_REPLACE_TRIES):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if not _WINDOWS or attempt == _REPLACE_TRIES - 1:
                raise
            time.sleep(0.05)


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data``: afterwards the old content or the new one, never a mix,
    and the new one once this returns. The file is created owner-only."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if not _WINDOWS:
            os.chmod(tmp, mode)
        _replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def remove_durably(*paths: Path) -> None:
    """Remove files (those missing are fine) and make the removal durable."""
    folders = set()
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            folders.add(path.parent)
    for folder in folders:
        fsync_dir(folder)


def leftover_temporaries(folder: Path, name: str) -> list[Path]:
    """Temporary files a crash inside ``atomic_write(folder / name)`` may have left."""
    return sorted(folder.glob(f".{name}.*.tmp"))
