"""Stripe's JSON as it goes on the wire: two-space indented, UTF-8, in the objects' own key order.

One function, so responses, error bodies and webhook payloads are the same bytes for the same
object. orjson: on a create it was a fifth of the mirror's own time with the standard library.
"""

from __future__ import annotations

from typing import Any

import orjson

_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS


def json_body(value: Any) -> bytes:
    return orjson.dumps(value, option=_OPTIONS)
