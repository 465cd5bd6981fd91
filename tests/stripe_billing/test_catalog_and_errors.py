"""The catalog (products, prices, lookup keys, tiers, search) and Stripe's errors for bad billing input."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from tests.stripe_billing.conftest import StripeHooks, customer_with_card


def test_products_prices_lookup_keys_and_search(stripe_client: stripe.StripeClient, hooks: StripeHooks) -> None:
    product = stripe_client.v1.products.create({"name": "Pro plan", "metadata": {"tier": "pro"}})
    monthly = stripe_client.v1.prices.create({"product": product.id, "currency": "usd", "unit_amount": 2000,
                                              "recurring": {"interval": "month"}, "lookup_key": "pro"})
    assert (monthly.type, monthly.recurring.interval, monthly.lookup_key) == ("recurring", "month", "pro")
    with pytest.raises(stripe.InvalidRequestError) as taken:
        stripe_client.v1.prices.create({"product": product.id, "currency": "usd", "unit_amount": 2500,
                                        "recurring": {"interval": "month"}, "lookup_key": "pro"})
    assert taken.value.user_message == f"A price (`{monthly.id}`) already uses that lookup key."
    assert len(stripe_client.v1.prices.list({"product": product.id}).data) == 1
    moved = stripe_client.v1.prices.create({"product": product.id, "currency": "usd", "unit_amount": 2500,
                                            "recurring": {"interval": "month"}, "lookup_key": "pro",
                                            "transfer_lookup_key": True})
    assert [p.id for p in stripe_client.v1.prices.list({"lookup_keys": ["pro"]}).data] == [moved.id]
    assert stripe_client.v1.prices.retrieve(monthly.id).lookup_key is None

    found = stripe_client.v1.products.search({"query": 'name~"Pro" AND metadata["tier"]:"pro"'})
    assert [p.id for p in found.data] == [product.id]
    assert [p.id for p in stripe_client.v1.prices.search({"query": 'lookup_key:"pro"'}).data] == [moved.id]
    with pytest.raises(stripe.InvalidRequestError) as in_use:
        stripe_client.v1.products.delete(product.id)
    assert in_use.value.user_message == "This product cannot be deleted because it has one or more user-created prices."
    hooks.wait_for("price.updated")
    assert [t for t in hooks.types() if t.split(".")[0] in ("product", "price")] == [
        "product.created", "price.created", "price.updated", "price.created"]


def test_graduated_tiers_price_a_subscription(stripe_client: stripe.StripeClient) -> None:
    seats = stripe_client.v1.prices.create({
        "currency": "usd", "recurring": {"interval": "month"}, "product_data": {"name": "Seats"},
        "billing_scheme": "tiered", "tiers_mode": "graduated",
        "tiers": [{"up_to": 10, "unit_amount": 1000}, {"up_to": "inf", "unit_amount": 500, "flat_amount": 100}],
    })
    customer = customer_with_card(stripe_client)
    subscription = stripe_client.v1.subscriptions.create({"customer": customer.id, "items": [{"price": seats.id, "quantity": 15}]})
    assert stripe_client.v1.invoices.retrieve(subscription.latest_invoice).amount_paid == 10 * 1000 + 5 * 500 + 100


def test_bad_subscription_input_gets_stripes_errors_and_changes_nothing(
    stripe_client: stripe.StripeClient, monthly_price: Any
) -> None:
    one_time = stripe_client.v1.prices.create({"currency": "usd", "unit_amount": 500, "product_data": {"name": "Fee"}})
    no_card = stripe_client.v1.customers.create({"email": "nocard@example.com"})
    cases = [
        ({"items": [{"price": one_time.id}]}, ("The price specified is set to `type=one_time` but this field only "
                                                "accepts prices with `type=recurring`."), "items[0][price]"),
        ({"items": [{"price": "price_missing"}]}, "No such price: 'price_missing'", "items[0][price]"),
        ({"items": [{"price": monthly_price.id}], "colour": "red"}, "Received unknown parameter: colour", "colour"),
        ({"items": [{"price": monthly_price.id}], "payment_behavior": "sometimes"},
         ("Invalid payment_behavior: must be one of allow_incomplete, default_incomplete, error_if_incomplete, or "
          "pending_if_incomplete"), "payment_behavior"),
    ]
    for params, message, param in cases:
        with pytest.raises(stripe.InvalidRequestError) as refused:
            stripe_client.v1.subscriptions.create({"customer": no_card.id, **params})
        assert (refused.value.user_message, refused.value.param, refused.value.http_status) == (message, param, 400)
    with pytest.raises(stripe.InvalidRequestError) as nothing_to_charge:
        stripe_client.v1.subscriptions.create({"customer": no_card.id, "items": [{"price": monthly_price.id}]})
    assert nothing_to_charge.value.code == "resource_missing"
    assert nothing_to_charge.value.user_message.startswith(
        "This customer has no attached payment source or default payment method.")
    with pytest.raises(stripe.InvalidRequestError) as recurring_item:
        stripe_client.v1.invoice_items.create({"customer": no_card.id, "pricing": {"price": monthly_price.id}})
    assert recurring_item.value.user_message == ("The price specified is set to `type=recurring` but this field only "
                                                 "accepts prices with `type=one_time`.")
    assert stripe_client.v1.subscriptions.list({"status": "all"}).data == []
    assert stripe_client.v1.invoices.list().data == []
    assert stripe_client.v1.invoice_items.list().data == []


def test_bad_invoice_transitions_are_refused(stripe_client: stripe.StripeClient) -> None:
    customer = customer_with_card(stripe_client)
    stripe_client.v1.invoice_items.create({"customer": customer.id, "amount": 900, "currency": "usd"})
    invoice = stripe_client.v1.invoices.create({"customer": customer.id, "pending_invoice_items_behavior": "include"})
    with pytest.raises(stripe.InvalidRequestError, match="only mark open invoices as uncollectible"):
        stripe_client.v1.invoices.mark_uncollectible(invoice.id)
    stripe_client.v1.invoices.finalize_invoice(invoice.id)
    with pytest.raises(stripe.InvalidRequestError) as twice:
        stripe_client.v1.invoices.finalize_invoice(invoice.id)
    assert twice.value.user_message == "This invoice is already finalized, you can't re-finalize a non-draft invoice."
    with pytest.raises(stripe.InvalidRequestError, match="only delete draft invoices"):
        stripe_client.v1.invoices.delete(invoice.id)
    assert stripe_client.v1.invoices.retrieve(invoice.id).status == "open"
