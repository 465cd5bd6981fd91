"""The one table of which Stripe events each change produces, and the Event objects themselves.

Backend operations never name events: they write through `BackendBase.insert/replace/remove`,
which look the change up here. A created object gives `<kind>.created`; an update gives
`<kind>.updated` (when anything changed) plus any event its new `status` names; a deletion gives
`<kind>.deleted`. Each event becomes an `evt_` object (listable through /v1/events) and a webhook
delivery to every enabled endpoint that wants it.
"""

from __future__ import annotations

from typing import Any

# (kind, action) -> event types, action being "created", "updated", "deleted" or "status:<value>".
EVENTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("customer", "created"): ("customer.created",),
    ("customer", "updated"): ("customer.updated",),
    ("customer", "deleted"): ("customer.deleted",),
}

# Kinds whose changes Stripe announces; other kinds (e.g. webhook endpoints) change silently.
ANNOUNCED = frozenset(kind for kind, _ in EVENTS)

EVENT_TYPES = tuple(sorted({event for types in EVENTS.values() for event in types}))


def events_for(kind: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    if before is None:
        return list(EVENTS.get((kind, "created"), ()))
    if after is None:
        return list(EVENTS.get((kind, "deleted"), ()))
    types = list(EVENTS.get((kind, "updated"), ()))
    if before.get("status") != after.get("status"):
        types += EVENTS.get((kind, f"status:{after.get('status')}"), ())
    return types


def previous_attributes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The top-level fields that changed, with their old values; metadata key by key."""
    changed: dict[str, Any] = {}
    for key in sorted(after.keys() | before.keys()):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if key == "metadata" and isinstance(old, dict) and isinstance(new, dict):
            changed[key] = {k: old.get(k) for k in sorted(old.keys() | new.keys()) if old.get(k) != new.get(k)}
        else:
            changed[key] = old
    return changed


def event_object(
    event_id: str,
    event_type: str,
    created: int,
    obj: dict[str, Any],
    previous: dict[str, Any] | None,
    request_id: str | None,
    idempotency_key: str | None,
    api_version: str,
    pending_webhooks: int,
) -> dict[str, Any]:
    data: dict[str, Any] = {"object": obj}
    if previous is not None:
        data["previous_attributes"] = previous
    return {
        "id": event_id,
        "object": "event",
        "api_version": api_version,
        "created": created,
        "data": data,
        "livemode": False,
        "pending_webhooks": pending_webhooks,
        "request": {"id": request_id, "idempotency_key": idempotency_key},
        "type": event_type,
    }
