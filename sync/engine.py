"""When to try again, and how long to wait for news: exponential backoff with full jitter, and the
long-poll wait, as plain library code.

A kiosk that cannot reach central must not hammer it, and five kiosks that lost the line at the
same moment must not all come back at the same moment. "Full jitter" (AWS architecture blog,
"Exponential Backoff And Jitter") draws each pause uniformly from ``[0, min(cap, base * 2**n)]``:
the mean pause still doubles, but the retries of many clients spread over the whole window.

``Backoff`` holds only the failure count and a random generator (seedable for tests); the caller
sleeps. No app imports, no clock of its own.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# The longest downlink long-poll central holds, and the wait the kiosk's sync loop asks for:
# waiting is free on central's event loop, each new call is what costs (docs/performance.md,
# "Many kiosks waiting at once"), so a kiosk asks again only every two minutes when idle.
LONG_POLL_SECONDS = 120.0

DEFAULT_BASE_SECONDS = 1.0
DEFAULT_CAP_SECONDS = 300.0  # a village line that is down waits at most five minutes per try


@dataclass
class Backoff:
    """Full-jitter exponential backoff: ``pause()`` after a failure, ``reset()`` after success."""

    base: float = DEFAULT_BASE_SECONDS
    cap: float = DEFAULT_CAP_SECONDS
    seed: int | None = None
    failures: int = 0
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.base <= 0 or self.cap < self.base:
            raise ValueError("backoff needs 0 < base <= cap")
        self._random = random.Random(self.seed)

    def ceiling(self) -> float:
        """The upper end of the window the next pause is drawn from."""
        # 2**failures overflows nothing below 64 and the cap is reached long before.
        return min(self.cap, self.base * (2 ** min(self.failures, 62)))

    def pause(self) -> float:
        """Count one more failure and return how long to wait before the next try."""
        window = self.ceiling()
        self.failures += 1
        return self._random.uniform(0, window)

    def reset(self) -> None:
        self.failures = 0
