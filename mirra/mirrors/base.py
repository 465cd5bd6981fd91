"""What every mirror provides: its identity, its tables, its routes and one `handle`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import MetaData

from mirra.mirrors.http import MirrorRequest, MirrorResponse
from mirra.mirrors.routing import Router

if TYPE_CHECKING:
    from mirra.sessions.registry import Session


class Mirror(Protocol):
    """A vendor's mirror. `handle` runs the vendor's request pipeline inside one session; the
    rest serves the admin routes (`<mirror>/_mirra/...`)."""

    name: str  # catalog name, e.g. "stripe"
    vendor: str  # the vendor's display name, e.g. "Stripe"
    version: str  # the mirror's own version
    api_version: str  # the vendor API version it mirrors
    hosts: tuple[str, ...]  # the vendor hosts the proxy answers for it
    metadata: MetaData  # its tables, created in every session database
    router: Router
    webhook_event_types: tuple[str, ...]  # the event types its webhooks can carry
    default_settings: dict[str, Any]  # what `<mirror>/_mirra/settings` starts from

    def handle(self, session: Session, request: MirrorRequest) -> MirrorResponse: ...

    def state(self, session: Session) -> dict[str, Any]:
        """The mirror's whole state as JSON: its objects by kind."""
        ...

    def check_settings(self, changes: dict[str, Any]) -> None:
        """Raise MirraError naming the fix if `changes` are not valid settings."""
        ...

    def seed_names(self) -> list[str]: ...

    def load_seed(self, session: Session, name: str) -> None: ...

    def simulations(self) -> list[str]:
        """The vendor events `simulate` can fire."""
        ...

    def simulate(self, session: Session, event: str, params: dict[str, Any]) -> dict[str, Any]:
        """Fire `event` as if it happened at the vendor; returns what it acted on."""
        ...
