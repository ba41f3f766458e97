"""One process at a time per data folder, with a lock that deleting a file does not lift.

A lock *file* (``cjit.lock`` via filelock) is lifted on Linux and macOS by deleting it: the next
process creates a new file and locks that. So on POSIX the lock is taken on the data folder
itself (``flock`` on an open descriptor of the directory), which cannot be deleted while it
holds the store. On Windows a file that is open cannot be deleted, so the lock file is kept
there (filelock's ``msvcrt`` lock on ``cjit.lock``). Neither is tied to the thread that took it.
"""

from __future__ import annotations

import os
from pathlib import Path

LOCK_NAME = "cjit.lock"


class AlreadyLocked(Exception):
    pass


class FolderLock:
    def __init__(self, folder: Path):
        self.folder = folder
        self._fd: int | None = None
        self._windows_lock = None

    @property
    def is_locked(self) -> bool:
        return self._fd is not None or (
            self._windows_lock is not None and self._windows_lock.is_locked
        )

    def acquire(self) -> None:
        if os.name == "nt":
            import filelock

            # Not thread-local: opened on one thread, closed on another (store.acquire_lock).
            self._windows_lock = filelock.FileLock(
                str(self.folder / LOCK_NAME), timeout=0, thread_local=False
            )
            try:
                self._windows_lock.acquire()
            except filelock.Timeout:
                raise AlreadyLocked() from None
            return
        import fcntl

        fd = os.open(self.folder, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyLocked() from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None
        if self._windows_lock is not None and self._windows_lock.is_locked:
            self._windows_lock.release()
