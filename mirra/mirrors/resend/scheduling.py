"""`scheduled_at` as Resend reads it: ISO 8601 or natural language ("in 1 min", "in 2 hours")."""

from __future__ import annotations

import datetime
import re

from mirra.mirrors.resend.errors import ValidationError

MAX_AHEAD_SECONDS = 30 * 24 * 3600
_RELATIVE = re.compile(r"^\s*in\s+(?P<count>\d+(?:\.\d+)?|an?|one)\s+(?P<unit>[a-z]+?)s?\s*$", re.IGNORECASE)
_UNITS = {"sec": 1, "second": 1, "min": 60, "minute": 60, "hour": 3600, "hr": 3600, "day": 86400, "week": 604800}


def scheduled_time(value: object, now: float) -> float:
    """The unix time `value` names, checked to lie in the next 30 days."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("The `scheduled_at` field must be a string.")
    at = _relative(value, now)
    if at is None:
        at = _iso(value)
    if at <= now:
        raise ValidationError("The `scheduled_at` field must be a date in the future.")
    if at - now > MAX_AHEAD_SECONDS:
        raise ValidationError("The `scheduled_at` field must be within the next 30 days.")
    return at


def _relative(value: str, now: float) -> float | None:
    found = _RELATIVE.match(value)
    if not found:
        return None
    count_text = found.group("count").lower()
    count = 1.0 if count_text in ("a", "an", "one") else float(count_text)
    unit = _UNITS.get(found.group("unit").lower())
    if unit is None:
        raise ValidationError(_INVALID)
    return now + count * unit


def _iso(value: str) -> float:
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(_INVALID) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.timestamp()


_INVALID = "Invalid `scheduled_at` field. Use an ISO 8601 date (e.g. 2024-08-05T11:52:01.858Z) or natural language (e.g. in 1 min)."
