"""Answer requests for mirrored hosts in-process, from the flow's session.

Setting `flow.response` in `request` means mitmproxy never goes upstream for these flows. Vendor
calls are answered synchronously (short SQLite work); the mirror's admin routes
(`/_mirra/...`) may wait for due jobs, hence the async hook.
"""

from __future__ import annotations

from mitmproxy import http

from mirra.addons.session_resolver import SESSION_KEY
from mirra.mirrors.admin import AdminServices, handle_admin, is_admin
from mirra.mirrors.catalog import MirrorCatalog
from mirra.mirrors.dispatch import dispatch
from mirra.mirrors.http import MirrorRequest, MirrorResponse
from mirra.sessions.registry import SessionRegistry, session_not_found


class MirrorRouter:
    def __init__(self, registry: SessionRegistry, catalog: MirrorCatalog, admin: AdminServices) -> None:
        self.registry = registry
        self.catalog = catalog
        self.admin = admin

    async def request(self, flow: http.HTTPFlow) -> None:
        if flow.response is not None or flow.error or not flow.live:
            return
        mirror = self.catalog.for_host(flow.request.pretty_host)
        if mirror is None:
            return
        session_id = flow.metadata[SESSION_KEY]
        session = self.registry.get(session_id)
        if session is None:
            error = session_not_found(session_id)
            answer = MirrorResponse(error.status, error.body(), [("content-type", "application/json")])
        else:
            request = mirror_request(flow.request)
            if is_admin(request.path):
                answer = await handle_admin(self.admin, session, mirror, request)
            else:
                answer = dispatch(mirror, session, request)
        headers = [(name.encode(), value.encode()) for name, value in answer.headers]
        flow.response = http.Response.make(answer.status, answer.body, headers)


def mirror_request(request: http.Request) -> MirrorRequest:
    path, _, query = request.path.partition("?")
    # The raw header fields, decoded once: mitmproxy's Headers view decodes on every access.
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in request.headers.fields}
    return MirrorRequest(
        method=request.method,
        host=request.pretty_host,
        path=path,
        query=query,
        headers=headers,
        body=request.raw_content or b"",
    )
