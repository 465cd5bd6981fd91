"""Where a running mirra can be reached: shared by the control API's answers and the CLI."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServerUrls:
    host: str
    proxy_port: int
    api_port: int

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.api_port}"

    def proxy_url(self, session_id: str) -> str:
        """The proxy URL naming a session. The password is ignored but kept non-empty, since
        Node's proxy support drops credentials whose password is empty."""
        return f"http://{session_id}:mirra@{self.host}:{self.proxy_port}"

    def mirror_url(self, session_id: str, mirror: str) -> str:
        """The mirror's direct-mode base URL (for SDKs that take a base URL)."""
        return f"{self.api_url}/m/{session_id}/{mirror}"
