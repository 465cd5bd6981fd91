"""Billing periods: calendar arithmetic from a billing cycle anchor, as Stripe bills.

A period boundary is the anchor plus a whole number of intervals, computed from the anchor each
time, so a subscription anchored on the 31st renews on Feb 28 and then on Mar 31 again.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta

DAY = 86400
_FIXED = {"day": 1, "week": 7}


def shift(timestamp: int, interval: str, count: int) -> int:
    """`timestamp` moved `count` intervals ahead (months clamp to the month's last day)."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    if interval in _FIXED:
        return int((moment + timedelta(days=_FIXED[interval] * count)).timestamp())
    months = count * (12 if interval == "year" else 1)
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return int(moment.replace(year=year, month=month, day=day).timestamp())


def next_boundary(anchor: int, interval: str, count: int, after: int) -> int:
    """The first period boundary strictly after `after`."""
    step = 1
    while (boundary := shift(anchor, interval, count * step)) <= after:
        step += 1
    return boundary


def proration_factor(start: int, end: int, at: int) -> float:
    """The share of [start, end) left at `at`."""
    return max(0.0, min(1.0, (end - at) / (end - start))) if end > start else 0.0
