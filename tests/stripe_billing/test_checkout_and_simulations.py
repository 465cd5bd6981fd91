"""Checkout Sessions completed as a customer would, the billing portal, seeds and billing simulations."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from tests.stripe_billing.conftest import DAY, Control, StripeHooks, listen
from tests.webhook_receiver import Receiver


def test_subscription_checkout_completes_with_subscription_invoice_and_payment(
    stripe_client: stripe.StripeClient, hooks: StripeHooks, control: Control, monthly_price: Any
) -> None:
    checkout = stripe_client.v1.checkout.sessions.create({
        "mode": "subscription", "line_items": [{"price": monthly_price.id, "quantity": 2}],
        "success_url": "https://example.com/ok", "customer_email": "buyer@example.com",
    })
    assert (checkout.status, checkout.payment_status, checkout.amount_total) == ("open", "unpaid", 4000)
    assert checkout.url.endswith(checkout.id) and checkout.id.startswith("cs_test_")
    assert [i.quantity for i in stripe_client.v1.checkout.sessions.line_items.list(checkout.id).data] == [2]

    control.admin("POST", "simulate", {"event": "checkout.session.completed", "checkout_session": checkout.id,
                                       "payment_method": "pm_card_visa"})
    done = stripe_client.v1.checkout.sessions.retrieve(checkout.id, {"expand": ["subscription"]})
    assert (done.status, done.payment_status) == ("complete", "paid")
    assert done.subscription.status == "active" and done.customer_details.email == "buyer@example.com"
    invoice = stripe_client.v1.invoices.retrieve(done.invoice)
    assert (invoice.status, invoice.amount_paid, invoice.customer) == ("paid", 4000, done.customer)
    completed = hooks.wait_for("checkout.session.completed")[0]
    assert completed.data.object.subscription == done.subscription.id
    order = hooks.types()
    assert order.index("customer.created") < order.index("customer.subscription.created") < order.index(
        "invoice.paid") < order.index("checkout.session.completed")


def test_payment_checkout_declines_keep_it_open_and_it_expires(
    stripe_client: stripe.StripeClient, hooks: StripeHooks, control: Control
) -> None:
    one_time = stripe_client.v1.prices.create({"currency": "usd", "unit_amount": 1200, "product_data": {"name": "Mug"}})
    checkout = stripe_client.v1.checkout.sessions.create({
        "mode": "payment", "line_items": [{"price": one_time.id, "quantity": 1}], "success_url": "https://example.com/ok",
    })
    with pytest.raises(AssertionError, match="Your card was declined"):
        control.admin("POST", "simulate", {"event": "checkout.session.completed", "checkout_session": checkout.id,
                                           "payment_method": "pm_card_chargeDeclined"})
    assert stripe_client.v1.checkout.sessions.retrieve(checkout.id).status == "open"
    control.advance(DAY + 1)
    assert stripe_client.v1.checkout.sessions.retrieve(checkout.id).status == "expired"
    assert hooks.wait_for("checkout.session.expired")[0].data.object.id == checkout.id
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.checkout.sessions.expire(checkout.id)


def test_setup_checkout_saves_the_card(stripe_client: stripe.StripeClient, control: Control) -> None:
    customer = stripe_client.v1.customers.create({"email": "saver@example.com"})
    checkout = stripe_client.v1.checkout.sessions.create({
        "mode": "setup", "customer": customer.id, "currency": "usd", "success_url": "https://example.com/ok"})
    control.admin("POST", "simulate", {"event": "checkout.session.completed", "checkout_session": checkout.id})
    done = stripe_client.v1.checkout.sessions.retrieve(checkout.id, {"expand": ["setup_intent"]})
    assert (done.status, done.payment_status, done.setup_intent.status) == ("complete", "no_payment_required", "succeeded")
    assert stripe_client.v1.customers.payment_methods.list(customer.id).data[0].id == done.setup_intent.payment_method


def test_checkout_refuses_mismatched_modes(stripe_client: stripe.StripeClient, monthly_price: Any) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.checkout.sessions.create({
            "mode": "payment", "line_items": [{"price": monthly_price.id, "quantity": 1}],
            "success_url": "https://example.com/ok"})
    assert refused.value.user_message == ("You specified `payment` mode but passed a recurring price. Either switch to "
                                          "`subscription` mode or use only one-time prices.")
    assert stripe_client.v1.checkout.sessions.list().data == []


def test_billing_portal_session_returns_a_url(stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create({"email": "portal@example.com"})
    portal = stripe_client.v1.billing_portal.sessions.create({"customer": customer.id, "return_url": "https://example.com"})
    assert portal.url.startswith("https://billing.stripe.com/p/session/") and portal.customer == customer.id


def test_seeded_lifecycle_and_a_simulated_payment_failure(
    stripe_client: stripe.StripeClient, receiver: Receiver, control: Control
) -> None:
    control.admin("POST", "state/reset", {"seed": "stripe:subscription-lifecycle"})
    hooks = listen(stripe_client, receiver)
    subscription = stripe_client.v1.subscriptions.list().data[0]
    assert subscription.status == "trialing"
    assert stripe_client.v1.prices.list({"lookup_keys": ["pro_monthly"]}).data[0].unit_amount == 2000
    control.admin("POST", "simulate", {"event": "customer.subscription.trial_will_end", "subscription": subscription.id})
    assert hooks.wait_for("customer.subscription.trial_will_end")[0].data.object.id == subscription.id
    control.settings(subscriptionRetryDays=[2])
    stripe_client.v1.subscriptions.update(subscription.id, {"trial_end": "now"})
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).status == "active"

    control.admin("POST", "simulate", {"event": "invoice.payment_failed", "subscription": subscription.id})
    past_due = stripe_client.v1.subscriptions.retrieve(subscription.id)
    assert past_due.status == "past_due"
    failed = hooks.wait_for("invoice.payment_failed")[0].data.object
    assert failed.parent.subscription_details.subscription == subscription.id
    control.advance(2 * DAY + 1)  # the retry charges the working card
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).status == "active"
    assert stripe_client.v1.invoices.retrieve(failed.id).status == "paid"

    preview = control.admin("POST", "simulate", {"event": "invoice.upcoming", "subscription": subscription.id})["result"]
    assert hooks.wait_for("invoice.upcoming")[0].data.object.amount_due == preview["amount_due"] == 2000
    control.admin("POST", "simulate", {"event": "customer.subscription.deleted", "subscription": subscription.id})
    assert hooks.wait_for("customer.subscription.deleted")[0].data.object.status == "canceled"
