"""`GET /v1/sessions/{id}/events`: the session's live event stream as Server-Sent Events.

Each event is `id: <sequence number>`, `event: <type>`, `data: <JSON>`. A client that reconnects
with `Last-Event-ID` (or `?since=N`) first gets every event after N from the log, then live ones;
none is missed and none repeats. Filters: `?types=a,b` and `?mirrors=stripe,resend`.
`?follow=false` sends what the log holds and closes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from mirra.errors import MirraError
from mirra.sessions.events import EVENT_TYPES, Event
from mirra.sessions.registry import Session, SessionRegistry, session_not_found

KEEPALIVE_SECONDS = 15.0
REPLAY_PAGE = 1000


async def stream_events(request: Request) -> Response:
    registry: SessionRegistry = request.app.state.registry
    session = registry.get(request.path_params["session_id"])
    if session is None:
        raise session_not_found(request.path_params["session_id"])
    types = _csv(request.query_params.get("types"))
    unknown = [name for name in types if name not in EVENT_TYPES]
    if unknown:
        raise MirraError(400, "mirra.events.unknown_type", f"Unknown event type {unknown[0]!r}.",
                         f"Event types: {', '.join(EVENT_TYPES)}.")
    after = _since(request)
    follow = request.query_params.get("follow", "true").lower() != "false"
    body = _events(session, after, types, _csv(request.query_params.get("mirrors")), follow)
    return StreamingResponse(
        body,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _events(
    session: Session, after: int, types: list[str], mirrors: list[str], follow: bool
) -> AsyncIterator[str]:
    queue = session.events.subscribe(types, mirrors) if follow else None
    try:
        last = after
        while True:  # replay from the log, page by page
            page = session.events.since(last, types, mirrors, REPLAY_PAGE)
            for event in page:
                yield format_event(event)
                last = event.seq
            if len(page) < REPLAY_PAGE:
                break
        if queue is None:
            return
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                yield ": keepalive\n\n"
                continue
            if event is None:  # the session ended, or this client fell behind: it may resume
                return
            if event.seq <= last:
                continue
            last = event.seq
            yield format_event(event)
    finally:
        if queue is not None:
            session.events.unsubscribe(queue)


def format_event(event: Event) -> str:
    return f"id: {event.seq}\nevent: {event.type}\ndata: {json.dumps(event.payload())}\n\n"


def _since(request: Request) -> int:
    raw = request.headers.get("last-event-id") or request.query_params.get("since") or "0"
    if not raw.isdigit():
        raise MirraError(400, "mirra.events.invalid_since", f"Invalid event id {raw!r}.",
                         "Last-Event-ID and ?since= take the sequence number of an event.")
    return int(raw)


def _csv(raw: str | None) -> list[str]:
    return [item.strip() for item in (raw or "").split(",") if item.strip()]
