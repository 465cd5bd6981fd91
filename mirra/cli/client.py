"""Find the running mirra server and call its control API."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from mirra.control_api.auth import TOKEN_FILE
from mirra.control_api.urls import ServerUrls
from mirra.home import mirra_home, server_file


class CliError(Exception):
    """A user-facing failure: one line saying what went wrong and how to fix it."""


@dataclass(frozen=True)
class RunningServer:
    pid: int
    urls: ServerUrls


def find_server() -> RunningServer | None:
    """The server named by server.json, if its process is still alive."""
    path = server_file()
    try:
        info = json.loads(path.read_text())
        pid = int(info["pid"])
        urls = ServerUrls(info["host"], int(info["proxyPort"]), int(info["apiPort"]))
    except (OSError, ValueError, KeyError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return RunningServer(pid, urls)


def require_server() -> RunningServer:
    server = find_server()
    if server is None:
        raise CliError("no mirra server is running; start one with `mirra proxy` or `mirra up`")
    return server


class ControlClient:
    """Thin httpx client for `/v1`; mirra errors become CliError lines with their hint."""

    def __init__(self, server: RunningServer) -> None:
        token = (mirra_home() / TOKEN_FILE).read_text().strip()
        self.server = server
        self.http = httpx.Client(
            base_url=server.urls.api_url,
            headers={"authorization": f"Bearer {token}"},
            timeout=30,
            trust_env=False,
        )

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            raise CliError(
                f"cannot reach mirra at {self.server.urls.api_url} ({error}); is it still running?"
            ) from None
        if response.is_error:
            try:
                detail = response.json()["error"]
                raise CliError(f"{detail['message']} {detail.get('hint', '')}".strip())
            except (ValueError, KeyError, TypeError):
                raise CliError(f"mirra answered {response.status_code}: {response.text[:200]}") from None
        return response.json()


def parse_stream(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Server-Sent Events lines -> one dict per event: `id`, `event` (its type) and the payload."""
    event: dict[str, str] = {}
    for line in lines:
        if not line:
            if "data" in event:
                yield {"id": int(event.get("id", 0)), "event": event.get("event"), **json.loads(event["data"])}
            event = {}
        elif not line.startswith(":"):
            key, _, value = line.partition(":")
            event[key] = value.strip()
