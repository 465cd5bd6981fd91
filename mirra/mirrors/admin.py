"""Every mirror's admin routes, `<mirror>/_mirra/...`, through the proxy and in direct mode.

    GET  state               the mirror's whole state as JSON
    GET  metadata            name, versions, endpoints (from the routing table), webhook types
    POST state/reset         {"seed"?}: empty the state and load the session's (or a named) seed
    POST state/snapshot      {"snapshotId"?}: save the state; 409 if that id exists
    POST state/restore       {"snapshotId"}: put a snapshot's state back
    GET  state/snapshots     the snapshot ids
    POST clock/advance       {"seconds"}: move the session's time; due jobs run before it answers
    POST simulate            {"event", ...}: fire a vendor event from the mirror's catalogue
    GET  settings            the mirror's settings in this session
    POST settings            {name: value}: change some (e.g. Stripe's rateLimitPerSecond)

Answers are mirra-shaped JSON: these routes are mirra's, not the vendor's.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mirra.errors import MirraError
from mirra.mirrors.base import Mirror
from mirra.mirrors.http import MirrorRequest, MirrorResponse
from mirra.sessions import lifecycle
from mirra.sessions.events import iso_timestamp
from mirra.sessions.registry import Session, SessionRegistry
from mirra.sessions.runner import JobRunner

PREFIX = "/_mirra/"


@dataclass(frozen=True)
class AdminServices:
    """What admin routes act with, beyond the session and the mirror."""

    registry: SessionRegistry
    runner: JobRunner
    snapshots: Path


Handler = Callable[[AdminServices, Session, Mirror, dict[str, Any]], Awaitable[tuple[int, Any]]]


def is_admin(path: str) -> bool:
    return path.startswith(PREFIX)


async def handle_admin(
    services: AdminServices, session: Session, mirror: Mirror, request: MirrorRequest
) -> MirrorResponse:
    route = (request.method, request.path[len(PREFIX) :].rstrip("/"))
    try:
        handler = ROUTES.get(route)
        if handler is None:
            raise MirraError(
                404,
                "mirra.admin.not_found",
                f"No admin route {request.method} {request.path}.",
                "Admin routes: " + ", ".join(f"{m} {PREFIX}{p}" for m, p in ROUTES) + ".",
            )
        status, body = await handler(services, session, mirror, _json_body(request))
    except MirraError as error:
        return MirrorResponse(error.status, error.body(), [("Content-Type", "application/json")])
    return MirrorResponse(status, json.dumps(body, indent=2).encode(), [("Content-Type", "application/json")])


async def get_state(_s: AdminServices, session: Session, mirror: Mirror, _b: dict[str, Any]) -> tuple[int, Any]:
    return 200, {"mirror": mirror.name, "sessionId": session.id, **mirror.state(session)}


async def get_metadata(_s: AdminServices, _session: Session, mirror: Mirror, _b: dict[str, Any]) -> tuple[int, Any]:
    return 200, {
        "name": mirror.name,
        "vendor": mirror.vendor,
        "version": mirror.version,
        "apiVersion": mirror.api_version,
        "hosts": list(mirror.hosts),
        "endpoints": [{"method": method, "path": path} for method, path in mirror.router.endpoints()],
        "webhookEventTypes": list(mirror.webhook_event_types),
        "seeds": mirror.seed_names(),
        "simulations": mirror.simulations(),
    }


async def reset_state(_s: AdminServices, session: Session, mirror: Mirror, body: dict[str, Any]) -> tuple[int, Any]:
    seed = _optional_string(body, "seed")
    if seed and ":" in seed:
        owner, _, seed = seed.partition(":")
        if owner != mirror.name:
            raise MirraError(400, "mirra.seed.wrong_mirror", f"Seed '{owner}:{seed}' is not a {mirror.name} seed.",
                             f"Name a seed as '{mirror.name}:<seed>' or just '<seed>'.")
    loaded = lifecycle.reset(session, mirror, seed)
    return 200, {"mirror": mirror.name, "seed": loaded}


async def take_snapshot(services: AdminServices, session: Session, mirror: Mirror, body: dict[str, Any]) -> tuple[int, Any]:
    snapshot_id = _optional_string(body, "snapshotId") or session.ids.new("snap_", 14)
    lifecycle.snapshot(session, mirror, services.snapshots, snapshot_id)
    return 201, {"snapshotId": snapshot_id, "mirror": mirror.name}


async def restore_snapshot(services: AdminServices, session: Session, mirror: Mirror, body: dict[str, Any]) -> tuple[int, Any]:
    snapshot_id = _optional_string(body, "snapshotId")
    if not snapshot_id:
        raise MirraError(400, "mirra.snapshot.id_required", "Which snapshot? 'snapshotId' is required.",
                         'Send {"snapshotId": "<id from state/snapshot>"}.')
    lifecycle.restore(session, mirror, services.snapshots, snapshot_id)
    return 200, {"snapshotId": snapshot_id, "mirror": mirror.name}


async def list_snapshots(services: AdminServices, session: Session, mirror: Mirror, _b: dict[str, Any]) -> tuple[int, Any]:
    return 200, {"mirror": mirror.name, "snapshots": lifecycle.list_snapshots(session, mirror, services.snapshots)}


async def advance_clock(services: AdminServices, session: Session, _mirror: Mirror, body: dict[str, Any]) -> tuple[int, Any]:
    return 200, await advance_session_clock(services, session, body)


async def advance_session_clock(services: AdminServices, session: Session, body: dict[str, Any]) -> dict[str, Any]:
    """Shared with the control API's session-level route."""
    seconds = body.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
        raise MirraError(400, "mirra.clock.invalid_seconds", "'seconds' must be a positive number.",
                         'Send e.g. {"seconds": 86400} to move one day ahead.')
    with session.store.unit_of_work() as uow:
        session.clock.advance(uow, float(seconds))
    services.registry.note_next_job(session)
    jobs_run = await services.runner.run_session(session)
    return {"now": iso_timestamp(session.clock.now()), "offsetSeconds": session.clock.offset, "jobsRun": jobs_run}


