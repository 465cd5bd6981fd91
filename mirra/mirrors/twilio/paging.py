"""Twilio's two list envelopes over a newest-first list of resources.

2010 API: relative `*_page_uri`s and exactly one record key beside the meta keys (the SDK finds
the records as the one key left). v1/v2 APIs: a `meta` object with absolute `*_page_url`s.
Both page with `PageSize` (default 50, at most 1000), `Page` and `PageToken`: `PA` + the SID of
the previous page's last record (`PB` + the first, backwards).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from mirra.mirrors.twilio.context import Params, RequestContext
from mirra.mirrors.twilio.errors import TwilioError
from mirra.mirrors.twilio.formats import parse_iso

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
_PAGING = ("PageSize", "Page", "PageToken")


def _window(ctx: RequestContext, items: list[dict[str, Any]]) -> tuple[int, int, list[dict[str, Any]], bool]:
    """(page, page size, this page's items, whether more follow)."""
    size = _integer(ctx, "PageSize", DEFAULT_PAGE_SIZE)
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise TwilioError(20001, f"Invalid PageSize: {size}. Must be between 1 and {MAX_PAGE_SIZE}")
    page = _integer(ctx, "Page", 0)
    token = ctx.params.get("PageToken")
    start = page * size
    if token:
        sids = [item["sid"] for item in items]
        anchor = token[2:]
        if token[:2] not in ("PA", "PB") or anchor not in sids:
            raise TwilioError(21481, f"Invalid PageToken {token}")
        index = sids.index(anchor)
        start = index + 1 if token.startswith("PA") else max(0, index - size)
    chosen = items[start : start + size]
    return page, size, chosen, start + size < len(items)


def _integer(ctx: RequestContext, name: str, default: int) -> int:
    value = ctx.params.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise TwilioError(20001, f"Invalid {name}: {value}") from None


def _query(ctx: RequestContext, size: int, page: int, token: str | None = None) -> str:
    pairs = [(key, value) for key, value in ctx.params.pairs if key not in _PAGING]
    pairs += [("PageSize", str(size)), ("Page", str(page))]
    if token:
        pairs.append(("PageToken", token))
    return urlencode(pairs)


def page_2010(ctx: RequestContext, key: str, items: list[dict[str, Any]]) -> tuple[int, dict[str, Any]]:
    page, size, chosen, more = _window(ctx, items)
    path = ctx.request.path
    start = page * size
    return 200, {
        "end": start + len(chosen) - 1 if chosen else 0,
        "first_page_uri": f"{path}?{_query(ctx, size, 0)}",
        "next_page_uri": f"{path}?{_query(ctx, size, page + 1, 'PA' + chosen[-1]['sid'])}" if more else None,
        "page": page,
        "page_size": size,
        "previous_page_uri": f"{path}?{_query(ctx, size, page - 1, 'PB' + chosen[0]['sid'])}" if page and chosen else None,
        "start": start,
        "uri": f"{path}?{_query(ctx, size, page, ctx.params.get('PageToken'))}",
        key: chosen,
    }


def page_meta(ctx: RequestContext, key: str, items: list[dict[str, Any]], host: str) -> tuple[int, dict[str, Any]]:
    """`host`: the product's own (`verify.twilio.com`), whichever door the request came through."""
    page, size, chosen, more = _window(ctx, items)
    base = f"https://{host}{ctx.request.path}"
    return 200, {
        key: chosen,
        "meta": {
            "page": page,
            "page_size": size,
            "first_page_url": f"{base}?{_query(ctx, size, 0)}",
            "previous_page_url": f"{base}?{_query(ctx, size, page - 1, 'PB' + chosen[0]['sid'])}" if page and chosen else None,
            "url": f"{base}?{_query(ctx, size, page, ctx.params.get('PageToken'))}",
            "next_page_url": f"{base}?{_query(ctx, size, page + 1, 'PA' + chosen[-1]['sid'])}" if more else None,
            "key": key,
        },
    }


def within(params: Params, name: str, moment: float | None) -> bool:
    """The `Name`, `Name<` and `Name>` date filters of 2010 lists (DateSent, StartTime, EndTime):
    a bare `YYYY-MM-DD` means that whole day; an object without that date matches none."""
    for suffix in ("", "<", ">"):
        raw = params.get(name + suffix)
        if raw is None:
            continue
        bound = parse_iso(raw)
        if bound is None:
            raise TwilioError(20001, f"Invalid {name + suffix}: {raw}")
        if moment is None:
            return False
        end = bound + 86400 if len(raw) == 10 else bound
        if suffix == "" and not (bound <= moment < end if len(raw) == 10 else int(moment) == int(bound)):
            return False
        if suffix == "<" and not moment <= end:
            return False
        if suffix == ">" and not moment >= bound:
            return False
    return True
