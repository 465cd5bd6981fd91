"""Stripe's search query language, evaluated over the session's own objects.

    email:"jenny@example.com"        exact match (strings quoted; numbers and null bare)
    name~"jen"                       substring, at least 3 characters
    -status:"canceled"               negation
    amount>1000  created<=1700000000 numeric and timestamp comparisons
    metadata["order"]:"42"           metadata keys
    a:"x" AND b:"y"  /  a:"x" OR b:"y"   (not mixed; at most 10 clauses)

Search here sees writes at once (live Stripe takes up to a minute).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mirra.mirrors.stripe.errors import InvalidRequest

MAX_CLAUSES = 10
_CLAUSE = re.compile(
    r"""\s*(?P<negate>-)?(?P<field>[a-z0-9_.]+(?:\["(?:[^"\\]|\\.)*"\])?)\s*(?P<op>:|~|>=|<=|>|<)\s*
        (?P<value>"(?:[^"\\]|\\.)*"|[^\s"]+)\s*""",
    re.VERBOSE,
)
_JOIN = re.compile(r"\s+(AND|OR)\s+")

# resource -> the fields its search accepts (metadata is always allowed)
FIELDS: dict[str, frozenset[str]] = {
    "customers": frozenset({"created", "email", "name", "phone"}),
    "payment_intents": frozenset({"amount", "created", "currency", "customer", "status"}),
    "charges": frozenset({"amount", "created", "currency", "customer", "disputed", "payment_method_details.card.last4",
                          "refunded", "status", "billing_details.address.postal_code"}),
    "products": frozenset({"active", "created", "description", "name", "shippable", "url"}),
    "prices": frozenset({"active", "created", "currency", "lookup_key", "product", "type"}),
    "subscriptions": frozenset({"created", "status"}),
    "invoices": frozenset({"created", "currency", "customer", "number", "receipt_number", "status", "subscription", "total"}),
}

# (resource, query field) -> where the object keeps it, when that differs
PATHS: dict[tuple[str, str], str] = {("invoices", "subscription"): "parent.subscription_details.subscription"}


@dataclass(frozen=True)
class Clause:
    field: str
    metadata_key: str | None
    op: str
    value: str | float | None
    negate: bool


def parse(resource: str, query: str) -> tuple[list[Clause], str]:
    """The clauses and how they join ("AND" or "OR")."""
    parts = _JOIN.split(query.strip())
    joins = set(parts[1::2])
    if len(joins) > 1:
        raise InvalidRequest("Search queries cannot mix AND and OR. Use only one of them.", param="query")
    clauses = [_clause(resource, text) for text in parts[0::2]]
    if len(clauses) > MAX_CLAUSES:
        raise InvalidRequest(f"Search queries can have at most {MAX_CLAUSES} clauses.", param="query")
    return clauses, joins.pop() if joins else "AND"


def matches(obj: dict[str, Any], clauses: list[Clause], join: str) -> bool:
    results = (_holds(obj, clause) for clause in clauses)
    return all(results) if join == "AND" else any(results)


def _clause(resource: str, text: str) -> Clause:
    found = _CLAUSE.fullmatch(text)
    if not found:
        raise InvalidRequest(f"Invalid search query: could not parse `{text.strip()}`.", param="query")
    field, key = found["field"], None
    if field.startswith("metadata["):
        field, key = "metadata", _unquote(field[len("metadata[") : -1])
    elif field not in FIELDS[resource]:
        raise InvalidRequest(
            f"Field `{field}` is an unsupported search field for resource `{resource}`. See "
            f"https://stripe.com/docs/search#query-fields-for-{resource.replace('_', '-')} for a list of supported fields.",
            param="query",
        )
    raw = found["value"]
    value: str | float | None
    if raw.startswith('"'):
        value = _unquote(raw)
    elif raw == "null":
        value = None
    else:
        try:
            value = float(raw)
        except ValueError:
            raise InvalidRequest(f"Invalid search query: `{raw}` must be quoted.", param="query") from None
    if found["op"] == "~" and (not isinstance(value, str) or len(value) < 3):
        raise InvalidRequest("Substring search (~) needs a quoted value of at least 3 characters.", param="query")
    return Clause(PATHS.get((resource, field), field), key, found["op"], value, bool(found["negate"]))


def _holds(obj: dict[str, Any], clause: Clause) -> bool:
    actual: Any = obj
    for part in clause.field.split("."):
        actual = actual.get(part) if isinstance(actual, dict) else None
    if clause.metadata_key is not None:
        actual = (actual or {}).get(clause.metadata_key)
    if clause.op == ":":
        result = _equal(actual, clause.value)
    elif clause.op == "~":
        result = isinstance(actual, str) and str(clause.value).lower() in actual.lower()
    else:
        try:
            number, bound = float(actual), float(clause.value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False
        result = {">": number > bound, "<": number < bound, ">=": number >= bound, "<=": number <= bound}[clause.op]
    return result != clause.negate


def _equal(actual: Any, value: str | float | None) -> bool:
    if value is None:
        return actual is None
    if isinstance(actual, bool):
        return str(value).lower() == str(actual).lower()
    if isinstance(value, float):
        return isinstance(actual, int | float) and float(actual) == value
    return bool(actual == value)


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1])
