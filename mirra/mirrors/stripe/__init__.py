"""The Stripe mirror (API version 2026-10-28.endive, as stripe-python 16 and stripe-node 23 pin)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import MetaData

from mirra import __version__
from mirra.mirrors.http import MirrorRequest, MirrorResponse
from mirra.mirrors.routing import Router
from mirra.mirrors.documents import Documents
from mirra.mirrors.stripe import models, pipeline, routes, seeds, simulations
from typing import TYPE_CHECKING, Any

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
    webhook_event_types: tuple[str, ...] = ()

    def handle(self, session: Session, request: MirrorRequest) -> MirrorResponse:
        return pipeline.handle(session, request)

    def state(self, session: Session) -> dict[str, Any]:
        objects: dict[str, list[dict[str, Any]]] = {}
        with session.store.unit_of_work() as uow:
            for kind, obj in Documents(uow, models.objects, self.name).all():
                objects.setdefault(kind, []).append(obj)
        return {"objects": objects}

    def seed_names(self) -> list[str]:
        return seeds.seed_names()

    def load_seed(self, session: Session, name: str) -> None:
        seeds.load_seed(session, name)

    def simulations(self) -> list[str]:
        return sorted(simulations.SIMULATIONS)

    def simulate(self, session: Session, event: str, params: dict[str, Any]) -> dict[str, Any]:
        return simulations.simulate(session, event, params)


mirror = StripeMirror()

__all__ = ["mirror"]
