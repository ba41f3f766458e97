"""Limits on wrong enrolment codes (issue 15.6), decided in memory before the database is
touched, so a flood of guesses costs the database nothing and cannot slow the pushes.

- **Per address**: after ``failures`` wrong codes from one address within ``window`` seconds,
  that address is answered 429 (with ``Retry-After``) until the oldest of them is older than
  the window — right codes included, so a guesser cannot keep trying.
- **For the whole service**: wrong codes spend tokens from one bucket (``per_second``, up to
  ``burst``); with the bucket empty every enrolment is answered 429 for a second or so. This
  bounds what many addresses together can cost.

Only wrong codes count: enrolling a dozen workstations in a row is never slowed. Each ``serve``
process keeps its own counts (several processes behind one proxy multiply the limits; the
per-code lock-out in ``central.auth`` is shared through the database). Behind a reverse proxy
the address is the proxy's unless uvicorn is told to trust its ``X-Forwarded-For``
(docs/deployment.md).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class EnrolLimiter:
    failures: int = 10
    window: float = 15 * 60.0
    per_second: float = 5.0
    burst: float = 50.0
    clock: Callable[[], float] = time.monotonic
    max_addresses: int = 10_000  # memory bound: the oldest entries go first
    _seen: dict[str, deque[float]] = field(default_factory=dict, init=False, repr=False)
    _tokens: float = field(default=0.0, init=False, repr=False)
    _filled_at: float = field(default=0.0, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self._tokens, self._filled_at = self.burst, self.clock()

    def retry_after(self, address: str) -> int | None:
        """Seconds to wait before this address may try again, or None: it may try now."""
        with self._lock:
            now = self.clock()
            self._refill(now)
            recent = self._recent(address, now)
            if recent is not None and len(recent) >= self.failures:
                return max(1, math.ceil(recent[0] + self.window - now))
            if self._tokens < 1:
                return max(1, math.ceil((1 - self._tokens) / self.per_second))
            return None

    def failed(self, address: str) -> None:
        with self._lock:
            now = self.clock()
            self._refill(now)
            self._tokens -= 1
            recent = self._recent(address, now)
            if recent is None:
                if len(self._seen) >= self.max_addresses:
                    self._seen.pop(next(iter(self._seen)))
                recent = self._seen[address] = deque()
            recent.append(now)

    def _refill(self, now: float) -> None:
        self._tokens = min(self.burst, self._tokens + (now - self._filled_at) * self.per_second)
        self._filled_at = now

    def _recent(self, address: str, now: float) -> deque[float] | None:
        recent = self._seen.get(address)
        if recent is None:
            return None
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        if not recent:
            del self._seen[address]
            return None
        return recent
