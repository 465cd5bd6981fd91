"""The Stripe mirror (API version 2026-10-28.endive, as stripe-python 16 and stripe-node 23 pin)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import MetaData

from mirra import __version__
from mirra.mirrors.http import MirrorRequest, MirrorResponse
from mirra.mirrors.routing import Router
from mirra.mirrors.stripe import models, pipeline, routes
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mirra.sessions.registry import Session


@dataclass(frozen=True)
class StripeMirror:
    name: str = "stripe"
    vendor: str = "Stripe"
    version: str = __version__
    api_version: str = pipeline.API_VERSION
    hosts: tuple[str, ...] = ("api.stripe.com",)
    metadata: MetaData = models.metadata
    router: Router = routes.router

    def handle(self, session: Session, request: MirrorRequest) -> MirrorResponse:
        return pipeline.handle(session, request)


mirror = StripeMirror()

__all__ = ["mirror"]
