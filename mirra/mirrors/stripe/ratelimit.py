"""Stripe's test-mode rate limit, per session, when the session's settings turn it on.

A sliding one-second window of request times (wall clock: a rate is about real requests, not
session time). Off by default: CI sessions should not trip over a limit the real account would
enforce per account, not per test.
"""

from __future__ import annotations

import time
from collections import deque

from mirra.mirrors.stripe.errors import StripeError


class RateLimited(StripeError):
    status = 429
    code = "rate_limit"
    stored_for_idempotency = False

    def __init__(self) -> None:
        super().__init__(
            "Testmode request rate limit exceeded, the rate limits in testmode are lower than livemode. "
            "You can learn more about rate limits here https://stripe.com/docs/rate-limits."
        )


class RateLimiter:
    def __init__(self) -> None:
        self._windows: dict[str, deque[float]] = {}

    def check(self, session_id: str, per_second: int | None) -> None:
        """Count one request; raise RateLimited beyond `per_second` in the last second."""
        if not per_second:
            return
        now = time.monotonic()
        window = self._windows.setdefault(session_id, deque())
        while window and window[0] <= now - 1.0:
            window.popleft()
        if len(window) >= per_second:
            raise RateLimited()
        window.append(now)
