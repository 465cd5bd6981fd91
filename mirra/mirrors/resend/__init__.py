"""The Resend mirror (api.resend.com, as resend-python 2.x and resend-node 6.x call it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import MetaData

from mirra import __version__
from mirra.delivery import queue as delivery
from mirra.mirrors.documents import Documents
from mirra.mirrors.http import MirrorRequest, MirrorResponse
from mirra.mirrors.resend import (
    events,
    jobs,
    models,
    pipeline,
    routes,
    seeds,
    settings,
    simulations,
    views,
    webhooks,
)
from mirra.mirrors.routing import Router

if TYPE_CHECKING:
    from mirra.sessions.registry import Session

API_VERSION = "2026-08-21"  # the OpenAPI spec (v1.5.0) the mirror follows; Resend's API is unversioned

__all__ = ["jobs", "mirror"]


@dataclass(frozen=True)
class ResendMirror:
    name: str = "resend"
    vendor: str = "Resend"
    version: str = __version__
    api_version: str = API_VERSION
    hosts: tuple[str, ...] = ("api.resend.com",)
    metadata: MetaData = models.metadata
    router: Router = routes.router
    webhook_event_types: tuple[str, ...] = events.EVENT_TYPES
    default_settings: dict[str, Any] = field(default_factory=lambda: dict(settings.DEFAULT_SETTINGS))

    def handle(self, session: Session, request: MirrorRequest) -> MirrorResponse:
        return pipeline.handle(session, request)

    def state(self, session: Session) -> dict[str, Any]:
        """`objects` by kind, as every mirror's state (each `email` with its rendered content,
        recipients and history), plus the webhook deliveries."""
        objects: dict[str, list[dict[str, Any]]] = {kind: [] for kind in models.KINDS}
        with session.store.unit_of_work() as uow:
            for kind, obj in Documents(uow, models.objects, self.name).all():
                objects[kind].append(views.email_state(obj) if kind == "email" else obj)
        return {"objects": objects, "deliveries": delivery.deliveries(session, self.name)}

    def check_settings(self, changes: dict[str, Any]) -> None:
        settings.check_settings(changes)

    def seed_names(self) -> list[str]:
        return seeds.seed_names()

    def load_seed(self, session: Session, name: str) -> None:
        seeds.load_seed(session, name)

    def simulations(self) -> list[str]:
        return sorted(simulations.SIMULATIONS)

    def simulate(self, session: Session, event: str, params: dict[str, Any]) -> dict[str, Any]:
        return simulations.simulate(session, event, params)


def _retry_schedule(session: Session) -> tuple[float, ...]:
    return tuple(settings.resend_settings(session)["webhookRetrySeconds"])


mirror = ResendMirror()
delivery.SIGNERS[mirror.name] = webhooks.sign
delivery.RETRY_SCHEDULES[mirror.name] = _retry_schedule
