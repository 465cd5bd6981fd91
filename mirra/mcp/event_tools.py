"""Event tools: a session's recent traffic, webhooks and state changes, and waiting for a webhook
on the live event stream (no polling)."""

from __future__ import annotations

from contextlib import aclosing
from typing import Annotated, Any, Literal

import anyio
from mcp.server.mcpserver import MCPServer
from pydantic import Field

from mirra.mcp.answers import compact
from mirra.mcp.control import ApiError, ControlApi
from mirra.mcp.session_tools import READ, SessionId
from mirra.sessions.events import EVENT_TYPES, TRAFFIC, WEBHOOK

EventType = Literal[EVENT_TYPES]  # type: ignore[valid-type]  # the log's own list, one source of truth
BULKY_FIELDS = ("requestHeaders", "responseHeaders", "requestBody", "responseBody", "signature")
ERROR_BODY_LIMIT = 2000


def register(server: MCPServer, api: ControlApi) -> None:
    @server.tool(annotations=READ, structured_output=False)
    async def list_events(
        session_id: SessionId,
        since: Annotated[int, Field(ge=0, description="Only events after this sequence number (the `lastSeq` of a previous answer).")] = 0,
        types: Annotated[list[EventType] | None, Field(description="Only these event types; ['traffic.request_completed'] is the vendor traffic.")] = None,
        mirrors: Annotated[list[str] | None, Field(description="Only events of these mirrors, e.g. ['stripe'].")] = None,
        limit: Annotated[int, Field(ge=1, le=1000, description="At most this many events: the most recent ones.")] = 50,
        detail: Annotated[bool, Field(description="Include request/response headers and bodies and webhook signatures.")] = False,
    ) -> str:
        """A session's event log, oldest first: vendor requests (traffic.request_completed:
        method, path, status, durationMs, requestId; the response body of failed requests),
        webhook delivery attempts (webhook.dispatched: type, url, status, attempt), state changes
        (state.changed: entity, entityId, changed fields before/after) and lifecycle steps. Each
        event's `id` is its sequence number; pass the answer's `lastSeq` as `since` to see only
        what happens next."""
        params = {"follow": "false", "since": str(since)}
        if types:
            params["types"] = ",".join(types)
        if mirrors:
            params["mirrors"] = ",".join(mirrors)
        events: list[dict[str, Any]] = []
        async with aclosing(api.events(session_id, params)) as stream:
            async for event in stream:
                events.append(event)
        shown = events[-limit:]
        return compact({
            "events": [event if detail else brief(event) for event in shown],
            "lastSeq": events[-1]["id"] if events else since,
            "omitted": len(events) - len(shown),
        })

    @server.tool(annotations=READ, structured_output=False)
    async def wait_for_webhook(
        session_id: SessionId,
        type: Annotated[str, Field(description="The vendor event type, e.g. 'payment_intent.succeeded', 'customer.created'.")],
        timeout_seconds: Annotated[float, Field(gt=0, le=600, description="Give up after this many seconds.")] = 15,
        since: Annotated[int, Field(ge=0, description="Only deliveries after this event sequence number (0: also ones that already happened).")] = 0,
        delivered: Annotated[bool, Field(description="Wait for a 2xx answer from the endpoint (true) or for any attempt (false).")] = True,
        mirror: Annotated[str | None, Field(description="Only webhooks of this mirror, e.g. 'stripe'.")] = None,
    ) -> str:
        """Wait until a webhook of this event type is delivered to an endpoint registered in the
        session, and answer that delivery attempt (url, status, attempt, deliveryId, objectId,
        and its event `id`: pass it as `since` to wait for the next one). Deliveries that already
        happened after `since` count. On timeout, the error lists the failed attempts (e.g. your
        handler answered 400 or 500), so you can fix the handler and advance_clock to the retry."""
        params = {"types": WEBHOOK, "since": str(since), **({"mirrors": mirror} if mirror else {})}
        failed: list[dict[str, Any]] = []
        with anyio.move_on_after(timeout_seconds):
            async with aclosing(api.events(session_id, params)) as stream:
                async for event in stream:
                    if event.get("type") != type:
                        continue
                    status = event.get("status")
                    if not delivered or (status is not None and 200 <= status < 300):
                        return compact(brief(event))
                    failed.append(brief(event))
        raise ApiError(408, "mirra.mcp.webhook_timeout",
                       f"No {type} webhook was {'delivered (2xx)' if delivered else 'attempted'} in session {session_id} "
                       f"within {timeout_seconds:g} s (events after #{since}).", _timeout_hint(failed))


def brief(event: dict[str, Any]) -> dict[str, Any]:
    """The event without headers, bodies and signatures; a failed request keeps its error body."""
    short = {key: value for key, value in event.items() if key not in BULKY_FIELDS}
    if event.get("event") == TRAFFIC and event.get("status", 0) >= 400:
        short["responseBody"] = (event.get("responseBody") or "")[:ERROR_BODY_LIMIT]
    return short


def _timeout_hint(failed: list[dict[str, Any]]) -> str:
    if failed:
        attempts = "; ".join(f"attempt {f['attempt']} to {f['url']} got {f['status'] or 'no answer'}" for f in failed[-5:])
        return (f"{len(failed)} attempt(s) were not acknowledged with a 2xx ({attempts}). Fix the receiving handler, "
                "then advance_clock to run the vendor's next retry, and wait again.")
    return ("No attempt was made: is a webhook endpoint registered for this event type (for Stripe, a "
            "webhook_endpoint whose enabled_events include it, created through the proxy in this session), and "
            "did the event happen? list_events shows the session's traffic and webhooks.")
