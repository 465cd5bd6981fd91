"""Billing fixtures: the session's verified Stripe events, its clock and settings, a catalog."""

from __future__ import annotations

import json
import ssl
import time
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import stripe

from mirra.testing.server import MirraProcess
from tests.webhook_receiver import Receiver

DAY = 86400


@dataclass
class StripeHooks:
    """Every event of the session, delivered to the shared `receiver` and verified with
    stripe.Webhook.construct_event."""

    receiver: Receiver
    secret: str

    def events(self) -> list[stripe.Event]:
        return [stripe.Webhook.construct_event(a.body, a.headers["stripe-signature"], self.secret)
                for a in self.receiver.delivered()]

    def types(self) -> list[str]:
        return [event.type for event in self.events()]

    def wait_for(self, event_type: str, count: int = 1, timeout: float = 30) -> list[stripe.Event]:
        deadline = time.monotonic() + timeout
        while len(found := [e for e in self.events() if e.type == event_type]) < max(count, 1):
            assert time.monotonic() < deadline, f"{event_type} x{count} never arrived; got {self.types()}"
            time.sleep(0.01)
        return found


def listen(client: stripe.StripeClient, receiver: Receiver) -> StripeHooks:
    """Have every event of the session delivered to `receiver`."""
    endpoint = client.v1.webhook_endpoints.create({"url": receiver.url, "enabled_events": ["*"]})
    return StripeHooks(receiver, endpoint.secret or "")


@pytest.fixture
def hooks(stripe_client: stripe.StripeClient, receiver: Receiver) -> StripeHooks:
    return listen(stripe_client, receiver)


@dataclass
class Control:
    """The session's control-plane side: advance its clock, change its Stripe settings."""

    mirra: MirraProcess
    session: dict[str, Any]

    def advance(self, seconds: float) -> dict[str, Any]:
        with self.mirra.control() as control:
            response = control.post(f"/v1/sessions/{self.session['sessionId']}/clock/advance", json={"seconds": seconds})
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def settings(self, **changes: Any) -> None:
        self.admin("POST", "settings", changes)

    def admin(self, method: str, route: str, body: dict[str, Any] | None = None) -> Any:
        """`<stripe>/_mirra/<route>` through the session's proxy, as an app would call it."""
        trust = ssl.create_default_context(cafile=str(self.mirra.ca_bundle))
        with httpx.Client(proxy=self.session["proxyUrl"], verify=trust) as client:
            response = client.request(method, f"https://api.stripe.com/_mirra/{route}", content=json.dumps(body or {}),
                                      headers={"Content-Type": "application/json"})
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def control(mirra: MirraProcess, session: dict[str, Any]) -> Control:
    return Control(mirra, session)


@pytest.fixture
def monthly_price(stripe_client: stripe.StripeClient) -> Any:
    return stripe_client.v1.prices.create({
        "currency": "usd", "unit_amount": 2000, "recurring": {"interval": "month"},
        "product_data": {"name": "Pro plan"}, "lookup_key": "pro_monthly",
    })


def customer_with_card(client: stripe.StripeClient, card: str = "pm_card_visa", **params: Any) -> Any:
    """A customer whose default payment method is the test card `card`."""
    customer = client.v1.customers.create({"email": "jenny@example.com", **params})
    method = client.v1.payment_methods.attach(card, {"customer": customer.id})
    return client.v1.customers.update(customer.id, {"invoice_settings": {"default_payment_method": method.id}})
