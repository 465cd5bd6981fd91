"""Token auth and rate-limit headers for the control API (`/v1`) and the dashboard.

The token is generated into `MIRRA_HOME/token` (owner-only) on first start. API clients send it
as `Authorization: Bearer <token>`; the dashboard's login link (`/login?token=…`) turns it into an
HttpOnly, SameSite=Strict cookie, and a cookie-authenticated request that changes something must
also carry `X-Mirra-Dashboard: 1` (a header no cross-site form or image can send). Only direct
mode (`/m/…`, the vendors' own surface, authenticated by vendor API keys) and the login page are
open. Limits are per token in fixed one-minute windows, reported as
`x-mirra-ratelimit-{limit,remaining,reset}`.
"""

from __future__ import annotations

import hmac
import html
import os
import secrets
import time
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mirra.errors import MirraError

TOKEN_FILE = "token"
COOKIE = "mirra_token"
CSRF_HEADER = b"x-mirra-dashboard"
RATE_LIMIT_PER_MINUTE = 6000
OPEN_PREFIXES = ("/m/", "/login")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def load_or_create_token(home: Path) -> str:
    path = home / TOKEN_FILE
    if path.exists():
        return path.read_text().strip()
    token = "mt_pat_" + secrets.token_urlsafe(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(token + "\n")
    return token


class TokenAuthMiddleware:
    """Requires the token everywhere but direct mode and the login page; counts requests per window."""

    def __init__(self, app: ASGIApp, token: str, limit: int = RATE_LIMIT_PER_MINUTE) -> None:
        self.app = app
        self.token = token
        self.limit = limit
        self.window_start = 0
        self.used = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(OPEN_PREFIXES):
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            if scope["path"].startswith("/v1"):
                await _error_response(refusal)(scope, receive, send)
            else:
                signed_out = refusal.code == "mirra.auth.missing_token"
                message = "Sign in to the mirra dashboard." if signed_out else "That token is not this server's; sign in again."
                await login_page(message, refusal.status)(scope, receive, send)
            return
        limit_headers = self._count()
        if limit_headers["x-mirra-ratelimit-remaining"] == "-1":
            limit_headers["x-mirra-ratelimit-remaining"] = "0"
            await _error_response(_rate_limited(), limit_headers)(scope, receive, send)
            return

        async def send_with_limits(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(limit_headers)
            await send(message)

        await self.app(scope, receive, send_with_limits)

    def _refusal(self, scope: Scope) -> MirraError | None:
        """Why this request may not go on, or None."""
        headers = dict(scope["headers"])
        supplied = headers.get(b"authorization", b"").decode("latin-1")
        if supplied:
            if supplied.startswith("Bearer ") and token_matches(self.token, supplied[7:].strip()):
                return None
            return _missing_token(True)
        cookie = Request(scope).cookies.get(COOKIE)
        if cookie is None:
            return _missing_token(False)
        if not token_matches(self.token, cookie):
            return _missing_token(True)
        if scope["method"] not in SAFE_METHODS and CSRF_HEADER not in headers:
            return MirraError(403, "mirra.auth.cross_site", "A dashboard request that changes state needs the X-Mirra-Dashboard header.",
                              "The dashboard sends it; scripts should use 'Authorization: Bearer <token>' instead of the cookie.")
        return None

    def _count(self) -> dict[str, str]:
        window = int(time.time()) // 60 * 60
        if window != self.window_start:
            self.window_start, self.used = window, 0
        self.used += 1
        return {
            "x-mirra-ratelimit-limit": str(self.limit),
            "x-mirra-ratelimit-remaining": str(self.limit - self.used),
            "x-mirra-ratelimit-reset": str(window + 60),
        }


def token_matches(token: str, supplied: str) -> bool:
    """Constant-time comparison, so a wrong token says nothing about the right one."""
    return hmac.compare_digest(supplied.encode(), token.encode())


def login_page(message: str, status: int) -> Response:
    """The only page shown without the token: says where the login link is."""
    body = LOGIN_HTML.replace("{message}", html.escape(message))
    return Response(body, status, media_type="text/html; charset=utf-8")


LOGIN_HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>mirra · sign in</title>
<style>body{font:15px system-ui,sans-serif;max-width:36rem;margin:12vh auto;color:#1d2330}
code{background:#eef1f6;padding:.1rem .3rem;border-radius:4px}input{width:100%;padding:.5rem;font:inherit}</style></head>
<body><h1>mirra</h1><p>{message}</p>
<p>Open the login link that <code>mirra proxy</code> and <code>mirra up</code> print, or paste the token from
<code>MIRRA_HOME/token</code> (<code>~/.mirra/token</code> by default):</p>
<form method="get" action="/login"><input name="token" type="password" placeholder="mt_pat_…" autofocus></form></body></html>"""


def _error_response(error: MirraError, headers: dict[str, str] | None = None) -> Response:
    return Response(error.body(), error.status, headers, media_type="application/json")


def _missing_token(supplied: bool) -> MirraError:
    return MirraError(
        401,
        "mirra.auth.invalid_token" if supplied else "mirra.auth.missing_token",
        "The control API token is invalid." if supplied else "The control API needs a bearer token.",
        "Send 'Authorization: Bearer <token>' with the token from MIRRA_HOME/token "
        "(~/.mirra/token by default).",
    )


def _rate_limited() -> MirraError:
    return MirraError(
        429,
        "mirra.ratelimit.exceeded",
        "Too many control API requests this minute.",
        "Wait until the time in x-mirra-ratelimit-reset and retry.",
    )
