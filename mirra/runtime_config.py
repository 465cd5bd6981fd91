"""How `mirra proxy` listens: kept apart from `runtime` so the CLI can read it without mitmproxy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_PROXY_PORT = 8210
DEFAULT_API_PORT = 8211


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    proxy_port: int = DEFAULT_PROXY_PORT
    api_port: int = DEFAULT_API_PORT
    passthrough: Sequence[str] = ()
