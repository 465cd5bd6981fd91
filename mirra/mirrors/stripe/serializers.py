"""Stripe's JSON: list envelopes and `expand[]`.

Objects are built and stored already in Stripe's shape and key order (`id`, `object`, then
alphabetical), so serializing means wrapping lists with the `url` the SDK's auto-pager
re-requests and replacing expandable ids with the objects they name.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.stripe.errors import InvalidParameter

MAX_EXPAND_DEPTH = 4

# kind -> dotted paths Stripe lets `expand[]` replace (the spec's x-expandableFields).
EXPANDABLE: dict[str, frozenset[str]] = {
    "customer": frozenset({"default_source", "invoice_settings.default_payment_method", "test_clock"}),
    "payment_method": frozenset({"customer"}),
    "payment_intent": frozenset({"customer", "payment_method", "latest_charge"}),
    "setup_intent": frozenset({"customer", "payment_method", "latest_attempt", "mandate"}),
    "charge": frozenset({"customer", "payment_intent", "balance_transaction"}),
    "refund": frozenset({"charge", "payment_intent", "balance_transaction"}),
    "balance_transaction": frozenset({"source"}),
    "dispute": frozenset({"charge", "payment_intent"}),
    "product": frozenset({"default_price"}),
    "price": frozenset({"product"}),
    "promotion_code": frozenset({"customer"}),
    "subscription": frozenset({"customer", "default_payment_method", "latest_invoice", "test_clock"}),
    "subscription_item": frozenset(),
    "invoice": frozenset({"customer", "default_payment_method", "test_clock"}),
    "invoiceitem": frozenset({"customer", "invoice", "test_clock"}),
    "invoice_payment": frozenset({"invoice", "payment.payment_intent"}),
    "checkout.session": frozenset({"customer", "invoice", "payment_intent", "setup_intent", "subscription"}),
}

Loader = Callable[[str], Document | None]


def list_object(url: str, data: list[Document], has_more: bool) -> dict[str, Any]:
    return {"object": "list", "data": data, "has_more": has_more, "url": url}


def expand(obj: Document, paths: list[str], load: Loader) -> Document:
    """A copy of `obj` with each `expand[]` path replaced by the object it names."""
    if not paths:
        return obj
    expanded = copy.deepcopy(obj)
    for path in paths:
        segments = path.split(".")
        if len(segments) > MAX_EXPAND_DEPTH:
            raise InvalidParameter(
                f"You cannot expand more than {MAX_EXPAND_DEPTH} levels of a property. "
                f"Property: {path}",
                param="expand",
            )
        _expand_path(expanded, segments, load)
    return expanded


def expand_list(listing: dict[str, Any], paths: list[str], load: Loader) -> dict[str, Any]:
    """List endpoints take `data.`-prefixed paths, applied to every object of the page."""
    inner = []
    for path in paths:
        head, _, rest = path.partition(".")
        if head != "data" or not rest:
            hint = f" You may want to try expanding 'data.{path}' instead." if head != "data" else ""
            raise InvalidParameter(f"This property cannot be expanded ({head}).{hint}")
        inner.append(rest)
    return {**listing, "data": [expand(item, inner, load) for item in listing["data"]]}


def _expand_path(obj: Document, segments: list[str], load: Loader) -> None:
    expandable = EXPANDABLE.get(obj.get("object", ""), frozenset())
    node: dict[str, Any] = obj
    for index, segment in enumerate(segments):
        dotted = ".".join(segments[: index + 1])
        value = node.get(segment)
        if dotted in expandable:
            if isinstance(value, str):
                value = load(value)
                node[segment] = value
            if isinstance(value, dict) and index + 1 < len(segments):
                _expand_path(value, segments[index + 1 :], load)
            return
        if not (isinstance(value, dict) and "object" not in value):
            raise InvalidParameter(f"This property cannot be expanded ({segment}).")
        node = value
