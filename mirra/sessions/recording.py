"""Signals -> the session's event log: what the live stream and the session stats are made of."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mirra import signals
from mirra.sessions import events
from mirra.sessions.registry import SessionRegistry

BODY_LIMIT = 32_768  # bytes of each request and response body kept in a traffic event
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "x-api-key"})


def record_events(registry: SessionRegistry) -> Callable[[], None]:
    """Connect the receivers; returns the function that disconnects them."""

    def on_request(session_id: str, **fields: Any) -> None:
        session = registry.get(session_id)
        if session is None:
            return
        request, response = fields["request"], fields["response"]
        data = {
            "method": fields["method"],
            "host": request.host,
            "path": fields["path"],
            "query": request.query,
            "status": fields["status"],
            "durationMs": round(fields["duration_ms"], 3),
            "requestId": fields["request_id"],
            "requestHeaders": {name: redact(name, value) for name, value in request.headers.items()},
            "requestBody": body_text(request.body),
            "responseHeaders": dict(response.headers),
            "responseBody": body_text(response.body),
        }
        session.events.append(events.TRAFFIC, fields["mirror"], session.clock.now(), data)

    def on_state(session_id: str, **fields: Any) -> None:
        session = registry.get(session_id)
        if session is None:
            return
        before, after = changed_fields(fields["before"], fields["after"])
        data = {"entity": fields["entity"], "entityId": fields["entity_id"], "before": before, "after": after}
        session.events.append(events.STATE, fields["mirror"], session.clock.now(), data)

    def on_webhook(session_id: str, **fields: Any) -> None:
        session = registry.get(session_id)
        if session is None:
            return
        mirror = fields.pop("mirror")
        session.events.append(events.WEBHOOK, mirror, session.clock.now(), fields)

    def on_lifecycle(session_id: str, **fields: Any) -> None:
        session = registry.get(session_id)
        if session is None:
            return
        mirror = fields.pop("mirror", None)
        session.events.append(events.LIFECYCLE, mirror, session.clock.now(), fields)

    receivers: list[tuple[Any, Callable[..., None]]] = [
        (signals.request_completed, on_request),
        (signals.state_changed, on_state),
        (signals.webhook_dispatched, on_webhook),
        (signals.session_lifecycle, on_lifecycle),
    ]
    for signal, receiver in receivers:
        signal.connect(receiver, weak=False)

    def disconnect() -> None:
        for signal, receiver in receivers:
            signal.disconnect(receiver)

    return disconnect


def redact(header: str, value: str) -> str:
    """Credentials keep their scheme and a recognisable start (`Bearer sk_test_4eC3...`), no more.
    ASCII dots, not an ellipsis: one non-Latin-1 character makes Python hold the whole event's JSON
    in two bytes a character, to be converted back to UTF-8 for SQLite (3% of a Stripe create)."""
    if header.lower() not in SECRET_HEADERS:
        return value
    scheme, _, credential = value.partition(" ") if " " in value else ("", "", value)
    return f"{scheme} {credential[:12]}...".strip() if len(credential) > 12 else value


def body_text(body: bytes) -> str:
    """A body for the event log: UTF-8 text up to BODY_LIMIT bytes, or a note for binary bodies."""
    try:
        text = body[:BODY_LIMIT].decode()
    except UnicodeDecodeError:
        return f"<{len(body)} bytes, not UTF-8 text>"
    return text if len(body) <= BODY_LIMIT else text + f"... <{len(body) - BODY_LIMIT} more bytes>"


def changed_fields(
    before: dict[str, Any] | None, after: dict[str, Any] | None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """For an update, only the fields that changed (as the product's example shows); whole
    objects for a creation or a deletion."""
    if before is None or after is None:
        return before, after
    keys = [key for key in after.keys() | before.keys() if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in sorted(keys)}, {key: after.get(key) for key in sorted(keys)}
