"""Answer requests for mirrored hosts in-process, from the flow's session.

Setting `flow.response` in `request` means mitmproxy never goes upstream for these flows. Vendor
calls are answered synchronously (short SQLite work); their signals wait (`signals.held`) until
mitmproxy has written the answer, so the event log's work is not part of the call's latency. The
mirror's admin routes (`/_mirra/...`) may wait for due jobs: for those the hook returns a
coroutine, which mitmproxy awaits (it awaits whatever a hook returns), so ordinary calls pay
nothing for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from mitmproxy import http

from mirra import signals
from mirra.addons.session_resolver import SESSION_KEY
from mirra.mirrors.admin import AdminServices, handle_admin, is_admin
from mirra.mirrors.base import Mirror
from mirra.mirrors.catalog import MirrorCatalog
from mirra.mirrors.dispatch import dispatch
from mirra.mirrors.http import MirrorRequest, MirrorResponse
from mirra.sessions.registry import Session, SessionRegistry, session_not_found

ANSWERED_KEY = "mirra.answered"  # the session whose mirror answered the flow


class MirrorRouter:
    def __init__(self, registry: SessionRegistry, catalog: MirrorCatalog, admin: AdminServices) -> None:
        self.registry = registry
        self.catalog = catalog
        self.admin = admin

    def request(self, flow: http.HTTPFlow) -> Coroutine[Any, Any, None] | None:
        """Answer vendor calls at once; admin routes return a coroutine mitmproxy awaits."""
        if flow.response is not None or flow.error or not flow.live:
            return None
        host = flow.request.pretty_host  # parsed from the Host header on every read (~7 us): once
        mirror = self.catalog.for_host(host)
        if mirror is None:
            return None
        session_id = flow.metadata[SESSION_KEY]
        session = self.registry.get(session_id)
        if session is None:
            error = session_not_found(session_id)
            _answer(flow, MirrorResponse(error.status, error.body(), [("content-type", "application/json")]))
            return None
        request = mirror_request(flow.request, host)
        if is_admin(request.path):
            return self._admin(flow, session, mirror, request)
        with signals.held():
            answer = dispatch(mirror, session, request)
        _answer(flow, answer)
        flow.metadata[ANSWERED_KEY] = session
        return None

    def response(self, flow: http.HTTPFlow) -> None:
        """Run `Session.answered` once the answer is on the wire. mitmproxy writes it when this
        hook's completion is processed, on the loop's next turn, from a callback scheduled after
        this hook returns; a timer due at once runs after that turn's scheduled callbacks. Were
        that order to change, the work would only run earlier; and whatever reads the event log
        sends the held signals first (a call whose answer never left gets its signals that way)."""
        session = flow.metadata.pop(ANSWERED_KEY, None)
        if session is not None:
            asyncio.get_running_loop().call_later(0, session.answered)

    async def _admin(self, flow: http.HTTPFlow, session: Session, mirror: Mirror, request: MirrorRequest) -> None:
        _answer(flow, await handle_admin(self.admin, session, mirror, request))


def _answer(flow: http.HTTPFlow, answer: MirrorResponse) -> None:
    headers = [(name.encode(), value.encode()) for name, value in answer.headers]
    flow.response = http.Response.make(answer.status, answer.body, headers)


def mirror_request(request: http.Request, host: str) -> MirrorRequest:
    path, _, query = request.path.partition("?")
    # The raw header fields, decoded once: mitmproxy's Headers view decodes on every access.
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in request.headers.fields}
    return MirrorRequest(
        method=request.method,
        host=host,
        path=path,
        query=query,
        headers=headers,
        body=request.raw_content or b"",
    )
