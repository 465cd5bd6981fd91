"""Vendor events `simulate` can fire, as if they happened at Stripe (the Dashboard, the bank,
the card network). Each runs the same backend operation the API would, so its cascade (state,
events, webhooks) is the real one."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mirra.errors import MirraError
from mirra.mirrors.stripe.backend import StripeBackend
from mirra.mirrors.stripe.backend.charges import DISPUTE_REASONS
from mirra.mirrors.stripe.errors import StripeError

if TYPE_CHECKING:
    from mirra.sessions.registry import Session

Simulation = Callable[[StripeBackend, dict[str, Any]], dict[str, Any]]


def _required_id(params: dict[str, Any], name: str, example: str) -> str:
    """Take the id parameter a simulation acts on, or say how to send it."""
    value = params.pop(name, None)
    if not isinstance(value, str):
        raise MirraError(400, "mirra.simulate.missing_parameter", f"'{name}' (an id) is required.",
                         f'Send e.g. {{"event": "{example}", "{name}": "..."}}.')
    return value


def customer_created(backend: StripeBackend, params: dict[str, Any]) -> dict[str, Any]:
    return backend.create_customer(params)


def customer_updated(backend: StripeBackend, params: dict[str, Any]) -> dict[str, Any]:
    return backend.update_customer(_required_id(params, "customer", "customer.updated"), params)


def customer_deleted(backend: StripeBackend, params: dict[str, Any]) -> dict[str, Any]:
    return backend.delete_customer(_required_id(params, "customer", "customer.deleted"))


def authentication_approved(backend: StripeBackend, params: dict[str, Any]) -> dict[str, Any]:
    """The customer passed the 3-D Secure challenge: the payment goes on (and may still be declined)."""
    intent = _required_id(params, "payment_intent", "payment_intent.authentication_approved")
    return backend.authenticate_payment_intent(intent, approved=True)


def authentication_failed(backend: StripeBackend, params: dict[str, Any]) -> dict[str, Any]:
    intent = _required_id(params, "payment_intent", "payment_intent.authentication_failed")
    return backend.authenticate_payment_intent(intent, approved=False)


def setup_authentication_approved(backend: StripeBackend, params: dict[str, Any]) -> dict[str, Any]:
    intent = _required_id(params, "setup_intent", "setup_intent.authentication_approved")
    return backend.authenticate_setup_intent(intent, approved=True)


def setup_authentication_failed(backend: StripeBackend, params: dict[str, Any]) -> dict[str, Any]:
    intent = _required_id(params, "setup_intent", "setup_intent.authentication_failed")
    return backend.authenticate_setup_intent(intent, approved=False)


def dispute_created(backend: StripeBackend, params: dict[str, Any]) -> dict[str, Any]:
    """The cardholder disputes a charge (reason: any of Stripe's; default fraudulent)."""
    charge = _required_id(params, "charge", "charge.dispute.created")
    reason = params.get("reason", "fraudulent")
    if reason not in DISPUTE_REASONS:
        raise MirraError(400, "mirra.simulate.invalid_parameter", f"Unknown dispute reason '{reason}'.",
                         f"Reasons: {', '.join(DISPUTE_REASONS)}.")
    return backend.open_dispute(charge, reason)


def payment_failed(backend: StripeBackend, params: dict[str, Any]) -> dict[str, Any]:
    """The bank declines a payment that is being confirmed (generic decline)."""
    return backend.fail_payment_intent(_required_id(params, "payment_intent", "payment_intent.payment_failed"))


def invoice_payment_failed(backend: StripeBackend, params: dict[str, Any]) -> dict[str, Any]:
    """The bank declines a subscription's payment now (its open invoice, or a new one for the period),
    or an open invoice's: past_due, Smart Retries and the final action follow."""
    if "invoice" in params:
        return backend.attempt_payment(_required_id(params, "invoice", "invoice.payment_failed"), decline=True)
    return backend.fail_subscription_payment(_required_id(params, "subscription", "invoice.payment_failed"))


def invoice_paid(backend: StripeBackend, params: dict[str, Any]) -> dict[str, Any]:
    """The customer pays an open invoice with its default payment method (or `payment_method`)."""
    return backend.pay_invoice(_required_id(params, "invoice", "invoice.paid"), params)


def invoice_upcoming(backend: StripeBackend, params: dict[str, Any]) -> dict[str, Any]:
    subscription = _required_id(params, "subscription", "invoice.upcoming")
    preview = backend.create_preview({"subscription": subscription})
    backend.emit("invoice.upcoming", preview)
    return preview


def trial_will_end(backend: StripeBackend, params: dict[str, Any]) -> dict[str, Any]:
    """Stripe's 3-day notice, now (the trial itself still ends at `trial_end`)."""
    subscription = backend.require("subscription", _required_id(params, "subscription", "customer.subscription.trial_will_end"))
    if subscription["status"] != "trialing":
        raise MirraError(400, "mirra.simulate.rejected", f"Subscription {subscription['id']} is {subscription['status']}, "
                         "not trialing.", "Only a trialing subscription has a trial to end.")
    backend.emit("customer.subscription.trial_will_end", subscription)
    return subscription


def subscription_deleted(backend: StripeBackend, params: dict[str, Any]) -> dict[str, Any]:
    return backend.cancel_subscription(_required_id(params, "subscription", "customer.subscription.deleted"), params)


def checkout_completed(backend: StripeBackend, params: dict[str, Any]) -> dict[str, Any]:
    """The customer completes the hosted page with `payment_method` (default pm_card_visa)."""
    session = _required_id(params, "checkout_session", "checkout.session.completed")
    return backend.complete_checkout_session(session, params.get("payment_method", "pm_card_visa"), params.get("email"))


def checkout_expired(backend: StripeBackend, params: dict[str, Any]) -> dict[str, Any]:
    return backend.expire_checkout_session(_required_id(params, "checkout_session", "checkout.session.expired"))


SIMULATIONS: dict[str, Simulation] = {
    "invoice.payment_failed": invoice_payment_failed,
    "invoice.paid": invoice_paid,
    "invoice.upcoming": invoice_upcoming,
    "customer.subscription.trial_will_end": trial_will_end,
    "customer.subscription.deleted": subscription_deleted,
    "checkout.session.completed": checkout_completed,
    "checkout.session.expired": checkout_expired,
    "charge.dispute.created": dispute_created,
    "payment_intent.payment_failed": payment_failed,
    "payment_intent.authentication_approved": authentication_approved,
    "payment_intent.authentication_failed": authentication_failed,
    "setup_intent.authentication_approved": setup_authentication_approved,
    "setup_intent.authentication_failed": setup_authentication_failed,
    "customer.created": customer_created,
    "customer.updated": customer_updated,
    "customer.deleted": customer_deleted,
}


def simulate(session: Session, event: str, params: dict[str, Any]) -> dict[str, Any]:
    try:
        with session.store.unit_of_work() as uow:
            return SIMULATIONS[event](StripeBackend(session, uow), dict(params))
    except StripeError as error:
        raise MirraError(400, "mirra.simulate.rejected", error.message,
                         "Fix the event's parameters; they follow the Stripe API's.") from None
