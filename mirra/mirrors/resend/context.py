"""What the Resend pipeline learns about one request, handed to the handler."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mirra.mirrors.http import MirrorRequest

if TYPE_CHECKING:
    from mirra.mirrors.resend.backend import ResendBackend


@dataclass
class RequestContext:
    request: MirrorRequest
    backend: ResendBackend
    path_params: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    body: Any = None
    """The parsed JSON body: `{}` when none was sent; a list for batches and topic updates."""

    @property
    def fields(self) -> dict[str, Any]:
        """The body as an object (routing keys the Python SDK repeats in it are simply ignored)."""
        return self.body if isinstance(self.body, dict) else {}
