"""What every mirror provides: its identity, its tables, its routes and one `handle`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from sqlalchemy import MetaData

from mirra.mirrors.http import MirrorRequest, MirrorResponse
from mirra.mirrors.routing import Router

if TYPE_CHECKING:
    from mirra.sessions.registry import Session


class Mirror(Protocol):
    """A vendor's mirror. `handle` runs the vendor's request pipeline inside one session."""

    name: str  # catalog name, e.g. "stripe"
    vendor: str  # the vendor's display name, e.g. "Stripe"
    version: str  # the mirror's own version
    api_version: str  # the vendor API version it mirrors
    hosts: tuple[str, ...]  # the vendor hosts the proxy answers for it
    metadata: MetaData  # its tables, created in every session database
    router: Router

    def handle(self, session: Session, request: MirrorRequest) -> MirrorResponse: ...
