"""Every object the Stripe mirror returns has the fields Stripe returns for it.

References, read at test time: the field list of stripe-python's resource class (nothing the
mirror returns may be missing from it) and `fixtures3.json` from ../shared/vendors/stripe (every
field of its example must be there, except fields Stripe includes only on request).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import stripe

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "vendors" / "stripe" / "fixtures3.json"
RESOURCE_CLASSES = {
    "customer": stripe.Customer,
    "payment_method": stripe.PaymentMethod,
    "payment_intent": stripe.PaymentIntent,
    "setup_intent": stripe.SetupIntent,
    "charge": stripe.Charge,
    "refund": stripe.Refund,
    "balance_transaction": stripe.BalanceTransaction,
    "event": stripe.Event,
    "webhook_endpoint": stripe.WebhookEndpoint,
}
# Fields Stripe leaves out unless `expand[]` asks for them ("includable").
INCLUDABLE = {
    "customer": {"cash_balance", "invoice_credit_balance", "sources", "subscriptions", "tax", "tax_ids"},
    "charge": {"refunds"},
}


def sdk_fields(kind: str) -> set[str]:
    return {name for name in RESOURCE_CLASSES[kind].__annotations__ if not name.startswith("_") and name != "OBJECT_NAME"}


@pytest.fixture(scope="module")
def fixtures() -> dict[str, Any]:
    if not FIXTURES.exists():
        pytest.skip(f"{FIXTURES} is not here (the shared folder sits beside the repository in CI)")
    return json.loads(FIXTURES.read_text())["resources"]  # type: ignore[no-any-return]


def test_every_kind_has_stripes_fields(
    session: dict[str, Any], stripe_client: stripe.StripeClient, fixtures: dict[str, Any]
) -> None:
    customer = stripe_client.v1.customers.create({"email": "fields@example.com"})
    stripe_client.v1.webhook_endpoints.create({"url": "http://127.0.0.1:9/hook", "enabled_events": ["*"]})
    intent = stripe_client.v1.payment_intents.create(
        {"amount": 1000, "currency": "usd", "customer": customer.id, "payment_method": "pm_card_visa", "confirm": True,
         "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"}}
    )
    stripe_client.v1.refunds.create({"payment_intent": intent.id, "amount": 100})
    stripe_client.v1.setup_intents.create({"customer": customer.id})
    objects = httpx.get(f"{session['mirrors'][0]['url']}/_mirra/state", trust_env=False).json()["objects"]
    assert set(objects) == set(RESOURCE_CLASSES)
    for kind, documents in objects.items():
        for document in documents:
            keys = set(document) - {"secret"}
            assert keys <= sdk_fields(kind), f"{kind} has fields stripe-python does not know: {keys - sdk_fields(kind)}"
            expected = set(fixtures[kind]) - INCLUDABLE.get(kind, set())
            assert expected <= keys, f"{kind} lacks {expected - keys}"
