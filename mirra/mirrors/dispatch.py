"""The one entry into a mirror, shared by the proxy addon and direct mode."""

from __future__ import annotations

import time

from mirra import signals
from mirra.errors import MirraError
from mirra.mirrors.base import Mirror
from mirra.mirrors.http import MirrorRequest, MirrorResponse
from mirra.sessions.registry import Session  # noqa: TC001


def dispatch(mirror: Mirror, session: Session, request: MirrorRequest) -> MirrorResponse:
    """Answer `request` from `mirror` inside `session`, and announce the completed request."""
    if mirror.name not in session.mirrors:
        error = MirraError(
            404,
            "mirra.session.mirror_not_provisioned",
            f"Session '{session.id}' has no {mirror.name} mirror.",
            f"Create a session with '{mirror.name}' in its mirrors.",
        )
        return MirrorResponse(error.status, error.body(), [("content-type", "application/json")])
    started = time.perf_counter()
    response = mirror.handle(session, request)
    signals.send_request_completed(
        session.id,
        mirror=mirror.name,
        method=request.method,
        path=request.path,
        status=response.status,
        duration_ms=(time.perf_counter() - started) * 1000,
        request_id=response.header("request-id") or "",
        request=request,
        response=response,
    )
    return response
