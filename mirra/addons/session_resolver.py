"""Which session a flow belongs to: proxy credentials, else `X-Mirra-Session`, else `default`.

Clients send `Proxy-Authorization` once, on the CONNECT; every request inside that tunnel shares
the CONNECT's `client_conn`, so the session is remembered per client connection (the technique of
mitmproxy's own proxyauth addon). The user name is the session id: `user`, `user:` and
`user:password` all work, and the password is ignored.
"""

from __future__ import annotations

import base64
import binascii
import weakref

from mitmproxy import connection, http

from mirra.sessions.registry import DEFAULT_SESSION_ID

SESSION_KEY = "mirra.session"


class SessionResolver:
    def __init__(self) -> None:
        self.by_connection: weakref.WeakKeyDictionary[connection.Client, str] = (
            weakref.WeakKeyDictionary()
        )

    def http_connect(self, flow: http.HTTPFlow) -> None:
        session = session_from_proxy_authorization(flow.request.headers.get("proxy-authorization"))
        flow.request.headers.pop("proxy-authorization", None)
        if session:
            self.by_connection[flow.client_conn] = session

    def requestheaders(self, flow: http.HTTPFlow) -> None:
        own = session_from_proxy_authorization(flow.request.headers.pop("proxy-authorization", None))
        header = flow.request.headers.pop("x-mirra-session", None)
        flow.metadata[SESSION_KEY] = (
            own or self.by_connection.get(flow.client_conn) or header or DEFAULT_SESSION_ID
        )


def session_from_proxy_authorization(value: str | None) -> str | None:
    """The user name of `Basic base64(user[:password])`, or None when absent or malformed."""
    if not value:
        return None
    scheme, _, encoded = value.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[0] or None
