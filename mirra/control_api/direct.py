"""Direct mode: the mirrors over plain HTTP at `/m/<session>/<vendor>/...`, for SDKs with a base URL."""

from __future__ import annotations

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response

from mirra import signals
from mirra.mirrors.admin import handle_admin, is_admin
from mirra.mirrors.catalog import MirrorCatalog
from mirra.mirrors.dispatch import dispatch
from mirra.mirrors.http import MirrorRequest, MirrorResponse
from mirra.sessions.registry import Session, SessionRegistry, session_not_found


async def mirror_request(request: Request) -> Response:
    catalog: MirrorCatalog = request.app.state.catalog
    registry: SessionRegistry = request.app.state.registry
    mirror = catalog.require(request.path_params["vendor"])
    session = registry.get(request.path_params["session_id"])
    if session is None:
        raise session_not_found(request.path_params["session_id"])
    raw_path = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
    prefix = f"/m/{request.path_params['session_id']}/{request.path_params['vendor']}"
    vendor_request = MirrorRequest(
        method=request.method,
        host=mirror.hosts[0],
        path=raw_path.split("?", 1)[0][len(prefix) :] or "/",
        query=request.url.query,
        headers={name.lower(): value for name, value in request.headers.items()},
        body=await request.body(),
    )
    if is_admin(vendor_request.path):
        return _response(await handle_admin(request.app.state.admin, session, mirror, vendor_request))
    with signals.held():
        answer = dispatch(mirror, session, vendor_request)
    return _response(answer, BackgroundTask(_answered, session))  # once it has left


def _response(answer: MirrorResponse, background: BackgroundTask | None = None) -> Response:
    response = Response(answer.body, answer.status, background=background)
    for name, value in answer.headers:
        response.headers.append(name, value)
    return response


async def _answered(session: Session) -> None:
    """A coroutine: Starlette runs a plain function's background task on a worker thread, and
    `Session.answered` belongs on the event loop."""
    session.answered()
