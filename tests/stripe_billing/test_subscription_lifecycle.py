"""The subscription lifecycle on the session clock: trial, renewals, failed payments and dunning."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
import stripe

from tests.stripe_billing.conftest import DAY, Control, StripeHooks, customer_with_card


def _after(events: list[stripe.Event], marker: str) -> list[str]:
    """The event types that came after the last event of type `marker`."""
    types = [event.type for event in events]
    return types[len(types) - types[::-1].index(marker):]


def test_trial_ends_then_renews_monthly(
    stripe_client: stripe.StripeClient, hooks: StripeHooks, control: Control, monthly_price: Any
) -> None:
    customer = customer_with_card(stripe_client)
    subscription = stripe_client.v1.subscriptions.create({
        "customer": customer.id, "items": [{"price": monthly_price.id}], "trial_period_days": 14,
    })
    assert subscription.status == "trialing"
    item = subscription["items"].data[0]
    assert item.current_period_end == subscription.trial_end == subscription.trial_start + 14 * DAY
    first = stripe_client.v1.invoices.retrieve(subscription.latest_invoice)
    assert (first.status, first.amount_due, first.billing_reason) == ("paid", 0, "subscription_create")

    control.advance(11 * DAY + 1)
    assert hooks.wait_for("customer.subscription.trial_will_end")[0].data.object.id == subscription.id

    control.advance(3 * DAY)
    active = stripe_client.v1.subscriptions.retrieve(subscription.id)
    assert active.status == "active"
    renewal = stripe_client.v1.invoices.retrieve(active.latest_invoice)
    assert (renewal.status, renewal.amount_due, renewal.billing_reason) == ("draft", 2000, "subscription_cycle")
    updated = hooks.wait_for("customer.subscription.updated")[-1]
    assert updated.data.previous_attributes["status"] == "trialing"

    control.advance(3601)
    assert stripe_client.v1.invoices.retrieve(renewal.id).status == "paid"
    assert _after(hooks.events(), "invoice.created") == [
        "invoice.finalized", "payment_intent.created", "charge.succeeded", "payment_intent.succeeded",
        "invoice.paid", "invoice.payment_succeeded", "invoice_payment.paid",
    ]

    for _ in range(3):
        control.advance(31 * DAY)
    invoices = stripe_client.v1.invoices.list({"subscription": subscription.id, "status": "paid"}).data
    cycles = [invoice for invoice in invoices if invoice.billing_reason == "subscription_cycle"]
    assert len(cycles) == 4
    periods = sorted((line.period.start, line.period.end) for invoice in cycles for line in invoice.lines.data)
    assert all(end == next_start for (_, end), (next_start, _) in itertools.pairwise(periods))
    assert all(invoice.amount_paid == 2000 for invoice in cycles)
    upcoming = hooks.wait_for("invoice.upcoming", 3)  # a week before each renewal
    assert {event.data.object.amount_due for event in upcoming} == {2000}
    assert {event.data.object.parent.subscription_details.subscription for event in upcoming} == {subscription.id}
    renewals = {line.period.start for invoice in cycles for line in invoice.lines.data}
    assert all(event.created + 7 * DAY in renewals for event in upcoming)


@pytest.mark.parametrize(("final_action", "final_status"), [("cancel", "canceled"), ("mark_unpaid", "unpaid")])
def test_failing_card_goes_past_due_then_retries_run_out(
    stripe_client: stripe.StripeClient, hooks: StripeHooks, control: Control, monthly_price: Any,
    final_action: str, final_status: str,
) -> None:
    control.settings(subscriptionRetryDays=[1, 2], subscriptionFinalAction=final_action)
    customer = customer_with_card(stripe_client, "pm_card_chargeCustomerFail")
    subscription = stripe_client.v1.subscriptions.create({
        "customer": customer.id, "items": [{"price": monthly_price.id}], "trial_period_days": 7,
    })
    control.advance(7 * DAY + 3601)  # the trial ends, the renewal finalizes an hour later and is declined
    past_due = stripe_client.v1.subscriptions.retrieve(subscription.id)
    assert past_due.status == "past_due"
    invoice = stripe_client.v1.invoices.retrieve(past_due.latest_invoice)
    assert (invoice.status, invoice.attempt_count) == ("open", 1)
    assert invoice.next_payment_attempt == hooks.wait_for("invoice.payment_failed")[0].created + DAY

    control.advance(DAY)
    assert stripe_client.v1.invoices.retrieve(invoice.id).attempt_count == 2
    control.advance(2 * DAY)
    ended = stripe_client.v1.subscriptions.retrieve(subscription.id)
    assert ended.status == final_status
    failures = hooks.wait_for("invoice.payment_failed", 3)
    assert [event.data.object.attempt_count for event in failures] == [1, 2, 3]
    assert failures[-1].data.object.next_payment_attempt is None
    changes = [e for e in hooks.events() if e.type.startswith("customer.subscription.") and e.type != "customer.subscription.trial_will_end"]
    statuses = [(e.type, e.data.object.status, (e.data.to_dict().get("previous_attributes") or {}).get("status")) for e in changes]
    last = ("customer.subscription.deleted", "canceled", "past_due") if final_action == "cancel" else (
        "customer.subscription.updated", "unpaid", "past_due")
    assert [s for s in statuses if s[2]] == [
        ("customer.subscription.updated", "active", "trialing"),
        ("customer.subscription.updated", "past_due", "active"),
        last,
    ]
    if final_action == "cancel":
        assert ended.cancellation_details.reason == "payment_failed" and ended.ended_at is not None
        return
    good = stripe_client.v1.payment_methods.attach("pm_card_visa", {"customer": customer.id})
    paid = stripe_client.v1.invoices.pay(invoice.id, {"payment_method": good.id})
    assert (paid.status, paid.amount_paid) == ("paid", 2000)
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).status == "active"


def test_a_renewal_needing_authentication_asks_for_action(
    stripe_client: stripe.StripeClient, hooks: StripeHooks, control: Control, monthly_price: Any
) -> None:
    customer = customer_with_card(stripe_client, "pm_card_authenticationRequired")
    subscription = stripe_client.v1.subscriptions.create({
        "customer": customer.id, "items": [{"price": monthly_price.id}], "trial_period_days": 1})
    control.advance(DAY + 3601)
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).status == "past_due"
    assert _after(hooks.events(), "invoice.finalized")[-5:] == [
        "charge.failed", "payment_intent.payment_failed", "invoice.payment_action_required", "invoice.payment_failed",
        "customer.subscription.updated"]


def test_incomplete_subscription_expires_after_23_hours(
    stripe_client: stripe.StripeClient, hooks: StripeHooks, control: Control, monthly_price: Any
) -> None:
    customer = customer_with_card(stripe_client, "pm_card_chargeCustomerFail")
    subscription = stripe_client.v1.subscriptions.create({"customer": customer.id, "items": [{"price": monthly_price.id}]})
    assert subscription.status == "incomplete"
    invoice = stripe_client.v1.invoices.retrieve(subscription.latest_invoice)
    assert (invoice.status, invoice.attempt_count) == ("open", 1)

    control.advance(22 * 3600)
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).status == "incomplete"
    control.advance(3600)
    expired = stripe_client.v1.subscriptions.retrieve(subscription.id)
    assert expired.status == "incomplete_expired" and expired.ended_at is not None
    assert stripe_client.v1.invoices.retrieve(invoice.id).status == "void"
    assert hooks.wait_for("customer.subscription.deleted")[0].data.object.status == "incomplete_expired"
    assert _after(hooks.events(), "invoice.payment_failed")[-3:] == [
        "payment_intent.canceled", "invoice.voided", "customer.subscription.deleted"]


def test_incomplete_subscription_activates_when_its_payment_is_confirmed(
    stripe_client: stripe.StripeClient, control: Control, monthly_price: Any
) -> None:
    customer = stripe_client.v1.customers.create({"email": "later@example.com"})
    subscription = stripe_client.v1.subscriptions.create({
        "customer": customer.id, "items": [{"price": monthly_price.id, "quantity": 2}],
        "payment_behavior": "default_incomplete",
    })
    assert subscription.status == "incomplete"
    secret = stripe_client.v1.subscriptions.retrieve(subscription.id, {"expand": ["latest_invoice.confirmation_secret"]})
    client_secret = secret.latest_invoice.confirmation_secret.client_secret
    intent_id = client_secret.split("_secret_")[0]
    intent = stripe_client.v1.payment_intents.confirm(intent_id, {"payment_method": "pm_card_visa"})
    assert (intent.status, intent.amount) == ("succeeded", 4000)
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).status == "active"
    assert stripe_client.v1.invoices.retrieve(subscription.latest_invoice).status == "paid"
    control.advance(24 * 3600)  # no expiry once paid
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).status == "active"


def test_error_if_incomplete_refuses_a_declined_first_payment(
    stripe_client: stripe.StripeClient, monthly_price: Any
) -> None:
    customer = customer_with_card(stripe_client, "pm_card_chargeCustomerFail")
    with pytest.raises(stripe.CardError) as declined:
        stripe_client.v1.subscriptions.create({
            "customer": customer.id, "items": [{"price": monthly_price.id}], "payment_behavior": "error_if_incomplete",
        })
    assert declined.value.http_status == 402 and declined.value.user_message == "Your card was declined."
    assert stripe_client.v1.subscriptions.list({"customer": customer.id, "status": "all"}).data == []
    assert stripe_client.v1.invoices.list({"customer": customer.id}).data == []
