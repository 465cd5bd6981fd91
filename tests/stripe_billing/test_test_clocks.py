"""Stripe test clocks: a clock's customers live on its time; advancing runs what the skipped time holds."""

from __future__ import annotations

import time
from typing import Any

import pytest
import stripe

from tests.stripe_billing.conftest import DAY, StripeHooks, customer_with_card


def _ready(client: stripe.StripeClient, clock_id: str, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while (clock := client.v1.test_helpers.test_clocks.retrieve(clock_id)).status != "ready":
        assert time.monotonic() < deadline, "the test clock never became ready"
        time.sleep(0.02)
    return clock


def test_advancing_a_clock_moves_only_its_customers(
    stripe_client: stripe.StripeClient, hooks: StripeHooks, monthly_price: Any
) -> None:
    start = int(time.time()) - 1000
    clock = stripe_client.v1.test_helpers.test_clocks.create({"frozen_time": start, "name": "trial run"})
    assert (clock.status, clock.frozen_time) == ("ready", start)
    on_clock = customer_with_card(stripe_client, test_clock=clock.id)
    assert on_clock.test_clock == clock.id and on_clock.created == start
    elsewhere = customer_with_card(stripe_client)
    clocked = stripe_client.v1.subscriptions.create({
        "customer": on_clock.id, "items": [{"price": monthly_price.id}], "trial_period_days": 7})
    unclocked = stripe_client.v1.subscriptions.create({
        "customer": elsewhere.id, "items": [{"price": monthly_price.id}], "trial_period_days": 7})
    assert clocked.created == start and clocked.trial_end == start + 7 * DAY

    target = start + 7 * DAY + 2 * 3600
    advancing = stripe_client.v1.test_helpers.test_clocks.advance(clock.id, {"frozen_time": target})
    assert advancing.status == "advancing" and advancing.status_details.advancing.target_frozen_time == target
    assert _ready(stripe_client, clock.id).frozen_time == target

    active = stripe_client.v1.subscriptions.retrieve(clocked.id)
    assert active.status == "active" and active["items"].data[0].current_period_start == start + 7 * DAY
    assert stripe_client.v1.invoices.retrieve(active.latest_invoice).status == "paid"
    assert stripe_client.v1.subscriptions.retrieve(unclocked.id).status == "trialing"

    events = hooks.wait_for("test_helpers.test_clock.ready")
    mine = [e for e in hooks.events() if e.created >= start + DAY and e.type != "test_helpers.test_clock.ready"]
    assert [e.type for e in mine][:4] == ["customer.subscription.trial_will_end", "customer.subscription.updated",
                                         "invoice.created", "invoice.finalized"]
    assert mine[0].created == start + 4 * DAY and mine[0].data.object.id == clocked.id
    assert mine[-1].type == "invoice_payment.paid" and mine[-1].created == start + 7 * DAY + 3600
    assert all(e.request.id is None for e in mine)
    assert events[0].created == target and hooks.types()[-1] == "test_helpers.test_clock.ready"
    assert "customer.subscription.trial_will_end" not in [
        e.type for e in hooks.events() if e.data.object.to_dict().get("id") == unclocked.id]


def test_clock_limits_listing_and_deletion(stripe_client: stripe.StripeClient, monthly_price: Any) -> None:
    start = int(time.time())
    clock = stripe_client.v1.test_helpers.test_clocks.create({"frozen_time": start})
    customer = customer_with_card(stripe_client, test_clock=clock.id)
    stripe_client.v1.subscriptions.create({"customer": customer.id, "items": [{"price": monthly_price.id}]})
    with pytest.raises(stripe.InvalidRequestError) as too_far:
        stripe_client.v1.test_helpers.test_clocks.advance(clock.id, {"frozen_time": start + 70 * DAY})
    assert too_far.value.param == "frozen_time"
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.test_helpers.test_clocks.advance(clock.id, {"frozen_time": start - 1})
    assert stripe_client.v1.test_helpers.test_clocks.retrieve(clock.id).status == "ready"
    assert [c.id for c in stripe_client.v1.test_helpers.test_clocks.list().data] == [clock.id]

    deleted = stripe_client.v1.test_helpers.test_clocks.delete(clock.id)
    assert deleted.deleted
    assert stripe_client.v1.customers.retrieve(customer.id).to_dict().get("deleted") is True
    assert stripe_client.v1.subscriptions.list({"customer": customer.id, "status": "all"}).data == []
