"""Payments through the unmodified stripe SDK and the proxy: one test per flow."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import stripe

NO_REDIRECTS = {"enabled": True, "allow_redirects": "never"}


def pay(client: stripe.StripeClient, method: str, **extra: Any) -> Any:
    params = {"amount": 2000, "currency": "usd", "payment_method": method, "confirm": True,
              "automatic_payment_methods": NO_REDIRECTS, **extra}
    return client.v1.payment_intents.create(params)  # type: ignore[arg-type]


def events(client: stripe.StripeClient) -> list[str]:
    return [event.type for event in reversed(client.v1.events.list({"limit": 100}).data)]


def test_card_payment_succeeds(stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create({"email": "buyer@example.com"})
    intent = pay(stripe_client, "pm_card_visa", customer=customer.id, metadata={"order": "7"})
    assert intent.status == "succeeded" and intent.amount_received == 2000
    assert intent.id.startswith("pi_") and intent.client_secret.startswith(f"{intent.id}_secret_")
    charge = stripe_client.v1.charges.retrieve(intent.latest_charge, {"expand": ["balance_transaction"]})
    assert (charge.status, charge.paid, charge.captured, charge.amount_captured) == ("succeeded", True, True, 2000)
    assert charge.payment_method_details.card.last4 == "4242" and charge.customer == customer.id
    assert charge.balance_transaction.fee == 88 and charge.balance_transaction.net == 1912
    assert events(stripe_client) == ["customer.created", "payment_intent.created", "charge.succeeded", "payment_intent.succeeded"]
    assert [i.id for i in stripe_client.v1.payment_intents.list({"customer": customer.id}).data] == [intent.id]
    assert [c.id for c in stripe_client.v1.charges.list({"payment_intent": intent.id}).data] == [charge.id]


@pytest.mark.parametrize(
    ("method", "code", "decline_code", "message"),
    [
        ("pm_card_visa_chargeDeclined", "card_declined", "generic_decline", "Your card was declined."),
        ("pm_card_visa_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds", "Your card has insufficient funds."),
        ("pm_card_visa_chargeDeclinedLostCard", "card_declined", "lost_card", "Your card was declined."),
        ("pm_card_visa_chargeDeclinedStolenCard", "card_declined", "stolen_card", "Your card was declined."),
        ("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card", "Your card has expired."),
        ("pm_card_chargeDeclinedIncorrectCvc", "incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."),
        ("pm_card_chargeDeclinedProcessingError", "processing_error", "processing_error",
         "An error occurred while processing your card. Try again in a little bit."),
        ("pm_card_radarBlock", "card_declined", "fraudulent", "Your card was declined."),
    ],
)
def test_declines(stripe_client: stripe.StripeClient, method: str, code: str, decline_code: str, message: str) -> None:
    with pytest.raises(stripe.CardError) as declined:
        pay(stripe_client, method)
    error = declined.value
    assert (error.http_status, error.code, error.error.decline_code, error.user_message) == (402, code, decline_code, message)
    intent = error.error.payment_intent
    assert intent.status == "requires_payment_method"
    assert intent.last_payment_error.decline_code == decline_code and intent.last_payment_error.charge == error.error.charge
    charge = stripe_client.v1.charges.retrieve(error.error.charge)
    assert (charge.status, charge.paid, charge.failure_code) == ("failed", False, code)
    assert stripe_client.v1.payment_intents.retrieve(intent.id).status == "requires_payment_method"  # kept
    assert events(stripe_client)[-2:] == ["charge.failed", "payment_intent.payment_failed"]


def test_decline_replays_under_the_same_idempotency_key(stripe_client: stripe.StripeClient) -> None:
    first = second = None
    for attempt in range(2):
        with pytest.raises(stripe.CardError) as declined:
            stripe_client.v1.payment_intents.create(
                {"amount": 900, "currency": "usd", "payment_method": "pm_card_chargeDeclined", "confirm": True,
                 "automatic_payment_methods": NO_REDIRECTS},  # type: ignore[typeddict-item]
                {"idempotency_key": "pay-once"},
            )
        first, second = (declined.value, second) if attempt == 0 else (first, declined.value)
    assert first and second and first.error.charge == second.error.charge
    assert second.headers["idempotent-replayed"] == "true"
    assert len(stripe_client.v1.charges.list().data) == 1


def test_attaching_a_decline_card_fails_but_charge_customer_fail_attaches(stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create({"name": "c"})
    with pytest.raises(stripe.CardError) as refused:
        stripe_client.v1.payment_methods.attach("pm_card_visa_chargeDeclined", {"customer": customer.id})
    assert refused.value.code == "card_declined"
    attached = stripe_client.v1.payment_methods.attach("pm_card_chargeCustomerFail", {"customer": customer.id})
    assert attached.customer == customer.id
    with pytest.raises(stripe.CardError):
        pay(stripe_client, attached.id, customer=customer.id)


def test_three_d_secure_approve_and_fail(session: dict[str, Any], stripe_client: stripe.StripeClient) -> None:
    simulate = f"{session['mirrors'][0]['url']}/_mirra/simulate"
    approved = pay(stripe_client, "pm_card_authenticationRequired")
    assert approved.status == "requires_action" and approved.next_action.type == "use_stripe_sdk"
    httpx.post(simulate, json={"event": "payment_intent.authentication_approved", "payment_intent": approved.id}, trust_env=False)
    assert stripe_client.v1.payment_intents.retrieve(approved.id).status == "succeeded"

    failed = pay(stripe_client, "pm_card_threeDSecure2Required", return_url="https://shop.example/return",
                 automatic_payment_methods={"enabled": True})
    assert failed.next_action.type == "redirect_to_url"
    assert failed.next_action.redirect_to_url.return_url == "https://shop.example/return"
    httpx.post(simulate, json={"event": "payment_intent.authentication_failed", "payment_intent": failed.id}, trust_env=False)
    after = stripe_client.v1.payment_intents.retrieve(failed.id)
    assert after.status == "requires_payment_method"
    assert after.last_payment_error.code == "payment_intent_authentication_failure"
    assert "payment_intent.requires_action" in events(stripe_client)


def test_manual_capture_and_wrong_states(stripe_client: stripe.StripeClient) -> None:
    held = pay(stripe_client, "pm_card_visa", capture_method="manual")
    assert held.status == "requires_capture" and held.amount_capturable == 2000
    assert stripe_client.v1.charges.retrieve(held.latest_charge).captured is False
    captured = stripe_client.v1.payment_intents.capture(held.id, {"amount_to_capture": 1500})
    assert (captured.status, captured.amount_received, captured.amount_capturable) == ("succeeded", 1500, 0)
    assert stripe_client.v1.charges.retrieve(held.latest_charge).amount_captured == 1500
    with pytest.raises(stripe.InvalidRequestError) as again:
        stripe_client.v1.payment_intents.capture(held.id)
    assert again.value.code == "payment_intent_unexpected_state"
    assert "it has a status of succeeded" in again.value.user_message
    assert again.value.error.payment_intent.id == held.id
    with pytest.raises(stripe.InvalidRequestError) as cancel:
        stripe_client.v1.payment_intents.cancel(held.id)
    assert cancel.value.code == "payment_intent_unexpected_state"

    released = pay(stripe_client, "pm_card_visa", capture_method="manual")
    canceled = stripe_client.v1.payment_intents.cancel(released.id, {"cancellation_reason": "requested_by_customer"})
    assert canceled.status == "canceled" and canceled.cancellation_reason == "requested_by_customer"
    assert stripe_client.v1.charges.retrieve(released.latest_charge).refunded is True


def test_partial_and_full_refunds(stripe_client: stripe.StripeClient) -> None:
    intent = pay(stripe_client, "pm_card_mastercard")
    partial = stripe_client.v1.refunds.create({"payment_intent": intent.id, "amount": 500, "reason": "requested_by_customer"})
    assert (partial.status, partial.amount, partial.charge) == ("succeeded", 500, intent.latest_charge)
    charge = stripe_client.v1.charges.retrieve(intent.latest_charge)
    assert (charge.amount_refunded, charge.refunded) == (500, False)
    with pytest.raises(stripe.InvalidRequestError) as too_much:
        stripe_client.v1.refunds.create({"charge": charge.id, "amount": 5000})
    assert "greater than unrefunded amount" in too_much.value.user_message
    rest = stripe_client.v1.refunds.create({"charge": charge.id})
    assert rest.amount == 1500 and stripe_client.v1.charges.retrieve(charge.id).refunded is True
    with pytest.raises(stripe.InvalidRequestError) as done:
        stripe_client.v1.refunds.create({"charge": charge.id})
    assert done.value.user_message == f"Charge {charge.id} has already been refunded."
    assert [r.id for r in stripe_client.v1.refunds.list({"charge": charge.id}).data] == [rest.id, partial.id]
    assert stripe_client.v1.balance_transactions.retrieve(rest.balance_transaction).amount == -1500


def test_saved_card_charged_off_session(stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create({"email": "saver@example.com"})
    first = pay(stripe_client, "pm_card_visa", customer=customer.id, setup_future_usage="off_session")
    saved = stripe_client.v1.customers.payment_methods.list(customer.id).data
    assert stripe_client.v1.customers.payment_methods.retrieve(customer.id, saved[0].id).customer == customer.id
    assert [m.id for m in saved] == [first.payment_method]
    later = pay(stripe_client, first.payment_method, customer=customer.id, off_session=True)
    assert later.status == "succeeded"

    needs_auth = stripe_client.v1.payment_methods.attach("pm_card_authenticationRequired", {"customer": customer.id})
    with pytest.raises(stripe.CardError) as declined:
        pay(stripe_client, needs_auth.id, customer=customer.id, off_session=True)
    assert declined.value.code == "authentication_required"


def test_a_customer_created_with_a_test_card_has_it_attached_as_default(stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create({
        "email": "docs@example.com", "payment_method": "pm_card_visa",
        "invoice_settings": {"default_payment_method": "pm_card_visa"},  # as Stripe's subscription guides do
    })
    default = customer.invoice_settings.default_payment_method
    assert default is not None and default.startswith("pm_") and default != "pm_card_visa"
    assert [m.id for m in stripe_client.v1.customers.payment_methods.list(customer.id).data] == [default]
    with pytest.raises(stripe.CardError):  # a card that declines on attach refuses the customer
        stripe_client.v1.customers.create({"payment_method": "pm_card_chargeDeclined"})
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        stripe_client.v1.customers.create({"payment_method": "pm_nope"})
    assert unknown.value.code == "resource_missing"
    assert [c.id for c in stripe_client.v1.customers.list().data] == [customer.id]  # the refused ones left nothing


def test_return_url_is_required_for_redirect_capable_confirmations(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as missing:
        pay(stripe_client, "pm_card_visa", automatic_payment_methods={"enabled": True})
    assert "you must provide a `return_url`" in missing.value.user_message
    assert missing.value.error.payment_intent.status == "requires_confirmation"
    assert stripe_client.v1.payment_intents.list().data == []  # nothing was created
    allowed = pay(stripe_client, "pm_card_visa", automatic_payment_methods=None, allowed_payment_method_types=["card"])
    assert allowed.status == "succeeded"


def test_amount_and_unknown_references(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as small:
        pay(stripe_client, "pm_card_visa", amount=10)
    assert (small.value.code, small.value.user_message) == ("amount_too_small", "Amount must be at least $0.50 usd")
    with pytest.raises(stripe.InvalidRequestError) as missing:
        pay(stripe_client, "pm_nope")
    assert (missing.value.http_status, missing.value.param) == (400, "payment_method")
    assert missing.value.user_message == "No such PaymentMethod: 'pm_nope'"


def test_payment_methods_create_list_detach(stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create({"name": "pm"})
    card = stripe_client.v1.payment_methods.create(
        {"type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2040, "cvc": "123"}}
    )
    assert (card.card.brand, card.card.last4, card.card.exp_year) == ("visa", "4242", 2040)
    with pytest.raises(stripe.CardError) as wrong:
        stripe_client.v1.payment_methods.create({"type": "card", "card": {"number": "4242424242424241", "exp_month": 1, "exp_year": 2040}})
    assert wrong.value.code == "incorrect_number"
    stripe_client.v1.payment_methods.attach(card.id, {"customer": customer.id})
    listed = stripe_client.v1.payment_methods.list({"customer": customer.id, "type": "card"})
    assert [m.id for m in listed.data] == [card.id]
    assert stripe_client.v1.payment_methods.detach(card.id).customer is None
    assert events(stripe_client)[-2:] == ["payment_method.attached", "payment_method.detached"]


def test_setup_intent_saves_a_card_for_later(session: dict[str, Any], stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create({"email": "setup@example.com"})
    setup = stripe_client.v1.setup_intents.create(
        {"customer": customer.id, "payment_method": "pm_card_visa", "confirm": True,
         "automatic_payment_methods": NO_REDIRECTS}  # type: ignore[typeddict-item]
    )
    assert (setup.status, setup.usage) == ("succeeded", "off_session")
    assert stripe_client.v1.payment_methods.retrieve(setup.payment_method).customer == customer.id
    later = pay(stripe_client, setup.payment_method, customer=customer.id, off_session=True)
    assert later.status == "succeeded"

    with pytest.raises(stripe.CardError) as failed:
        stripe_client.v1.setup_intents.create(
            {"customer": customer.id, "payment_method": "pm_card_visa_chargeDeclined", "confirm": True,
             "automatic_payment_methods": NO_REDIRECTS}  # type: ignore[typeddict-item]
        )
    assert failed.value.error.setup_intent.last_setup_error.decline_code == "generic_decline"

    challenged = stripe_client.v1.setup_intents.create(
        {"customer": customer.id, "payment_method": "pm_card_authenticationRequiredOnSetup", "confirm": True,
         "automatic_payment_methods": NO_REDIRECTS}  # type: ignore[typeddict-item]
    )
    assert challenged.status == "requires_action"
    httpx.post(f"{session['mirrors'][0]['url']}/_mirra/simulate", trust_env=False,
               json={"event": "setup_intent.authentication_approved", "setup_intent": challenged.id})
    assert stripe_client.v1.setup_intents.retrieve(challenged.id).status == "succeeded"
    pending = stripe_client.v1.setup_intents.create({"customer": customer.id})
    assert stripe_client.v1.setup_intents.cancel(pending.id).status == "canceled"
    assert {"setup_intent.succeeded", "setup_intent.setup_failed", "setup_intent.requires_action",
            "setup_intent.canceled"} <= set(events(stripe_client))


def test_simulated_dispute_and_payment_failure(session: dict[str, Any], stripe_client: stripe.StripeClient) -> None:
    simulate = f"{session['mirrors'][0]['url']}/_mirra/simulate"
    intent = pay(stripe_client, "pm_card_visa")
    opened = httpx.post(simulate, trust_env=False,
                        json={"event": "charge.dispute.created", "charge": intent.latest_charge, "reason": "product_not_received"})
    dispute = stripe_client.v1.disputes.retrieve(opened.json()["result"]["id"])
    assert (dispute.status, dispute.reason, dispute.amount, dispute.charge) == ("needs_response", "product_not_received", 2000, intent.latest_charge)
    assert dispute.balance_transactions[0].amount == -2000
    assert stripe_client.v1.charges.retrieve(intent.latest_charge).disputed is True
    assert events(stripe_client)[-2:] == ["charge.dispute.created", "charge.dispute.funds_withdrawn"]

    pending = stripe_client.v1.payment_intents.create(
        {"amount": 700, "currency": "usd", "payment_method": "pm_card_visa"}  # type: ignore[typeddict-item]
    )
    failed = httpx.post(simulate, trust_env=False, json={"event": "payment_intent.payment_failed", "payment_intent": pending.id})
    assert failed.json()["result"]["status"] == "requires_payment_method"
    assert events(stripe_client)[-2:] == ["charge.failed", "payment_intent.payment_failed"]
