"""Resources: each session's mirror state and event log, readable by URI so an agent can attach
them as context, and listed for the sessions that exist right now.

    mirra://sessions/{session_id}/state/{mirror}   the mirror's whole state (as mirror_state answers)
    mirra://sessions/{session_id}/events           the event log's most recent events (as list_events)
"""

from __future__ import annotations

from contextlib import aclosing
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError
from mcp_types import Resource

from mirra.mcp.answers import compact
from mirra.mcp.control import ApiError, ControlApi
from mirra.mcp.event_tools import brief

STATE_URI = "mirra://sessions/{session_id}/state/{mirror}"
EVENTS_URI = "mirra://sessions/{session_id}/events"
EVENTS_KEPT = 500
JSON = "application/json"


def register(server: MCPServer, api: ControlApi) -> None:
    @server.resource(STATE_URI, name="mirror-state", mime_type=JSON,
                     description="A mirror's whole state in a session: objects by kind, webhook deliveries.")
    async def mirror_state(session_id: str, mirror: str) -> str:
        return compact(await _read(api.call("GET", f"/m/{session_id}/{mirror}/_mirra/state")))

    @server.resource(EVENTS_URI, name="session-events", mime_type=JSON,
                     description=f"A session's event log (the last {EVENTS_KEPT} events): traffic, webhooks, state changes.")
    async def session_events(session_id: str) -> str:
        events: list[dict[str, Any]] = []
        try:
            async with aclosing(api.events(session_id, {"follow": "false"})) as stream:
                async for event in stream:
                    events.append(brief(event))
        except ApiError as error:
            raise _resource_error(error) from None
        return compact({"events": events[-EVENTS_KEPT:], "omitted": max(0, len(events) - EVENTS_KEPT)})


async def session_resources(api: ControlApi) -> list[Resource]:
    """A state resource per mirror and an events resource, for every session that exists."""
    listed: list[Resource] = []
    params = {"limit": "100"}
    while True:
        page = await api.call("GET", "/v1/sessions", params=params)
        for session in page["data"]:
            session_id, label = session["sessionId"], session["name"] or session["sessionId"]
            listed.append(Resource(uri=EVENTS_URI.format(session_id=session_id), name=f"{label} events", mime_type=JSON,
                                   description=f"Event log of session {session_id}: traffic, webhooks, state changes."))
            for mirror in session["mirrors"]:
                vendor = mirror["vendor"]
                listed.append(Resource(uri=STATE_URI.format(session_id=session_id, mirror=vendor),
                                       name=f"{label} {vendor} state", mime_type=JSON,
                                       description=f"State of the {vendor} mirror in session {session_id}."))
        if not page["hasMore"]:
            return listed
        params["cursor"] = page["nextCursor"]


async def _read(answer: Any) -> Any:
    try:
        return await answer
    except ApiError as error:
        raise _resource_error(error) from None


def _resource_error(error: ApiError) -> ResourceError:
    kind = ResourceNotFoundError if error.status in (400, 404) else ResourceError
    return kind(str(error))
