"""Stripe's JSON as it goes on the wire: two-space indented, UTF-8, in the objects' own key order.

One function, so responses, error bodies and webhook payloads are the same bytes for the same
object. orjson: on a create it was a fifth of the mirror's own time with the standard library.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def json_body(value: Any) -> bytes:
    """orjson, or the standard library (same bytes) for what orjson refuses: integers past 64
    bits, keys that are not strings. orjson's option for such keys doubled its cost."""
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2)
    except orjson.JSONEncodeError:
        return json.dumps(value, indent=2, ensure_ascii=False).encode()
