"""The Stripe mirror (API version 2026-10-28.endive, as stripe-python 16 and stripe-node 23 pin)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import MetaData

from mirra import __version__
from mirra.delivery import queue as delivery
from mirra.mirrors.documents import Documents
from mirra.mirrors.http import MirrorRequest, MirrorResponse
from mirra.mirrors.routing import Router
from mirra.mirrors.settings import (
    check_rate_limit,
    check_retry_schedule,
    invalid_setting,
)
from mirra.mirrors.stripe import (
    events,
    jobs,  # noqa: F401  (registers the billing jobs)
    models,
    pipeline,
    routes,
    seeds,
    simulations,
    webhooks,
)
from mirra.mirrors.stripe.backend import StripeBackend
from mirra.mirrors.stripe.backend.base import API_VERSION

FINAL_ACTIONS = ("cancel", "mark_unpaid", "leave_past_due")

if TYPE_CHECKING:
    from mirra.sessions.registry import Session
    from mirra.sessions.store import UnitOfWork


@dataclass(frozen=True)
class StripeMirror:
    name: str = "stripe"
    vendor: str = "Stripe"
    version: str = __version__
    api_version: str = API_VERSION
    hosts: tuple[str, ...] = ("api.stripe.com",)
    metadata: MetaData = models.metadata
    router: Router = routes.router
    webhook_event_types: tuple[str, ...] = events.EVENT_TYPES
    default_settings: dict[str, Any] = field(default_factory=lambda: dict(pipeline.DEFAULT_SETTINGS))

    def handle(self, session: Session, request: MirrorRequest) -> MirrorResponse:
        return pipeline.handle(session, request)

    def state(self, session: Session) -> dict[str, Any]:
        objects: dict[str, list[dict[str, Any]]] = {}
        with session.store.unit_of_work() as uow:
            for kind, obj in Documents(uow, models.objects, self.name).all():
                if kind not in models.PRIVATE:
                    objects.setdefault(kind, []).append(obj)
        return {"objects": objects, "deliveries": delivery.deliveries(session, self.name)}

    def check_settings(self, changes: dict[str, Any]) -> None:
        check_rate_limit(changes, "Stripe's test mode allows 25 requests per second; null turns the limit off.")
        check_retry_schedule(changes, "E.g. [10, 60, 300]: retry 10 s, then 60 s, then 300 s of session time after failures.")
        check_retry_schedule(changes, "E.g. [3, 5, 7]: retry a failed renewal 3 days later, then 5, then 7 (Stripe's Smart Retries).",
                             name="subscriptionRetryDays", most=8)
        if changes.get("subscriptionFinalAction", "cancel") not in FINAL_ACTIONS:
            raise invalid_setting("subscriptionFinalAction", "is not one of Stripe's choices",
                                  f"When retries run out: {', '.join(FINAL_ACTIONS)}.")

    def seed_names(self) -> list[str]:
        return seeds.seed_names()

    def load_seed(self, session: Session, name: str) -> None:
        seeds.load_seed(session, name)

    def simulations(self) -> list[str]:
        return sorted(simulations.SIMULATIONS)

    def simulate(self, session: Session, event: str, params: dict[str, Any]) -> dict[str, Any]:
        return simulations.simulate(session, event, params)


def _retry_schedule(session: Session) -> tuple[float, ...]:
    return tuple(session.settings.get("stripe", pipeline.DEFAULT_SETTINGS)["webhookRetrySeconds"])


def _delivered(session: Session, uow: UnitOfWork, row: dict[str, Any]) -> None:
    StripeBackend(session, uow).delivered(row["event_id"])


mirror = StripeMirror()
delivery.SIGNERS[mirror.name] = webhooks.sign
delivery.RETRY_SCHEDULES[mirror.name] = _retry_schedule
delivery.ON_DELIVERED[mirror.name] = _delivered

__all__ = ["mirror"]
