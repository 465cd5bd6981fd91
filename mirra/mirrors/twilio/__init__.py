"""The Twilio mirror: Messaging, Voice calls, Verify v2 and Lookups v2 on api.twilio.com,
verify.twilio.com, lookups.twilio.com and messaging.twilio.com (as twilio-python 9 calls them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import MetaData

from mirra import __version__
from mirra.delivery import queue as delivery
from mirra.mirrors.routing import Router
from mirra.mirrors.settings import check_rate_limit, check_retry_schedule
from mirra.mirrors.twilio import (
    accounts,
    callbacks,
    jobs,
    models,
    pipeline,
    routes,
    seeds,
    simulations,
    verify,
    webhook_answers,
)
from mirra.mirrors.twilio.context import MIRROR, Store
from mirra.mirrors.twilio.formats import API_VERSION

if TYPE_CHECKING:
    from mirra.mirrors.http import MirrorRequest, MirrorResponse
    from mirra.sessions.registry import Session

__all__ = ["jobs", "mirror"]

CALLBACK_TYPES = (
    "message.queued", "message.sent", "message.delivered", "message.undelivered", "message.failed", "message.canceled",
    "message.received", "call.initiated", "call.ringing", "call.in-progress", "call.completed", "call.busy",
    "call.no-answer", "call.failed", "call.canceled", "call.answered",
)
_HIDDEN = frozenset({"line_type"})


@dataclass(frozen=True)
class TwilioMirror:
    name: str = MIRROR
    vendor: str = "Twilio"
    version: str = __version__
    api_version: str = API_VERSION
    hosts: tuple[str, ...] = ("api.twilio.com", "verify.twilio.com", "lookups.twilio.com", "messaging.twilio.com")
    metadata: MetaData = models.metadata
    router: Router = routes.router
    webhook_event_types: tuple[str, ...] = CALLBACK_TYPES
    default_settings: dict[str, Any] = field(default_factory=lambda: dict(pipeline.DEFAULT_SETTINGS))

    def handle(self, session: Session, request: MirrorRequest) -> MirrorResponse:
        return pipeline.handle(session, request)

    def state(self, session: Session) -> dict[str, Any]:
        """Objects by kind (as the API renders them), every account's credentials, the pending
        Verify codes, and the callback deliveries."""
        objects: dict[str, list[dict[str, Any]]] = {}
        with session.store.unit_of_work() as uow:
            store = Store(session, uow)
            default = accounts.ensure_default_account(store)
            for kind, doc in store.docs.all():
                if kind not in _HIDDEN:
                    objects.setdefault(kind, []).append({k: v for k, v in doc["resource"].items() if k != "auth_token"} if kind == "account" else doc["resource"])
            credentials = [accounts.credentials(doc) for doc in store.docs.of_kind("account")]
            codes = verify.codes(store)
        return {
            "account": accounts.credentials(default),
            "accounts": credentials,
            "verificationCodes": codes,
            "objects": objects,
            "deliveries": delivery.deliveries(session, self.name),
        }

    def check_settings(self, changes: dict[str, Any]) -> None:
        check_rate_limit(changes, "Over it, requests get Twilio's 429 / 20429; null turns the limit off.")
        check_retry_schedule(
            changes, "E.g. [5]: retry a failed callback once, 5 s of session time later (Twilio's default is one retry)."
        )

    def seed_names(self) -> list[str]:
        return seeds.seed_names()

    def load_seed(self, session: Session, name: str) -> None:
        seeds.load_seed(session, name)

    def simulations(self) -> list[str]:
        return sorted(simulations.SIMULATIONS)

    def simulate(self, session: Session, event: str, params: dict[str, Any]) -> dict[str, Any]:
        return simulations.simulate(session, event, params)


def _retry_schedule(session: Session) -> tuple[float, ...]:
    return tuple(session.settings.get(MIRROR, pipeline.DEFAULT_SETTINGS)["webhookRetrySeconds"])


mirror = TwilioMirror()
delivery.ROW_SIGNERS[mirror.name] = callbacks.sign_delivery
delivery.RETRY_SCHEDULES[mirror.name] = _retry_schedule
delivery.ON_DELIVERED[mirror.name] = webhook_answers.delivered
