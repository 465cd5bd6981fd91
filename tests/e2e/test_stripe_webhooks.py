"""Stripe events and webhooks: recorded per change, delivered signed, retried, listed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import stripe

from mirra.testing.server import MirraProcess, start_mirra
from tests.conftest import stripe_client_for
from tests.webhook_receiver import Receiver


def endpoint(client: stripe.StripeClient, url: str, events: list[str]) -> Any:
    return client.v1.webhook_endpoints.create({"url": url, "enabled_events": events})  # type: ignore[typeddict-item]


def test_customer_events_are_delivered_signed(
    session: dict[str, Any], stripe_client: stripe.StripeClient, receiver: Receiver
) -> None:
    hook = endpoint(stripe_client, receiver.url, ["customer.created", "customer.updated"])
    assert hook.secret.startswith("whsec_") and hook.status == "enabled"
    assert "secret" not in stripe_client.v1.webhook_endpoints.retrieve(hook.id)  # shown on create only

    customer = stripe_client.v1.customers.create({"email": "w@example.com"}, {"idempotency_key": "hook-1"})
    stripe_client.v1.customers.update(customer.id, {"name": "Wanda", "metadata": {"tier": "gold"}})
    stripe_client.v1.customers.delete(customer.id)  # not subscribed: no delivery

    first, second = receiver.wait(2)
    created = stripe.Webhook.construct_event(first.body, first.headers["stripe-signature"], hook.secret)
    updated = stripe.Webhook.construct_event(second.body, second.headers["stripe-signature"], hook.secret)
    assert created.type == "customer.created" and created.data.object.id == customer.id
    assert created.request.idempotency_key == "hook-1" and created.request.id.startswith("req_")
    assert created.api_version == "2026-10-28.endive" and created.livemode is False
    assert updated.type == "customer.updated" and updated.data.object.name == "Wanda"
    assert updated.data.previous_attributes.to_dict() == {"metadata": {"tier": None}, "name": None}
    assert first.headers["content-type"] == "application/json; charset=utf-8"
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(first.body, first.headers["stripe-signature"], "whsec_wrong")
    state = httpx.get(f"{session['mirrors'][0]['url']}/_mirra/state", trust_env=False).json()
    assert [d["eventType"] for d in state["deliveries"]] == ["customer.created", "customer.updated"]


def test_events_api_lists_and_filters(stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create({"name": "e"})
    stripe_client.v1.customers.update(customer.id, {"name": "f"})
    stripe_client.v1.customers.delete(customer.id)
    every = stripe_client.v1.events.list()
    assert [e.type for e in every.data] == ["customer.deleted", "customer.updated", "customer.created"]
    assert every.data[0].data.object.deleted is True
    assert [e.type for e in stripe_client.v1.events.list({"type": "customer.updated"}).data] == ["customer.updated"]
    assert len(stripe_client.v1.events.list({"type": "customer.*"}).data) == 3
    assert len(stripe_client.v1.events.list({"types": ["customer.created", "customer.deleted"]}).data) == 2
    first = every.data[-1]
    assert stripe_client.v1.events.retrieve(first.id).data.object.id == customer.id
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.events.retrieve("evt_missing")


def test_wildcard_endpoints_and_disabled_ones(stripe_client: stripe.StripeClient, receiver: Receiver) -> None:
    everything = endpoint(stripe_client, receiver.url, ["*"])
    off = endpoint(stripe_client, receiver.url, ["*"])
    stripe_client.v1.webhook_endpoints.update(off.id, {"disabled": True})
    stripe_client.v1.customers.create({"name": "x"})
    (delivered,) = receiver.wait(1)
    assert stripe.Webhook.construct_event(delivered.body, delivered.headers["stripe-signature"], everything.secret).type == "customer.created"
    listed = stripe_client.v1.webhook_endpoints.list()
    assert {e.id: e.status for e in listed.data} == {everything.id: "enabled", off.id: "disabled"}
    with pytest.raises(stripe.InvalidRequestError) as bad:
        endpoint(stripe_client, receiver.url, ["not.an.event"])
    assert bad.value.param == "enabled_events[0]"


def test_a_failing_receiver_is_retried_on_the_session_clock(
    session: dict[str, Any], stripe_client: stripe.StripeClient, receiver: Receiver, mirra: MirraProcess
) -> None:
    receiver.failures = 2
    hook = endpoint(stripe_client, receiver.url, ["customer.created"])
    stripe_client.v1.customers.create({"name": "retry me"})
    admin = f"{session['mirrors'][0]['url']}/_mirra"

    def deliveries() -> list[dict[str, Any]]:
        return httpx.get(f"{admin}/state", trust_env=False).json()["deliveries"]  # type: ignore[no-any-return]

    deadline = time.monotonic() + 30
    while not deliveries() or not deliveries()[0]["attempts"]:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert receiver.delivered() == []
    httpx.post(f"{admin}/settings", json={"webhookRetrySeconds": [5, 20]}, trust_env=False)
    httpx.post(f"{admin}/clock/advance", json={"seconds": 10}, trust_env=False)  # the first retry was due at 10 s
    httpx.post(f"{admin}/clock/advance", json={"seconds": 20}, trust_env=False)  # the second, by the new schedule
    (delivered,) = receiver.wait(1)
    assert stripe.Webhook.construct_event(delivered.body, delivered.headers["stripe-signature"], hook.secret).type == "customer.created"
    log = deliveries()[0]
    assert log["status"] == "succeeded"
    assert [a["status"] for a in log["attempts"]] == [500, 500, 200]
    with mirra.control() as control:
        assert control.get(f"/v1/sessions/{session['sessionId']}").json()["stats"]["webhooks"] == 3


def test_a_pending_webhook_is_delivered_after_a_restart(
    tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = start_mirra(tmp_path)
    monkeypatch.setattr(stripe, "ca_bundle_path", str(first.ca_bundle))
    with first.control() as control:
        session = control.post("/v1/sessions", json={"mirrors": ["stripe"], "persistent": True, "name": "hooks"}).json()
    client = stripe_client_for(session)
    receiver.failures = 1
    hook = endpoint(client, receiver.url, ["customer.created"])
    client.v1.customers.create({"name": "survivor"})
    deadline = time.monotonic() + 30
    while len(receiver.attempts) < 1:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    first.stop()  # the retry is still pending, 10 s of session time away

    second = start_mirra(tmp_path)
    try:
        admin = f"{second.urls.mirror_url(session['sessionId'], 'stripe')}/_mirra"
        httpx.post(f"{admin}/clock/advance", json={"seconds": 10}, trust_env=False)
        (delivered,) = receiver.wait(1)
        event = stripe.Webhook.construct_event(delivered.body, delivered.headers["stripe-signature"], hook.secret)
        assert event.data.object.name == "survivor"
    finally:
        second.stop()
