"""The control server's Starlette app: its routes, its middleware and its one error handler."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mirra.control_api import direct, events, runs, sessions
from mirra.control_api.auth import TokenAuthMiddleware
from mirra.control_api.urls import ServerUrls
from mirra.dashboard.routes import dashboard_routes
from mirra.errors import MirraError, error_body
from mirra.mirrors.admin import AdminServices
from mirra.mirrors.catalog import MirrorCatalog
from mirra.scenarios.runs import RunManager
from mirra.sessions.registry import SessionRegistry

ALL_METHODS = ["GET", "POST", "DELETE", "PUT", "PATCH"]


def build_app(
    registry: SessionRegistry,
    catalog: MirrorCatalog,
    urls: ServerUrls,
    token: str,
    admin: AdminServices,
    run_manager: RunManager,
) -> Starlette:
    app = Starlette(
        routes=[
            Route("/v1/sessions", sessions.create_session, methods=["POST"]),
            Route("/v1/sessions", sessions.list_sessions, methods=["GET"]),
            Route("/v1/sessions/{session_id}", sessions.get_session, methods=["GET"]),
            Route("/v1/sessions/{session_id}", sessions.end_session, methods=["DELETE"]),
            Route("/v1/sessions/{session_id}/events", events.stream_events, methods=["GET"]),
            Route("/v1/sessions/{session_id}/clock/advance", sessions.advance_clock, methods=["POST"]),
            Route("/v1/runs", runs.start_run, methods=["POST"]),
            Route("/v1/runs", runs.list_runs, methods=["GET"]),
            Route("/v1/runs/{run_id}", runs.get_run, methods=["GET"]),
            Route("/m/{session_id}/{vendor}/{path:path}", direct.mirror_request, methods=ALL_METHODS),
            *dashboard_routes(),
        ],
        middleware=[Middleware(TokenAuthMiddleware, token=token)],
        exception_handlers={MirraError: render_mirra_error, 404: not_found, 405: not_allowed},
    )
    app.state.registry = registry
    app.state.catalog = catalog
    app.state.urls = urls
    app.state.admin = admin
    app.state.runs = run_manager
    app.state.token = token
    return app


async def render_mirra_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, MirraError)
    return Response(exc.body(), exc.status, media_type="application/json")


async def not_found(request: Request, _exc: Exception) -> Response:
    body = error_body(
        "mirra.request.not_found",
        f"No control API route {request.method} {request.url.path}.",
        "Routes: /v1/sessions, /v1/sessions/{id}, /v1/sessions/{id}/events, "
        "/v1/sessions/{id}/clock/advance, /v1/runs, /v1/runs/{id}, and /m/{session}/{vendor}/... for direct mode.",
    )
    return Response(body, 404, media_type="application/json")


async def not_allowed(request: Request, _exc: Exception) -> Response:
    body = error_body(
        "mirra.request.method_not_allowed",
        f"{request.method} is not allowed on {request.url.path}.",
        "See the control API reference for the methods each route takes.",
    )
    return Response(body, 405, media_type="application/json")
