"""Resend's team rate limit: N requests per one-second window, counted on the session clock
(so a test can advance past `retry-after` instead of sleeping), reported on every response."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    limit: int
    remaining: int
    reset: int  # seconds until a request slot frees up
    exceeded: bool

    def headers(self) -> list[tuple[str, str]]:
        headers = [
            ("ratelimit-limit", str(self.limit)),
            ("ratelimit-policy", f"{self.limit};w=1"),
            ("ratelimit-remaining", str(self.remaining)),
            ("ratelimit-reset", str(self.reset)),
        ]
        if self.exceeded:
            headers.append(("retry-after", str(self.reset)))
        return headers


class RateLimiter:
    def __init__(self) -> None:
        self._windows: dict[str, deque[float]] = {}

    def take(self, session_id: str, limit: int, now: float) -> Window:
        """Count one request at `now`; an exceeded window does not count the refused request."""
        window = self._windows.setdefault(session_id, deque())
        while window and window[0] <= now - 1.0:
            window.popleft()
        exceeded = len(window) >= limit
        if not exceeded:
            window.append(now)
        reset = max(1, math.ceil(window[0] + 1.0 - now)) if window else 1
        return Window(limit, max(0, limit - len(window)), reset, exceeded)
