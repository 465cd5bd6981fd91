"""The control API, asynchronously: tools that wait (webhooks, scenario runs) must not hold up others.

The server is found through MIRRA_HOME's server.json, or started in the background on first use
(as `mirra up` does). If it has since restarted on other ports, the next call finds it again.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import anyio.to_thread
import httpx
from mcp.server.mcpserver.exceptions import ToolError

from mirra.cli.client import CliError, parse_stream
from mirra.cli.server import ensure_server
from mirra.control_api.auth import TOKEN_FILE
from mirra.control_api.urls import ServerUrls
from mirra.home import mirra_home

REQUEST_TIMEOUT_SECONDS = 60.0


class ApiError(ToolError):
    """mirra's error as an agent reads it: `{"error": {"code", "message", "hint"}}` in one line."""

    def __init__(self, status: int, code: str, message: str, hint: str = "") -> None:
        self.status = status
        self.code = code
        self.message = message
        self.hint = hint
        super().__init__(json.dumps({"error": {"code": code, "message": message, "hint": hint}}))


class ControlApi:
    """One connection to the running mirra server's `/v1` and direct-mode admin routes."""

    def __init__(self) -> None:
        self._http: httpx.AsyncClient | None = None
        self._urls: ServerUrls | None = None

    async def urls(self) -> ServerUrls:
        await self._client()
        assert self._urls is not None
        return self._urls

    async def call(self, method: str, path: str, *, wait: float = 0.0, **kwargs: Any) -> Any:
        """The JSON answer, or ApiError carrying mirra's message and hint. `wait` is how long the
        server may hold the request (long polls) on top of the usual timeout."""
        timeout = REQUEST_TIMEOUT_SECONDS + wait
        try:
            response = await (await self._client()).request(method, path, timeout=timeout, **kwargs)
        except httpx.ConnectError:
            await self.aclose()  # the server may have restarted elsewhere: find it again, once
            response = await self._send_once_more(method, path, timeout, **kwargs)
        except httpx.HTTPError as error:
            raise _unreachable(error) from None
        if response.is_error:
            raise api_error(response)
        return response.json()

    async def events(self, session_id: str, params: dict[str, str]) -> AsyncIterator[dict[str, Any]]:
        """The session's event stream (`/v1/sessions/{id}/events`), one dict per event, as it comes."""
        client = await self._client()
        try:
            async with client.stream("GET", f"/v1/sessions/{session_id}/events", params=params, timeout=None) as response:
                if response.is_error:
                    await response.aread()
                    raise api_error(response)
                block: list[str] = []
                async for line in response.aiter_lines():
                    block.append(line)
                    if not line:
                        for event in parse_stream(block):
                            yield event
                        block = []
        except httpx.HTTPError as error:
            if isinstance(error, httpx.ConnectError):
                await self.aclose()  # find the server again on the next call
            raise _unreachable(error) from None

    async def aclose(self) -> None:
        stale, self._http = self._http, None
        if stale is not None:
            await stale.aclose()

    async def _send_once_more(self, method: str, path: str, timeout: float, **kwargs: Any) -> httpx.Response:
        try:
            return await (await self._client()).request(method, path, timeout=timeout, **kwargs)
        except httpx.HTTPError as error:
            raise _unreachable(error) from None

    async def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            try:
                server = await anyio.to_thread.run_sync(lambda: ensure_server(quiet=True))
                token = (mirra_home() / TOKEN_FILE).read_text().strip()
            except (CliError, OSError) as error:
                raise ApiError(503, "mirra.mcp.server_unavailable", f"mirra is not running and could not be started: {error}",
                               "Start it yourself with `mirra proxy` (or check MIRRA_HOME), then retry.") from None
            self._urls = server.urls
            self._http = httpx.AsyncClient(
                base_url=server.urls.api_url, headers={"authorization": f"Bearer {token}"}, trust_env=False
            )
        return self._http


def api_error(response: httpx.Response) -> ApiError:
    try:
        detail = response.json()["error"]
        return ApiError(response.status_code, detail["code"], detail["message"], detail.get("hint", ""))
    except (ValueError, KeyError, TypeError):
        return ApiError(response.status_code, "mirra.mcp.unexpected_answer",
                        f"mirra answered {response.status_code}: {response.text[:300]}", "")


def _unreachable(error: httpx.HTTPError) -> ApiError:
    return ApiError(503, "mirra.mcp.server_unreachable", f"Cannot reach the mirra server ({error}).",
                    "Is `mirra proxy` still running? Retry; a restarted server is found again.")
