"""Mirror tools: look into a mirror's state and steer it (simulate, reset, snapshots, the clock),
through the mirror's admin routes in direct mode (`/m/<session>/<mirror>/_mirra/...`)."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp_types import ToolAnnotations
from pydantic import Field

from mirra.mcp.answers import compact
from mirra.mcp.control import ApiError, ControlApi
from mirra.mcp.session_tools import READ, WRITE, SessionId

Mirror = Annotated[str, Field(description="The mirror: 'stripe', 'resend' or 'twilio' (one the session was created with).")]
ID_FIELDS = ("id", "sid")  # Stripe and Resend objects carry `id`, Twilio's `sid`
DESTRUCTIVE = ToolAnnotations(destructive_hint=True, open_world_hint=False)


def register(server: MCPServer, api: ControlApi) -> None:
    async def admin(session_id: str, mirror: str, method: str, route: str, body: dict[str, Any] | None = None) -> Any:
        kwargs = {"json": body} if body is not None else {}
        return await api.call(method, f"/m/{session_id}/{mirror}/_mirra/{route}", **kwargs)

    @server.tool(annotations=READ, structured_output=False)
    async def mirror_state(
        session_id: SessionId,
        mirror: Mirror = "stripe",
        kind: Annotated[str | None, Field(description="Only objects of this kind, e.g. 'customer', 'payment_intent', 'webhook_endpoint'.")] = None,
        object_id: Annotated[str | None, Field(description="Only the object with this id, e.g. 'cus_…' (searched in `kind`, or in every kind).")] = None,
    ) -> str:
        """A mirror's state in a session, as the vendor holds it: with neither `kind` nor
        `object_id`, everything (`objects` by kind, plus e.g. Stripe's webhook `deliveries`);
        with `kind`, that kind's objects; with `object_id`, that one object."""
        state = await admin(session_id, mirror, "GET", "state")
        if kind is None and object_id is None:
            return compact(state)
        objects: dict[str, list[dict[str, Any]]] = state.get("objects", {})
        candidates = objects.get(kind, []) if kind is not None else [o for group in objects.values() for o in group]
        if object_id is None:
            return compact({"kind": kind, "count": len(candidates), "objects": candidates})
        for candidate in candidates:
            if any(candidate.get(field) == object_id for field in ID_FIELDS):
                return compact(candidate)
        where = f"among the {kind} objects" if kind else "in any kind"
        raise ApiError(404, "mirra.mcp.object_not_found", f"No object '{object_id}' {where} of the {mirror} mirror in session {session_id}.",
                       f"Kinds with objects: {', '.join(sorted(objects)) or 'none'}. Call mirror_state with only `kind` to see their ids.")

    @server.tool(annotations=READ, structured_output=False)
    async def mirror_info(session_id: SessionId = "default", mirror: Mirror = "stripe") -> str:
        """What a mirror offers: vendor API version, hosts, the events simulate_event can fire,
        the seeds reset_state can load, the webhook event types it sends, and how many endpoints it serves."""
        info = await admin(session_id, mirror, "GET", "metadata")
        endpoints = info.pop("endpoints", [])
        return compact({**info, "endpointCount": len(endpoints)})

    @server.tool(annotations=WRITE, structured_output=False)
    async def simulate_event(
        session_id: SessionId,
        event: Annotated[str, Field(description="The vendor event, e.g. 'customer.created', 'charge.dispute.created', 'payment_intent.payment_failed' (mirror_info lists them).")],
        mirror: Mirror = "stripe",
        params: Annotated[dict[str, Any] | None, Field(description="What the event acts on, e.g. {'charge': 'ch_…'} for charge.dispute.created, {'payment_intent': 'pi_…'}, {'customer': 'cus_…'}.")] = None,
    ) -> str:
        """Fire a vendor event as if it happened at the vendor: the state changes, the vendor's
        events are recorded and signed webhooks go to the registered endpoints, as for the real
        event. Answers what the event acted on. Follow with wait_for_webhook to see the delivery."""
        return compact(await admin(session_id, mirror, "POST", "simulate", {**(params or {}), "event": event}))

    @server.tool(annotations=DESTRUCTIVE, structured_output=False)
    async def reset_state(
        session_id: SessionId,
        mirror: Mirror = "stripe",
        seed: Annotated[str | None, Field(description="A seed to load after emptying, e.g. 'customers' (mirror_info lists them). Default: the session's own seed, if any.")] = None,
    ) -> str:
        """Empty a mirror's state in a session and load a seed: back to a known starting point."""
        return compact(await admin(session_id, mirror, "POST", "state/reset", {"seed": seed} if seed else {}))

    @server.tool(annotations=WRITE, structured_output=False)
    async def snapshot_state(
        session_id: SessionId,
        mirror: Mirror = "stripe",
        snapshot_id: Annotated[str | None, Field(description="A name for the snapshot; default: a new 'snap_…' id.")] = None,
    ) -> str:
        """Save a mirror's state in a session, to put it back later with restore_snapshot."""
        body = {"snapshotId": snapshot_id} if snapshot_id else {}
        return compact(await admin(session_id, mirror, "POST", "state/snapshot", body))

    @server.tool(annotations=DESTRUCTIVE, structured_output=False)
    async def restore_snapshot(
        session_id: SessionId,
        snapshot_id: Annotated[str, Field(description="The snapshot to put back (list_snapshots shows them).")],
        mirror: Mirror = "stripe",
    ) -> str:
        """Replace a mirror's state in a session with a snapshot taken earlier by snapshot_state."""
        return compact(await admin(session_id, mirror, "POST", "state/restore", {"snapshotId": snapshot_id}))

    @server.tool(annotations=READ, structured_output=False)
    async def list_snapshots(session_id: SessionId, mirror: Mirror = "stripe") -> str:
        """The snapshots of a mirror's state in a session."""
        return compact(await admin(session_id, mirror, "GET", "state/snapshots"))

    @server.tool(annotations=WRITE, structured_output=False)
    async def advance_clock(
        session_id: SessionId,
        seconds: Annotated[float, Field(gt=0, description="How far to move the session's time, e.g. 86400 for a day.")],
    ) -> str:
        """Move the session's clock forward instead of waiting: whatever falls due (webhook
        retries, scheduled sends, state transitions) has run when this answers. Answers the new
        time and how many jobs ran."""
        return compact(await api.call("POST", f"/v1/sessions/{session_id}/clock/advance", json={"seconds": seconds}))
