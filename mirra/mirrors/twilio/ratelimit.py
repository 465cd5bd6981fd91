"""Twilio's per-account request limit (429 / 20429), when a session's settings turn it on.

A sliding one-second window of wall-clock request times per account: a rate is about real
requests, not session time. Off by default, as a CI session should not trip over a limit the
real account enforces across all of its traffic.
"""

from __future__ import annotations

import time
from collections import deque


class RateLimiter:
    def __init__(self) -> None:
        self._windows: dict[str, deque[float]] = {}

    def over(self, key: str, per_second: int | None) -> bool:
        """Count one request for `key`; True if it is beyond `per_second` in the last second."""
        if not per_second:
            return False
        now = time.monotonic()
        window = self._windows.setdefault(key, deque())
        while window and window[0] <= now - 1.0:
            window.popleft()
        if len(window) >= per_second:
            return True
        window.append(now)
        return False
