"""`/v1/sessions`: create, list, show and end sessions (shapes of the product's control API)."""

from __future__ import annotations

import datetime
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mirra import signals
from mirra.control_api.urls import ServerUrls
from mirra.errors import MirraError
from mirra.mirrors.admin import advance_session_clock
from mirra.mirrors.catalog import MirrorCatalog
from mirra.sessions.events import iso_timestamp
from mirra.sessions.registry import (
    DEFAULT_TIMEOUT_SECONDS,
    Session,
    SessionInfo,
    SessionRegistry,
    session_not_found,
)

MAX_PAGE = 100


def session_json(session: SessionInfo, catalog: MirrorCatalog, urls: ServerUrls) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sessionId": session.id,
        "name": session.name,
        "status": "ready",
        "persistent": session.persistent,
        "mirrors": [
            {
                "vendor": name,
                "url": urls.mirror_url(session.id, name),
                "version": catalog.require(name).version,
            }
            for name in session.mirrors
        ],
        "seeds": session.seeds,
        "proxyUrl": urls.proxy_url(session.id),
        "createdAt": _timestamp(session.created_at),
    }
    if session.expires_at is not None:
        body["expiresAt"] = _timestamp(session.expires_at)
    return body


async def create_session(request: Request) -> Response:
    payload = await json_object(request)
    mirrors = _field(payload, "mirrors", list, list(_catalog(request).names()))
    session = _registry(request).create(
        [str(name) for name in mirrors],
        name=_field(payload, "name", str, None),
        persistent=_field(payload, "persistent", bool, False),
        timeout_seconds=_field(payload, "timeoutSeconds", int, DEFAULT_TIMEOUT_SECONDS),
        seeds={str(k): str(v) for k, v in _field(payload, "seeds", dict, {}).items()},
    )
    return _session_response(request, session, 201)


async def list_sessions(request: Request) -> Response:
    mode = request.query_params.get("mode")
    status = request.query_params.get("status")
    if mode not in (None, "ephemeral", "persistent"):
        raise _bad_query("mode", "ephemeral or persistent")
    if status not in (None, "ready"):
        raise _bad_query("status", "ready")
    limit = _limit(request.query_params.get("limit", "20"))
    sessions = [
        session
        for session in _registry(request).list()
        if mode is None or session.persistent == (mode == "persistent")
    ]
    cursor = request.query_params.get("cursor")
    if cursor:
        ids = [session.id for session in sessions]
        if cursor not in ids:
            raise _bad_query("cursor", "the nextCursor of a previous page")
        sessions = sessions[ids.index(cursor) + 1 :]
    page = sessions[:limit]
    has_more = len(sessions) > limit
    registry = _registry(request)
    return JSONResponse(
        {
            "data": [
                {**session_json(session, _catalog(request), _urls(request)), **_stats(registry.if_open(session.id))}
                for session in page
            ],
            "hasMore": has_more,
            "nextCursor": page[-1].id if has_more and page else None,
        }
    )


async def get_session(request: Request) -> Response:
    session = _require(request)
    body = {**session_json(session, _catalog(request), _urls(request)), **_stats(session)}
    body["clock"] = {"now": iso_timestamp(session.clock.now()), "offsetSeconds": session.clock.offset}
    return JSONResponse(body)


async def advance_clock(request: Request) -> Response:
    """The session-level twin of `<mirror>/_mirra/clock/advance`."""
    return JSONResponse(await advance_session_clock(request.app.state.admin, _require(request), await json_object(request)))


async def end_session(request: Request) -> Response:
    session = _require(request)
    _registry(request).end(session.id)
    return JSONResponse({"sessionId": session.id, "status": "ended"})


def _stats(session: Session | None) -> dict[str, Any]:
    """Request, webhook and error counts; in lists only for sessions open already (listing
    never opens a session's database)."""
    if session is None:
        return {}
    signals.send_held()  # the counts include every request answered so far
    events = session.events
    return {"stats": {"requests": events.requests, "webhooks": events.webhooks, "errors": events.errors}}


def _session_response(request: Request, session: SessionInfo, status: int) -> Response:
    return JSONResponse(session_json(session, _catalog(request), _urls(request)), status)


def _require(request: Request) -> Session:
    session_id = request.path_params["session_id"]
    session = _registry(request).get(session_id)
    if session is None:
        raise session_not_found(session_id)
    return session


async def json_object(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        payload = json.loads(raw or b"{}")
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise MirraError(
            400,
            "mirra.request.invalid_json",
            "The request body must be a JSON object.",
            'Send e.g. {"mirrors": ["stripe"]} with Content-Type: application/json.',
        )
    return payload


def _field(payload: dict[str, Any], name: str, kind: type, default: Any) -> Any:
    value = payload.get(name, default)
    if value is None and default is None:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise MirraError(
            400,
            "mirra.request.invalid_parameter",
            f"'{name}' must be a {kind.__name__}, not {json.dumps(value)}.",
            "See the control API reference for each field's type.",
        )
    return value


def _limit(raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise _bad_query("limit", f"a number from 1 to {MAX_PAGE}")
    return int(raw)


def _bad_query(name: str, expected: str) -> MirraError:
    return MirraError(
        400, "mirra.request.invalid_parameter", f"Invalid '{name}'.", f"'{name}' must be {expected}."
    )


def _timestamp(value: float) -> str:
    moment = datetime.datetime.fromtimestamp(value, datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _registry(request: Request) -> SessionRegistry:
    return request.app.state.registry  # type: ignore[no-any-return]


def _catalog(request: Request) -> MirrorCatalog:
    return request.app.state.catalog  # type: ignore[no-any-return]


def _urls(request: Request) -> ServerUrls:
    return request.app.state.urls  # type: ignore[no-any-return]
