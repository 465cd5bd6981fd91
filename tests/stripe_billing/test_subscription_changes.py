"""Changing a subscription: prorations, previews, cancel at period end, cancel now, pause and resume."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from tests.stripe_billing.conftest import DAY, Control, StripeHooks, customer_with_card


@pytest.fixture
def active(stripe_client: stripe.StripeClient, monthly_price: Any) -> Any:
    customer = customer_with_card(stripe_client)
    return stripe_client.v1.subscriptions.create({"customer": customer.id, "items": [{"price": monthly_price.id}]})


def _premium(client: stripe.StripeClient, monthly_price: Any) -> Any:
    return client.v1.prices.create({"currency": "usd", "unit_amount": 5000, "recurring": {"interval": "month"},
                                    "product": monthly_price.product})


def test_upgrade_mid_period_creates_prorations_billed_at_renewal(
    stripe_client: stripe.StripeClient, control: Control, monthly_price: Any, active: Any
) -> None:
    assert active.status == "active"
    item = active["items"].data[0]
    start, end = item.current_period_start, item.current_period_end
    premium = _premium(stripe_client, monthly_price)
    control.advance(10 * DAY)
    at = start + 10 * DAY
    preview = stripe_client.v1.invoices.create_preview({
        "subscription": active.id,
        "subscription_details": {"items": [{"id": item.id, "price": premium.id}], "proration_date": at},
    })
    updated = stripe_client.v1.subscriptions.update(active.id, {
        "items": [{"id": item.id, "price": premium.id}], "proration_date": at,
    })
    assert updated["items"].data[0].price.id == premium.id
    assert updated["items"].data[0].current_period_end == end  # same period, new price
    left = (end - at) / (end - start)
    pending = stripe_client.v1.invoice_items.list({"customer": active.customer, "pending": True}).data
    assert sorted(i.amount for i in pending) == [-round(2000 * left), round(5000 * left)]
    assert all(i.proration and i.parent.subscription_details.subscription == active.id for i in pending)
    assert preview.amount_due == 5000 + round(5000 * left) - round(2000 * left)

    control.advance(end - at + 3601)
    renewal = stripe_client.v1.invoices.retrieve(stripe_client.v1.subscriptions.retrieve(active.id).latest_invoice)
    assert (renewal.status, renewal.amount_paid) == ("paid", preview.amount_due)
    assert sorted(line.amount for line in renewal.lines.data) == sorted([5000, *(i.amount for i in pending)])


def test_always_invoice_bills_the_proration_at_once(
    stripe_client: stripe.StripeClient, control: Control, monthly_price: Any, active: Any
) -> None:
    item = active["items"].data[0]
    control.advance(15 * DAY)
    updated = stripe_client.v1.subscriptions.update(active.id, {
        "items": [{"id": item.id, "quantity": 3}], "proration_behavior": "always_invoice",
    })
    invoice = stripe_client.v1.invoices.retrieve(updated.latest_invoice)
    assert (invoice.status, invoice.billing_reason) == ("paid", "subscription_update")
    assert invoice.amount_paid == sum(line.amount for line in invoice.lines.data) > 0
    assert stripe_client.v1.invoice_items.list({"customer": active.customer, "pending": True}).data == []


def test_switching_to_yearly_starts_a_new_cycle_billed_now(
    stripe_client: stripe.StripeClient, control: Control, monthly_price: Any, active: Any
) -> None:
    yearly = stripe_client.v1.prices.create({"currency": "usd", "unit_amount": 20000, "recurring": {"interval": "year"},
                                             "product": monthly_price.product})
    control.advance(15 * DAY)
    item = active["items"].data[0]
    switched = stripe_client.v1.subscriptions.update(active.id, {"items": [{"id": item.id, "price": yearly.id}]})
    new_item = switched["items"].data[0]
    assert switched.billing_cycle_anchor == new_item.current_period_start > item.current_period_start
    assert new_item.current_period_end - new_item.current_period_start >= 365 * DAY
    invoice = stripe_client.v1.invoices.retrieve(switched.latest_invoice)
    assert (invoice.status, invoice.billing_reason) == ("paid", "subscription_update")
    credit = [line.amount for line in invoice.lines.data if line.amount < 0]
    assert len(credit) == 1 and invoice.amount_paid == 20000 + credit[0]
    found = stripe_client.v1.subscriptions.search({"query": 'status:"active"'}).data
    assert [s.id for s in found] == [active.id]
    paid = stripe_client.v1.invoices.search({"query": f'subscription:"{active.id}" AND status:"paid"'}).data
    assert {i.id for i in paid} == {invoice.id, active.latest_invoice}


def test_cancel_at_period_end_can_be_undone_then_ends_the_subscription(
    stripe_client: stripe.StripeClient, hooks: StripeHooks, control: Control, active: Any
) -> None:
    end = active["items"].data[0].current_period_end
    scheduled = stripe_client.v1.subscriptions.update(active.id, {"cancel_at_period_end": True})
    assert scheduled.cancel_at_period_end and scheduled.status == "active"
    resumed = stripe_client.v1.subscriptions.update(active.id, {"cancel_at_period_end": False})
    assert not resumed.cancel_at_period_end and resumed.canceled_at is None
    stripe_client.v1.subscriptions.update(active.id, {"cancel_at_period_end": True})
    updates = hooks.wait_for("customer.subscription.updated", 4)  # incomplete -> active first
    assert [u.data.previous_attributes["cancel_at_period_end"] for u in updates[-3:]] == [False, True, False]

    control.advance(end - scheduled["items"].data[0].current_period_start + 60)
    ended = stripe_client.v1.subscriptions.retrieve(active.id)
    assert ended.status == "canceled" and ended.ended_at == end
    assert hooks.wait_for("customer.subscription.deleted")[0].created == end
    assert len(stripe_client.v1.invoices.list({"subscription": active.id}).data) == 1  # no renewal


def test_cancel_now_then_again_is_refused(stripe_client: stripe.StripeClient, hooks: StripeHooks, active: Any) -> None:
    canceled = stripe_client.v1.subscriptions.cancel(active.id)
    assert canceled.status == "canceled" and canceled.cancellation_details.reason == "cancellation_requested"
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.subscriptions.cancel(active.id)
    assert (refused.value.http_status, refused.value.user_message) == (
        400, "A canceled subscription can only update its cancellation_details and metadata.")
    assert stripe_client.v1.subscriptions.retrieve(active.id).status == "canceled"
    assert hooks.wait_for("customer.subscription.deleted")[0].data.object.id == active.id
    assert stripe_client.v1.subscriptions.list({"customer": active.customer}).data == []  # canceled ones only on request
    assert [s.id for s in stripe_client.v1.subscriptions.list({"customer": active.customer, "status": "canceled"}).data] == [active.id]


def test_trial_without_payment_method_pauses_then_resumes(
    stripe_client: stripe.StripeClient, hooks: StripeHooks, control: Control, monthly_price: Any
) -> None:
    customer = stripe_client.v1.customers.create({"email": "nocard@example.com"})
    subscription = stripe_client.v1.subscriptions.create({
        "customer": customer.id, "items": [{"price": monthly_price.id}], "trial_period_days": 3,
        "trial_settings": {"end_behavior": {"missing_payment_method": "pause"}},
    })
    control.advance(3 * DAY + 1)
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).status == "paused"
    assert hooks.wait_for("customer.subscription.paused")[0].data.object.status == "paused"

    card = stripe_client.v1.payment_methods.attach("pm_card_visa", {"customer": customer.id})
    stripe_client.v1.subscriptions.update(subscription.id, {"default_payment_method": card.id})
    resumed = stripe_client.v1.subscriptions.resume(subscription.id)
    assert resumed.status == "active"
    invoice = stripe_client.v1.invoices.retrieve(resumed.latest_invoice)
    assert (invoice.status, invoice.amount_paid) == ("paid", 2000)
    assert hooks.wait_for("customer.subscription.resumed")[0].data.object.id == subscription.id


def test_future_billing_cycle_anchor_prorates_the_first_period(
    stripe_client: stripe.StripeClient, control: Control, monthly_price: Any
) -> None:
    customer = customer_with_card(stripe_client)
    created = stripe_client.v1.customers.retrieve(customer.id).created
    anchor = created + 10 * DAY
    subscription = stripe_client.v1.subscriptions.create({
        "customer": customer.id, "items": [{"price": monthly_price.id}], "billing_cycle_anchor": anchor})
    item = subscription["items"].data[0]
    assert (item.current_period_end, subscription.billing_cycle_anchor) == (anchor, anchor)
    first = stripe_client.v1.invoices.retrieve(subscription.latest_invoice)
    assert 0 < first.amount_paid < 2000  # about a third of a month
    control.advance(10 * DAY + 3601)
    renewal = stripe_client.v1.invoices.retrieve(stripe_client.v1.subscriptions.retrieve(subscription.id).latest_invoice)
    assert (renewal.amount_paid, renewal.lines.data[0].period.start) == (2000, anchor)


def test_subscription_items_api(stripe_client: stripe.StripeClient, monthly_price: Any, active: Any) -> None:
    addon = stripe_client.v1.prices.create({"currency": "usd", "unit_amount": 300, "recurring": {"interval": "month"},
                                            "product_data": {"name": "Extra seat"}})
    added = stripe_client.v1.subscription_items.create({"subscription": active.id, "price": addon.id, "quantity": 2,
                                                        "proration_behavior": "none"})
    assert (added.quantity, added.price.id, added.subscription) == (2, addon.id, active.id)
    assert added.current_period_end == active["items"].data[0].current_period_end
    changed = stripe_client.v1.subscription_items.update(added.id, {"quantity": 5, "proration_behavior": "none"})
    assert changed.quantity == 5
    listed = stripe_client.v1.subscription_items.list({"subscription": active.id}).data
    assert {item.id for item in listed} == {added.id, active["items"].data[0].id}
    assert stripe_client.v1.subscription_items.delete(added.id, {"proration_behavior": "none"}).deleted
    remaining = stripe_client.v1.subscriptions.retrieve(active.id)["items"].data
    assert [item.price.id for item in remaining] == [monthly_price.id]
    with pytest.raises(stripe.InvalidRequestError) as last:
        stripe_client.v1.subscription_items.delete(remaining[0].id)
    assert last.value.param == "items"
    assert stripe_client.v1.invoice_items.list({"customer": active.customer, "pending": True}).data == []
