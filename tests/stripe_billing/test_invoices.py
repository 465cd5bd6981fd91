"""Invoices by hand: draft -> open -> paid | void | uncollectible, send_invoice, declines, discounts."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from tests.stripe_billing.conftest import DAY, Control, StripeHooks, customer_with_card


def _draft(client: stripe.StripeClient, customer: Any, amount: int = 1500, **params: Any) -> Any:
    client.v1.invoice_items.create({"customer": customer.id, "amount": amount, "currency": "usd", "description": "Setup"})
    return client.v1.invoices.create({"customer": customer.id, "pending_invoice_items_behavior": "include", **params})


def test_draft_finalize_pay(stripe_client: stripe.StripeClient, hooks: StripeHooks) -> None:
    customer = customer_with_card(stripe_client)
    draft = _draft(stripe_client, customer)
    assert (draft.status, draft.amount_due, draft.auto_advance, draft.number) == ("draft", 1500, False, None)
    assert [line.description for line in stripe_client.v1.invoices.line_items.list(draft.id).data] == ["Setup"]
    opened = stripe_client.v1.invoices.finalize_invoice(draft.id)
    assert opened.status == "open" and opened.number.startswith(customer.invoice_prefix)
    assert opened.status_transitions.finalized_at is not None and opened.hosted_invoice_url
    paid = stripe_client.v1.invoices.pay(draft.id)
    assert (paid.status, paid.amount_paid, paid.amount_remaining, paid.attempt_count) == ("paid", 1500, 0, 1)
    payment = stripe_client.v1.invoice_payments.list({"invoice": draft.id}).data[0]
    assert payment.status == "paid" and payment.amount_paid == 1500
    intent = stripe_client.v1.payment_intents.retrieve(payment.payment.payment_intent)
    assert (intent.status, intent.amount, intent.customer) == ("succeeded", 1500, customer.id)
    hooks.wait_for("invoice_payment.paid")
    invoice_events = [t for t in hooks.types() if t.startswith("invoice")]
    assert invoice_events == ["invoiceitem.created", "invoice.created", "invoice.finalized", "invoice.paid",
                              "invoice.payment_succeeded", "invoice_payment.paid"]
    with pytest.raises(stripe.InvalidRequestError, match="Invoice is already paid"):
        stripe_client.v1.invoices.pay(draft.id)


def test_void_and_uncollectible(stripe_client: stripe.StripeClient, hooks: StripeHooks) -> None:
    customer = customer_with_card(stripe_client)
    voided = stripe_client.v1.invoices.void_invoice(stripe_client.v1.invoices.finalize_invoice(_draft(stripe_client, customer).id).id)
    assert voided.status == "void" and voided.status_transitions.voided_at is not None
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.invoices.pay(voided.id)
    assert stripe_client.v1.invoices.retrieve(voided.id).status == "void"

    second = stripe_client.v1.invoices.finalize_invoice(_draft(stripe_client, customer, 700).id)
    written_off = stripe_client.v1.invoices.mark_uncollectible(second.id)
    assert written_off.status == "uncollectible"
    assert stripe_client.v1.invoices.pay(second.id).status == "paid"  # uncollectible can still be paid
    hooks.wait_for("invoice.paid")
    assert [t for t in hooks.types() if t in ("invoice.voided", "invoice.marked_uncollectible", "invoice.paid")] == [
        "invoice.voided", "invoice.marked_uncollectible", "invoice.paid"]


def test_declined_payment_is_recorded_and_returned_as_a_card_error(stripe_client: stripe.StripeClient) -> None:
    customer = customer_with_card(stripe_client, "pm_card_chargeCustomerFail")
    draft = _draft(stripe_client, customer)
    with pytest.raises(stripe.CardError) as declined:
        stripe_client.v1.invoices.pay(draft.id)
    assert declined.value.code == "card_declined"
    invoice = stripe_client.v1.invoices.retrieve(draft.id)
    assert (invoice.status, invoice.attempt_count, invoice.attempted) == ("open", 1, True)


def test_send_invoice_goes_overdue(stripe_client: stripe.StripeClient, hooks: StripeHooks, control: Control) -> None:
    customer = stripe_client.v1.customers.create({"email": "ap@example.com"})
    draft = _draft(stripe_client, customer, collection_method="send_invoice", days_until_due=30)
    sent = stripe_client.v1.invoices.send_invoice(draft.id)
    assert sent.status == "open" and sent.due_date == sent.status_transitions.finalized_at + 30 * DAY
    control.advance(30 * DAY + 1)
    overdue = hooks.wait_for("invoice.overdue")[0]
    assert overdue.data.object.id == draft.id
    assert hooks.types().index("invoice.sent") < hooks.types().index("invoice.overdue")


def test_coupon_and_promotion_code_discount_invoices(
    stripe_client: stripe.StripeClient, control: Control, monthly_price: Any
) -> None:
    once = stripe_client.v1.coupons.create({"amount_off": 500, "currency": "usd", "duration": "once", "name": "Welcome"})
    code = stripe_client.v1.promotion_codes.create({"promotion": {"type": "coupon", "coupon": once.id}, "code": "WELCOME5"})
    customer = customer_with_card(stripe_client)
    subscription = stripe_client.v1.subscriptions.create({
        "customer": customer.id, "items": [{"price": monthly_price.id}], "discounts": [{"promotion_code": code.id}],
    })
    first = stripe_client.v1.invoices.retrieve(subscription.latest_invoice)
    assert (first.subtotal, first.total, first.amount_paid) == (2000, 1500, 1500)
    assert first.total_discount_amounts[0].amount == 500
    assert stripe_client.v1.promotion_codes.retrieve(code.id).times_redeemed == 1
    assert stripe_client.v1.coupons.retrieve(once.id).times_redeemed == 1
    control.advance(32 * DAY)
    renewal = stripe_client.v1.invoices.retrieve(stripe_client.v1.subscriptions.retrieve(subscription.id).latest_invoice)
    assert renewal.amount_paid == 2000  # a `once` coupon is used up

    forever = stripe_client.v1.coupons.create({"percent_off": 25, "duration": "forever"})
    invoice = _draft(stripe_client, customer, 4000, discounts=[{"coupon": forever.id}])
    assert (invoice.subtotal, invoice.total) == (4000, 3000)
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.promotion_codes.create({"promotion": {"type": "coupon", "coupon": once.id}, "code": "WELCOME5"})
    assert refused.value.param == "code"


def test_send_invoice_subscription_goes_past_due_and_recovers(
    stripe_client: stripe.StripeClient, hooks: StripeHooks, control: Control, monthly_price: Any
) -> None:
    control.settings(subscriptionRetryDays=[5], subscriptionFinalAction="mark_unpaid")
    customer = stripe_client.v1.customers.create({"email": "ap@example.com"})
    subscription = stripe_client.v1.subscriptions.create({
        "customer": customer.id, "items": [{"price": monthly_price.id}], "collection_method": "send_invoice",
        "days_until_due": 7,
    })
    assert subscription.status == "active"
    assert stripe_client.v1.invoices.retrieve(subscription.latest_invoice).status == "draft"
    control.advance(3601)  # finalized an hour later
    invoice = stripe_client.v1.invoices.retrieve(subscription.latest_invoice)
    assert invoice.status == "open" and invoice.due_date == invoice.status_transitions.finalized_at + 7 * DAY
    control.advance(7 * DAY)
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).status == "past_due"
    assert hooks.wait_for("invoice.overdue")[0].data.object.id == invoice.id
    control.advance(5 * DAY)
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).status == "unpaid"
    assert stripe_client.v1.invoices.pay(invoice.id, {"paid_out_of_band": True}).status == "paid"
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).status == "active"

    stripe_client.v1.customers.delete(customer.id)  # Stripe cancels a deleted customer's subscriptions
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).status == "canceled"


def test_filtered_lists_are_cut_after_the_filter(stripe_client: stripe.StripeClient, monthly_price: Any) -> None:
    """A filter on a field inside the object still fills the page and answers has_more truly."""
    subscriptions = [
        stripe_client.v1.subscriptions.create({"customer": customer_with_card(stripe_client).id,
                                               "items": [{"price": monthly_price.id}]})
        for _ in range(3)
    ]
    first = stripe_client.v1.invoices.list({"subscription": subscriptions[0].id, "limit": 1})
    assert [i.id for i in first.data] == [subscriptions[0].latest_invoice] and first.has_more is False
    paid = stripe_client.v1.invoices.list({"status": "paid", "limit": 2})
    assert len(paid.data) == 2 and paid.has_more is True
    rest = stripe_client.v1.invoices.list({"status": "paid", "limit": 2, "starting_after": paid.data[-1].id})
    assert len(rest.data) == 1 and rest.has_more is False
    assert {i.id for i in [*paid.data, *rest.data]} == {s.latest_invoice for s in subscriptions}
    assert stripe_client.v1.subscriptions.list({"price": monthly_price.id, "limit": 2}).has_more is True
