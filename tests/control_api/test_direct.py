"""Direct mode: stripe-python with `api_base` pointed at the control server, no proxy."""

from __future__ import annotations

import ssl
from typing import Any

import httpx
import pytest
import stripe

from mirra.testing.server import MirraProcess


def test_stripe_python_with_api_base(session: dict[str, Any], mirra: MirraProcess) -> None:
    base = session["mirrors"][0]["url"]
    client = stripe.StripeClient("sk_test_direct", base_addresses={"api": base}, max_network_retries=0)
    created = client.v1.customers.create({"email": "direct@example.com", "metadata": {"via": "direct"}})
    assert client.v1.customers.retrieve(created.id).metadata.to_dict() == {"via": "direct"}
    assert [c.id for c in client.v1.customers.list({"limit": 1}).auto_paging_iter()] == [created.id]
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.customers.retrieve("cus_missing")
    assert missing.value.code == "resource_missing"


def test_direct_mode_and_proxy_share_the_session_state(
    session: dict[str, Any], mirra: MirraProcess, stripe_client: stripe.StripeClient
) -> None:
    created = stripe_client.v1.customers.create({"name": "both doors"})
    response = httpx.get(
        f"{session['mirrors'][0]['url']}/v1/customers/{created.id}",
        headers={"Authorization": "Bearer sk_test_x"},
        trust_env=False,
    )
    assert response.json()["name"] == "both doors"


def test_unknown_session_or_vendor(mirra: MirraProcess) -> None:
    with httpx.Client(base_url=mirra.urls.api_url, trust_env=False) as client:
        no_session = client.get("/m/ses_nope/stripe/v1/customers")
        no_vendor = client.get("/m/default/github/v1/customers")
    assert no_session.status_code == 404
    assert no_session.json()["error"]["code"] == "mirra.session.not_found"
    assert no_vendor.json()["error"]["code"] == "mirra.session.mirror_not_in_catalog"


def test_unknown_session_through_the_proxy_is_a_clear_error(
    mirra: MirraProcess, stripe_trusts_mirra: None
) -> None:
    proxy = f"http://ses_doesnotexist:mirra@127.0.0.1:{mirra.urls.proxy_port}"
    client = stripe.StripeClient("sk_test_x", http_client=stripe.RequestsClient(proxy=proxy), max_network_retries=0)
    with pytest.raises(stripe.InvalidRequestError) as error:
        client.v1.customers.list()
    assert error.value.http_status == 404
    assert "No session 'ses_doesnotexist'" in str(error.value)


def test_x_mirra_session_header_selects_the_session(
    session: dict[str, Any], mirra: MirraProcess, stripe_client: stripe.StripeClient
) -> None:
    created = stripe_client.v1.customers.create({"name": "by header"})
    response = httpx.get(
        f"https://api.stripe.com/v1/customers/{created.id}",
        headers={"Authorization": "Bearer sk_test_x", "X-Mirra-Session": session["sessionId"]},
        proxy=f"http://127.0.0.1:{mirra.urls.proxy_port}",
        verify=ssl.create_default_context(cafile=str(mirra.ca_bundle)),
        trust_env=False,
    )
    assert response.json()["name"] == "by header"
