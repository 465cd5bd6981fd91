"""Transport-free request and response types: what a mirror sees and what it answers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MirrorRequest:
    """One vendor API call, whichever door it came through (proxy or direct mode)."""

    method: str
    host: str
    path: str  # percent-encoded, without the query string
    query: str  # the raw query string, without '?'
    headers: dict[str, str]  # keys lower-cased
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class MirrorResponse:
    """A vendor-shaped answer: status, headers in order, body bytes."""

    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((value for key, value in self.headers if key.lower() == lowered), None)
