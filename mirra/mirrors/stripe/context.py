"""What the Stripe pipeline learns about one request, handed to the handler."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mirra.mirrors.http import MirrorRequest

if TYPE_CHECKING:
    from mirra.mirrors.stripe.backend import StripeBackend
    from mirra.sessions.registry import Session


@dataclass
class RequestContext:
    session: Session
    request: MirrorRequest
    request_id: str
    """`req_…`, sent back as Request-Id and used in request_log_url."""
    api_version: str
    """The Stripe-Version the caller sent, or the mirrored default."""
    path_params: dict[str, str] = field(default_factory=dict)
    """Values of the route template's `{name}` segments."""
    params: dict[str, Any] = field(default_factory=dict)
    """Query and body parameters, validated against the route's schema."""
    backend: StripeBackend | None = None
    """The backend bound to this request's unit of work (set by the pipeline)."""

    @property
    def ops(self) -> StripeBackend:
        assert self.backend is not None, "handlers run inside the unit of work"
        return self.backend