async def simulate(_s: AdminServices, session: Session, mirror: Mirror, body: dict[str, Any]) -> tuple[int, Any]:
    event = _optional_string(body, "event")
    valid = mirror.simulations()
    if event not in valid:
        raise MirraError(
            400,
            "mirra.simulate.unknown_event",
            f"The {mirror.name} mirror cannot simulate '{event}'." if event else "'event' is required.",
            f"Valid events: {', '.join(valid) or 'none yet'}.",
        )
    params = {key: value for key, value in body.items() if key != "event"}
    return 200, {"event": event, "mirror": mirror.name, "result": mirror.simulate(session, event, params)}


async def get_settings(_s: AdminServices, session: Session, mirror: Mirror, _b: dict[str, Any]) -> tuple[int, Any]:
    return 200, {"mirror": mirror.name, "settings": session.settings.get(mirror.name, mirror.default_settings)}


async def update_settings(_s: AdminServices, session: Session, mirror: Mirror, body: dict[str, Any]) -> tuple[int, Any]:
    unknown = sorted(set(body) - set(mirror.default_settings))
    if unknown:
        raise MirraError(400, "mirra.settings.unknown", f"Unknown {mirror.name} setting '{unknown[0]}'.",
                         f"Settings: {', '.join(mirror.default_settings)}.")
    mirror.check_settings(body)
    session.settings.update(mirror.name, body)
    return 200, {"mirror": mirror.name, "settings": session.settings.get(mirror.name, mirror.default_settings)}


ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", "state"): get_state,
    ("GET", "metadata"): get_metadata,
    ("POST", "state/reset"): reset_state,
    ("POST", "state/snapshot"): take_snapshot,
    ("POST", "state/restore"): restore_snapshot,
    ("GET", "state/snapshots"): list_snapshots,
    ("POST", "clock/advance"): advance_clock,
    ("POST", "simulate"): simulate,
    ("GET", "settings"): get_settings,
    ("POST", "settings"): update_settings,
}


def _json_body(request: MirrorRequest) -> dict[str, Any]:
    if not request.body.strip():
        return {}
    try:
        body = json.loads(request.body)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise MirraError(400, "mirra.request.invalid_json", "The admin request body must be a JSON object.",
                         "Send Content-Type: application/json with an object body, or no body.")
    return body


def _optional_string(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise MirraError(400, "mirra.request.invalid_parameter", f"'{name}' must be a string.",
                         f'Send e.g. {{"{name}": "..."}}.')
    return value
