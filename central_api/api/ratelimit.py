"""A per-key, per-minute call limit kept in the process's memory.

It protects a server from a kiosk stuck in a loop; it is no correctness rule (those live in the
database), so two server processes each counting on their own is acceptable.
"""

from __future__ import annotations

import threading
import time
from collections import deque


class RateLimiter:
    def __init__(self, per_minute: int, clock=time.monotonic):
        self.per_minute = per_minute
        self.clock = clock
        self._calls: dict[str, deque] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        if self.per_minute <= 0:
            return True
        now = self.clock()
        with self._lock:
            calls = self._calls.setdefault(key, deque())
            while calls and calls[0] <= now - 60:
                calls.popleft()
            if len(calls) >= self.per_minute:
                return False
            calls.append(now)
            if len(self._calls) > 10_000:  # forget idle keys rather than grow without end
                self._calls = {k: v for k, v in self._calls.items() if v}
            return True
