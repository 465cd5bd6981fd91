"""Twilio's wire formats: SIDs, the two date styles, string prices, phone numbers."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_ALPHANUMERIC_SENDER = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$")
API_VERSION = "2010-04-01"


def rfc2822(timestamp: float | None) -> str | None:
    """2010 API dates: `Thu, 24 Aug 2023 05:01:45 +0000`."""
    if timestamp is None:
        return None
    return time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(timestamp))


def iso(timestamp: float | None) -> str | None:
    """Verify / Lookups dates: `2015-07-30T20:00:00Z`."""
    if timestamp is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


def parse_iso(value: str) -> float | None:
    """`YYYY-MM-DD` or an ISO 8601 datetime (as the SDK sends filters and SendAt); None if neither."""
    try:
        parsed = datetime.fromisoformat(value)  # 3.11+: "Z" included
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def price(amount: float) -> str:
    """Prices are negative decimal strings with five places: `-0.00790`."""
    return f"{-abs(amount):.5f}"


def is_phone_number(value: str) -> bool:
    return bool(E164.match(value))


def is_alphanumeric_sender(value: str) -> bool:
    return bool(_ALPHANUMERIC_SENDER.match(value))


def friendly_number(number: str) -> str:
    """`+14158675309` -> `(415) 867-5309` for North American numbers, else the number itself."""
    if number.startswith("+1") and len(number) == 12:
        return f"({number[2:5]}) {number[5:8]}-{number[8:]}"
    return number
