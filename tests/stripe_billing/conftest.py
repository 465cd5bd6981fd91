"""Billing fixtures: a signed-webhook receiver, the session's clock and settings, a catalog."""

from __future__ import annotations

import http.server
import json
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import stripe

from mirra.testing.server import MirraProcess

DAY = 86400


@dataclass
class Receiver:
    """A local webhook endpoint; `events()` verifies each delivery with stripe.Webhook.construct_event."""

    url: str = ""
    secret: str = ""
    received: list[tuple[bytes, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def events(self) -> list[stripe.Event]:
        with self.lock:
            received = list(self.received)
        return [stripe.Webhook.construct_event(body, signature, self.secret) for body, signature in received]

    def types(self) -> list[str]:
        return [event.type for event in self.events()]

    def wait_for(self, event_type: str, count: int = 1, timeout: float = 30) -> list[stripe.Event]:
        deadline = time.monotonic() + timeout
        while (found := [e for e in self.events() if e.type == event_type]) and len(found) < count or not found:
            assert time.monotonic() < deadline, f"{event_type} x{count} never arrived; got {self.types()}"
            time.sleep(0.01)
        return found


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with state.lock:
                state.received.append((body, self.headers["Stripe-Signature"]))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/webhooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def listen(client: stripe.StripeClient, receiver: Receiver) -> Receiver:
    """Have every event of the session delivered to `receiver`."""
    endpoint = client.v1.webhook_endpoints.create({"url": receiver.url, "enabled_events": ["*"]})
    receiver.secret = endpoint.secret or ""
    return receiver


@pytest.fixture
def hooks(stripe_client: stripe.StripeClient, receiver: Receiver) -> Receiver:
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
