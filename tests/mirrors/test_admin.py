"""Every mirror's admin routes, through the proxy (as `https://api.stripe.com/_mirra/...`) and in
direct mode (`/m/<session>/stripe/_mirra/...`)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import requests
import stripe

from mirra.testing.server import MirraProcess
from tests.conftest import SessionFactory, stripe_client_for


def via_proxy(mirra: MirraProcess, session: dict[str, Any], method: str, path: str, body: Any = None) -> requests.Response:
    return requests.request(
        method, f"https://api.stripe.com/_mirra/{path}", json=body, proxies={"https": session["proxyUrl"]},
        verify=str(mirra.ca_bundle), timeout=30,
    )


def direct(session: dict[str, Any], method: str, path: str, body: Any = None) -> httpx.Response:
    return httpx.request(method, f"{session['mirrors'][0]['url']}/_mirra/{path}", json=body, trust_env=False, timeout=30)


def customer_ids(session: dict[str, Any]) -> list[str]:
    objects = direct(session, "GET", "state").json()["objects"]
    return sorted(c["id"] for c in objects.get("customer", []))


def test_state_and_metadata(mirra: MirraProcess, session: dict[str, Any], stripe_client: stripe.StripeClient) -> None:
    made = stripe_client.v1.customers.create({"email": "s@example.com"})
    state = via_proxy(mirra, session, "GET", "state").json()
    assert state["mirror"] == "stripe" and state["sessionId"] == session["sessionId"]
    assert [c["id"] for c in state["objects"]["customer"]] == [made.id]
    metadata = direct(session, "GET", "metadata").json()
    assert metadata["name"] == "stripe" and metadata["apiVersion"] == "2026-10-28.endive"
    assert {"method": "POST", "path": "/v1/customers/{customer}"} in metadata["endpoints"]
    assert "customers" in metadata["seeds"] and "customer.created" in metadata["simulations"]


def test_snapshot_change_restore(session: dict[str, Any], stripe_client: stripe.StripeClient) -> None:
    kept = stripe_client.v1.customers.create({"name": "kept"}, {"idempotency_key": "before"})
    taken = direct(session, "POST", "state/snapshot", {"snapshotId": "before-change"})
    assert taken.status_code == 201 and taken.json()["snapshotId"] == "before-change"
    snapshot_state = direct(session, "GET", "state").json()

    stripe_client.v1.customers.update(kept.id, {"name": "changed"})
    stripe_client.v1.customers.create({"name": "added"})
    assert direct(session, "POST", "state/snapshot", {"snapshotId": "before-change"}).status_code == 409

    restored = direct(session, "POST", "state/restore", {"snapshotId": "before-change"})
    assert restored.status_code == 200
    assert direct(session, "GET", "state").json() == snapshot_state
    again = stripe_client.v1.customers.create({"name": "kept"}, {"idempotency_key": "before"})
    assert again.id == kept.id  # the idempotency record came back with the state
    assert direct(session, "GET", "state/snapshots").json()["snapshots"] == ["before-change"]
    generated = direct(session, "POST", "state/snapshot").json()["snapshotId"]
    assert generated.startswith("snap_")
    missing = direct(session, "POST", "state/restore", {"snapshotId": "nope"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "mirra.snapshot.not_found"


def test_reset_to_the_sessions_seed_or_a_named_one(new_session: SessionFactory, stripe_trusts_mirra: None) -> None:
    seeded = new_session(seeds={"stripe": "customers"})
    assert len(customer_ids(seeded)) == 3
    client = stripe_client_for(seeded)
    client.v1.customers.create({"name": "extra"})
    emails = {c.email for c in client.v1.customers.list().auto_paging_iter()}
    assert "jenny.rosen@example.com" in emails and len(emails) == 4

    reset = direct(seeded, "POST", "state/reset")
    assert reset.json() == {"mirror": "stripe", "seed": "customers"}
    assert len(customer_ids(seeded)) == 3

    plain = new_session()
    client = stripe_client_for(plain)
    client.v1.customers.create({"name": "x"})
    assert direct(plain, "POST", "state/reset").json()["seed"] is None
    assert customer_ids(plain) == []
    assert direct(plain, "POST", "state/reset", {"seed": "stripe:customers"}).status_code == 200
    assert len(customer_ids(plain)) == 3
    unknown = direct(plain, "POST", "state/reset", {"seed": "nope"})
    assert unknown.status_code == 400 and "Seeds: customers" in unknown.json()["error"]["hint"]


def test_unknown_seed_on_create_is_refused(mirra: MirraProcess) -> None:
    with mirra.control() as control:
        refused = control.post("/v1/sessions", json={"mirrors": ["stripe"], "seeds": {"stripe": "nope"}})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "mirra.seed.not_found"


def test_simulate_runs_the_real_operation(session: dict[str, Any], stripe_client: stripe.StripeClient) -> None:
    made = direct(session, "POST", "simulate", {"event": "customer.created", "email": "sim@example.com"}).json()
    customer_id = made["result"]["id"]
    assert stripe_client.v1.customers.retrieve(customer_id).email == "sim@example.com"
    direct(session, "POST", "simulate", {"event": "customer.deleted", "customer": customer_id})
    assert stripe_client.v1.customers.retrieve(customer_id).deleted is True

    unknown = direct(session, "POST", "simulate", {"event": "invoice.nope"})
    assert unknown.status_code == 400
    assert "customer.created" in unknown.json()["error"]["hint"]
    rejected = direct(session, "POST", "simulate", {"event": "customer.updated", "customer": "cus_none"})
    assert rejected.json()["error"]["message"] == "No such customer: 'cus_none'"


def test_clock_advance_moves_created_times(session: dict[str, Any], stripe_client: stripe.StripeClient, mirra: MirraProcess) -> None:
    before = stripe_client.v1.customers.create({"name": "then"}).created
    moved = direct(session, "POST", "clock/advance", {"seconds": 86400})
    assert moved.status_code == 200 and moved.json()["offsetSeconds"] == 86400
    after = stripe_client.v1.customers.create({"name": "tomorrow"}).created
    assert after - before >= 86400
    with mirra.control() as control:
        session_level = control.post(f"/v1/sessions/{session['sessionId']}/clock/advance", json={"seconds": 60})
        assert session_level.json()["offsetSeconds"] == 86460
        assert control.get(f"/v1/sessions/{session['sessionId']}").json()["clock"]["offsetSeconds"] == 86460
    assert direct(session, "POST", "clock/advance", {"seconds": -5}).status_code == 400


def test_admin_routes_are_scoped_to_the_proxy_credentials_session(
    new_session: SessionFactory, mirra: MirraProcess, stripe_trusts_mirra: None
) -> None:
    mine, theirs = new_session(), new_session()
    stripe_client_for(theirs).v1.customers.create({"name": "theirs"})
    assert via_proxy(mirra, mine, "GET", "state").json()["objects"] == {}
    via_proxy(mirra, mine, "POST", "state/reset", {"seed": "customers"})
    assert [c["name"] for c in direct(theirs, "GET", "state").json()["objects"]["customer"]] == ["theirs"]


@pytest.mark.parametrize("path", ["nothing", "state/nothing"])
def test_unknown_admin_route(session: dict[str, Any], path: str) -> None:
    response = direct(session, "GET", path)
    assert response.status_code == 404 and response.json()["error"]["code"] == "mirra.admin.not_found"


def test_settings_rate_limit(session: dict[str, Any], stripe_client: stripe.StripeClient) -> None:
    assert direct(session, "GET", "settings").json()["settings"] == {
        "rateLimitPerSecond": None, "webhookRetrySeconds": [10.0, 60.0, 300.0],
        "subscriptionRetryDays": [3, 5, 7], "subscriptionFinalAction": "cancel",
    }
    for _ in range(30):  # no limit by default
        stripe_client.v1.customers.list()
    assert direct(session, "POST", "settings", {"rateLimitPerSecond": 3}).json()["settings"]["rateLimitPerSecond"] == 3
    with pytest.raises(stripe.RateLimitError) as limited:
        for _ in range(10):
            stripe_client.v1.customers.list()
    assert limited.value.http_status == 429 and limited.value.json_body["error"]["code"] == "rate_limit"
    assert limited.value.user_message.startswith("Testmode request rate limit exceeded")
    direct(session, "POST", "settings", {"rateLimitPerSecond": None})
    stripe_client.v1.customers.list()
    bad = direct(session, "POST", "settings", {"rateLimitPerSecond": -1})
    unknown = direct(session, "POST", "settings", {"speed": 1})
    assert bad.status_code == unknown.status_code == 400
    assert unknown.json()["error"]["code"] == "mirra.settings.unknown"
