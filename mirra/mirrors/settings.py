"""Checks of the settings several mirrors share (`<mirror>/_mirra/settings`), with one error shape."""

from __future__ import annotations

from typing import Any

from mirra.errors import MirraError

MAX_RETRIES = 20


def invalid_setting(name: str, problem: str, hint: str) -> MirraError:
    return MirraError(400, "mirra.settings.invalid", f"'{name}' {problem}.", hint)


def check_rate_limit(changes: dict[str, Any], hint: str, *, nullable: bool = True) -> None:
    """`rateLimitPerSecond`: a positive integer (or null, which turns the limit off, if allowed)."""
    if "rateLimitPerSecond" not in changes:
        return
    limit = changes["rateLimitPerSecond"]
    if limit is None and nullable:
        return
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise invalid_setting("rateLimitPerSecond", "must be a positive integer" + (" or null" if nullable else ""), hint)


def check_retry_schedule(changes: dict[str, Any], hint: str, name: str = "webhookRetrySeconds", most: int = MAX_RETRIES) -> None:
    """A list of waits before each retry (by default `webhookRetrySeconds`: session seconds before
    each retry of a failed delivery)."""
    delays = changes.get(name, [])
    if not isinstance(delays, list) or len(delays) > most or not all(
        isinstance(d, int | float) and not isinstance(d, bool) and d > 0 for d in delays
    ):
        raise invalid_setting(name, f"must be a list of at most {most} positive numbers", hint)
