"""Increasing delay after wrong passphrases (and wrong recovery keys, as ``__recovery__``).

A speed bump for people at the keyboard, said plainly (docs/security.md): the state file holds
usernames and counts only, and whoever can delete it resets the wait; whoever can copy
keyslots.json can guess offline with no wait at all. What protects a passphrase is Argon2id's
cost per guess and the strength rule (passphrase.py). The wrong tries before a sign-in are
written to the audit log at that sign-in.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from app.errors import UserFacingError
from app.storage.fsutil import atomic_write

FREE_TRIES = 3
FIRST_WAIT_SECONDS = 30
MAX_WAIT_SECONDS = 15 * 60


class TooManyTries(UserFacingError):
    def __init__(self, seconds: int):
        self.seconds = seconds
        super().__init__(
            f"Too many wrong passphrases. Wait {_duration(seconds)} before trying again, "
            "or ask your team leader to reset your passphrase."
        )


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{round(seconds / 60)} minutes"


def wait_after(failures: int) -> int:
    """Seconds to wait after this many consecutive failures: 0, 0, 30, 60, 120 … up to 15 min."""
    if failures < FREE_TRIES:
        return 0
    return min(FIRST_WAIT_SECONDS * 2 ** (failures - FREE_TRIES), MAX_WAIT_SECONDS)


class UnlockThrottle:
    def __init__(self, path: Path, clock: Callable[[], float] = time.time):
        self.path = path
        self.clock = clock

    def _read(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}

    def _write(self, state: dict) -> None:
        atomic_write(self.path, json.dumps(state).encode("utf-8"))

    def check(self, username: str) -> None:
        entry = self._read().get(username)
        if entry:
            remaining = int(entry["until"] - self.clock() + 0.999)
            if remaining > 0:
                raise TooManyTries(remaining)

    def failed(self, username: str) -> str:
        """Record a failure; return the sentence that tells the worker what happens next."""
        state = self._read()
        failures = state.get(username, {}).get("failures", 0) + 1
        wait = wait_after(failures)
        state[username] = {"failures": failures, "until": self.clock() + wait}
        self._write(state)
        if wait:
            return f"Wait {_duration(wait)} before the next try."
        left = FREE_TRIES - failures
        return f"{left} more {'try' if left == 1 else 'tries'} before a {FIRST_WAIT_SECONDS}-second wait."

    def succeeded(self, username: str) -> int:
        """Clear the count; return how many wrong tries came before (for the audit log)."""
        state = self._read()
        entry = state.pop(username, None)
        if entry is not None:
            self._write(state)
        return entry.get("failures", 0) if isinstance(entry, dict) else 0
