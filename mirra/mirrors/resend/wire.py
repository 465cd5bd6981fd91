"""Resend's wire conventions: timestamps, ids, list pages, tolerant reading of request bodies."""

from __future__ import annotations

import datetime
import json
from typing import Any

from mirra.mirrors.resend.errors import ValidationError
from mirra.sessions.ids import IdGenerator

MAX_LIMIT = 100


def rest_timestamp(at: float) -> str:
    """REST `created_at`: Postgres text form, `2025-11-30 20:41:44.782119+00`."""
    return datetime.datetime.fromtimestamp(at, datetime.UTC).strftime("%Y-%m-%d %H:%M:%S.%f+00")


def iso_timestamp(at: float) -> str:
    """Webhook times: ISO 8601 UTC with milliseconds and `Z`."""
    return datetime.datetime.fromtimestamp(at, datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_rest_timestamp(text: str) -> float:
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f+00").replace(tzinfo=datetime.UTC).timestamp()


def new_uuid(ids: IdGenerator) -> str:
    """A lowercase version-4 UUID from the session's generator, as Resend's ids are."""
    digits = ids.hex_upper(32).lower()
    variant = "89ab"[int(digits[16], 16) % 4]
    return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-{variant}{digits[17:20]}-{digits[20:32]}"


def read_body(raw: bytes) -> Any:
    """The request's JSON: SDKs send `{}`, nothing or a bare array; nothing counts as `{}`."""
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        raise ValidationError("Invalid JSON in the request body.", status=400) from None


def page(items: list[dict[str, Any]], query: dict[str, str], *, default_limit: int | None) -> tuple[list[dict[str, Any]], bool]:
    """A cursor page of `items` (newest first): `limit` 1-100, `after`/`before` an item id.

    Legacy lists (default_limit None) return everything when no limit is given."""
    if "after" in query and "before" in query:
        raise ValidationError("You can only use one of `before` or `after`.")
    limit_text = query.get("limit")
    if limit_text is None:
        limit = default_limit
    else:
        try:
            limit = int(limit_text)
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_LIMIT:
            raise ValidationError(f"The `limit` parameter must be between 1 and {MAX_LIMIT}.")
    start, end = 0, len(items)
    ids = [item["id"] for item in items]
    if query.get("after") in ids:
        start = ids.index(query["after"]) + 1
    if query.get("before") in ids:
        end = ids.index(query["before"])
        if limit is not None:
            start = max(0, end - limit)
    chosen = items[start:end]
    if limit is None:
        return chosen, False
    if "before" in query:
        return chosen[-limit:], start > 0
    return chosen[:limit], len(chosen) > limit


def list_object(data: list[dict[str, Any]], has_more: bool) -> dict[str, Any]:
    return {"object": "list", "has_more": has_more, "data": data}


def as_list(value: Any) -> list[str]:
    """`to`, `cc`, `bcc`, `reply_to`: a string or a list of strings."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise ValidationError("Invalid type. Expected a string or an array of strings.")

