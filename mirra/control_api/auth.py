"""Bearer-token auth and rate-limit headers for everything under `/v1`.

The token is generated into `MIRRA_HOME/token` (owner-only) on first start. Limits are per token
in fixed one-minute windows and reported as `x-mirra-ratelimit-{limit,remaining,reset}`.
"""

from __future__ import annotations

import hmac
import os
import secrets
import time
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mirra.errors import MirraError

TOKEN_FILE = "token"
RATE_LIMIT_PER_MINUTE = 6000


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
    """Requires `Authorization: Bearer <token>` under `/v1` and counts requests per window."""

    def __init__(self, app: ASGIApp, token: str, limit: int = RATE_LIMIT_PER_MINUTE) -> None:
        self.app = app
        self.token = token
        self.limit = limit
        self.window_start = 0
        self.used = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        supplied = headers.get(b"authorization", b"").decode("latin-1")
        if not supplied.startswith("Bearer ") or not hmac.compare_digest(supplied[7:].strip(), self.token):
            await _error_response(_missing_token(bool(supplied)))(scope, receive, send)
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
