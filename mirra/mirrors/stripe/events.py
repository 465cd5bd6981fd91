"""The one table of which Stripe events each change produces, and the Event objects themselves.

Backend operations never name events: they write through `BackendBase.insert/replace/remove`,
which look the change up in `EVENTS`: per kind, what a creation, an update (judged from the fields
that changed: a status, `captured`, `amount_refunded`, a customer attached) and a deletion
announce. Each event becomes an `evt_` object (listable through /v1/events) and a webhook
delivery to every enabled endpoint that wants it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Obj = dict[str, Any]

_PAYMENT_INTENT_STATUS = {
    "requires_action": "payment_intent.requires_action",
    "requires_capture": "payment_intent.amount_capturable_updated",
    "processing": "payment_intent.processing",
    "succeeded": "payment_intent.succeeded",
    "canceled": "payment_intent.canceled",
}
_SETUP_INTENT_STATUS = {
    "requires_action": "setup_intent.requires_action",
    "succeeded": "setup_intent.succeeded",
    "canceled": "setup_intent.canceled",
}
_CHARGE_STATUS = {"succeeded": "charge.succeeded", "failed": "charge.failed", "pending": "charge.pending"}


def _payment_intent_updated(before: Obj, after: Obj) -> list[str]:
    types = []
    if after["last_payment_error"] and after["last_payment_error"] != before["last_payment_error"]:
        types.append("payment_intent.payment_failed")
    if before["status"] != after["status"] and after["status"] in _PAYMENT_INTENT_STATUS:
        types.append(_PAYMENT_INTENT_STATUS[after["status"]])
    return types


def _setup_intent_updated(before: Obj, after: Obj) -> list[str]:
    if after["last_setup_error"] and after["last_setup_error"] != before["last_setup_error"]:
        return ["setup_intent.setup_failed"]
    if before["status"] != after["status"] and after["status"] in _SETUP_INTENT_STATUS:
        return [_SETUP_INTENT_STATUS[after["status"]]]
    return []


def _charge_updated(before: Obj, after: Obj) -> list[str]:
    if after["disputed"] and not before["disputed"]:
        return []  # the dispute announces itself
    if after["captured"] and not before["captured"]:
        return ["charge.captured"]
    if after["amount_refunded"] > before["amount_refunded"]:
        return ["charge.refunded"]
    if before["status"] != after["status"]:
        return [_CHARGE_STATUS[after["status"]]]
    return ["charge.updated"]


def _payment_method_updated(before: Obj, after: Obj) -> list[str]:
    if after["customer"] and not before["customer"]:
        return ["payment_method.attached"]
    if before["customer"] and not after["customer"]:
        return ["payment_method.detached"]
    return ["payment_method.updated"]


def _refund_updated(before: Obj, after: Obj) -> list[str]:
    return ["refund.failed", "refund.updated"] if after["status"] == "failed" != before["status"] else ["refund.updated"]


_INVOICE_STATUS = {
    "open": ["invoice.finalized"],
    "paid": ["invoice.paid", "invoice.payment_succeeded"],
    "void": ["invoice.voided"],
    "uncollectible": ["invoice.marked_uncollectible"],
}


def _invoice_updated(before: Obj, after: Obj) -> list[str]:
    if before["status"] != after["status"] and after["status"] in _INVOICE_STATUS:
        return _INVOICE_STATUS[after["status"]]
    if after["attempt_count"] > before["attempt_count"]:
        return ["invoice.payment_failed"]
    return ["invoice.updated"]


def _subscription_updated(before: Obj, after: Obj) -> list[str]:
    if before["status"] == after["status"]:
        return ["customer.subscription.updated"]
    if after["status"] in ("canceled", "incomplete_expired"):
        return ["customer.subscription.deleted"]
    if after["status"] == "paused":
        return ["customer.subscription.updated", "customer.subscription.paused"]
    if before["status"] == "paused":
        return ["customer.subscription.updated", "customer.subscription.resumed"]
    return ["customer.subscription.updated"]


def _checkout_session_updated(before: Obj, after: Obj) -> list[str]:
    if before["status"] != after["status"] and after["status"] in ("complete", "expired"):
        return ["checkout.session.completed" if after["status"] == "complete" else "checkout.session.expired"]
    return []


def _test_clock_updated(before: Obj, after: Obj) -> list[str]:
    return [f"test_helpers.test_clock.{after['status']}"] if before["status"] != after["status"] else []


def _created(event: str) -> Callable[[Obj], list[str]]:
    return lambda _: [event]


def _updated(event: str) -> Callable[[Obj, Obj], list[str]]:
    return lambda _b, _a: [event]


# The table: kind -> (events when created, events when updated, events when deleted).
EVENTS: dict[str, tuple[Callable[[Obj], list[str]], Callable[[Obj, Obj], list[str]], list[str]]] = {
    "customer": (lambda _: ["customer.created"], lambda _b, _a: ["customer.updated"], ["customer.deleted"]),
    "payment_intent": (lambda _: ["payment_intent.created"], _payment_intent_updated, []),
    "setup_intent": (lambda _: ["setup_intent.created"], _setup_intent_updated, []),
    "charge": (lambda charge: [_CHARGE_STATUS[charge["status"]]], _charge_updated, []),
    "payment_method": (lambda _: [], _payment_method_updated, []),
    "refund": (lambda _: ["refund.created"], _refund_updated, []),
    "dispute": (lambda _: ["charge.dispute.created", "charge.dispute.funds_withdrawn"], lambda _b, _a: ["charge.dispute.updated"], []),
    "product": (_created("product.created"), _updated("product.updated"), ["product.deleted"]),
    "price": (_created("price.created"), _updated("price.updated"), ["price.deleted"]),
    "coupon": (_created("coupon.created"), _updated("coupon.updated"), ["coupon.deleted"]),
    "promotion_code": (_created("promotion_code.created"), _updated("promotion_code.updated"), []),
    "subscription": (_created("customer.subscription.created"), _subscription_updated, []),
    "invoice": (_created("invoice.created"), _invoice_updated, ["invoice.deleted"]),
    "invoiceitem": (_created("invoiceitem.created"), lambda _b, _a: [], ["invoiceitem.deleted"]),
    "invoice_payment": (lambda _: [], lambda b, a: ["invoice_payment.paid"] if a["status"] == "paid" != b["status"] else [], []),
    "checkout_session": (lambda _: [], _checkout_session_updated, []),
    "billing_portal_session": (_created("billing_portal.session.created"), lambda _b, _a: [], []),
    "test_clock": (_created("test_helpers.test_clock.created"), _test_clock_updated, ["test_helpers.test_clock.deleted"]),
}

EVENT_TYPES = (
    "charge.captured", "charge.dispute.created", "charge.dispute.funds_withdrawn", "charge.dispute.updated", "charge.failed", "charge.pending", "charge.refunded", "charge.succeeded",
    "charge.updated", "customer.created", "customer.deleted", "customer.updated",
    "payment_intent.amount_capturable_updated", "payment_intent.canceled", "payment_intent.created",
    "payment_intent.payment_failed", "payment_intent.processing", "payment_intent.requires_action",
    "payment_intent.succeeded", "payment_method.attached", "payment_method.detached",
    "payment_method.updated", "refund.created", "refund.failed", "refund.updated", "setup_intent.canceled",
    "setup_intent.created", "setup_intent.requires_action", "setup_intent.setup_failed", "setup_intent.succeeded",
    "billing_portal.session.created", "checkout.session.completed", "checkout.session.expired", "coupon.created",
    "coupon.deleted", "coupon.updated", "customer.subscription.created", "customer.subscription.deleted",
    "customer.subscription.paused", "customer.subscription.resumed", "customer.subscription.trial_will_end",
    "customer.subscription.updated", "invoice.created", "invoice.deleted", "invoice.finalized",
    "invoice.marked_uncollectible", "invoice.overdue", "invoice.paid", "invoice.payment_action_required", "invoice.payment_failed",
    "invoice.payment_succeeded", "invoice.sent", "invoice.upcoming", "invoice.updated", "invoice.voided",
    "invoice_payment.paid", "invoiceitem.created", "invoiceitem.deleted", "price.created", "price.deleted",
    "price.updated", "product.created", "product.deleted", "product.updated", "promotion_code.created",
    "promotion_code.updated", "test_helpers.test_clock.advancing", "test_helpers.test_clock.created",
    "test_helpers.test_clock.deleted", "test_helpers.test_clock.ready",
)


def events_for(kind: str, before: Obj | None, after: Obj | None) -> list[str]:
    if kind not in EVENTS:
        return []
    on_create, on_update, on_delete = EVENTS[kind]
    if before is None:
        return on_create(after or {})
    if after is None:
        return list(on_delete)
    return on_update(before, after)


def previous_attributes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The top-level fields that changed, with their old values; metadata key by key."""
    changed: dict[str, Any] = {}
    for key in sorted(after.keys() | before.keys()):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if key == "metadata" and isinstance(old, dict) and isinstance(new, dict):
            changed[key] = {k: old.get(k) for k in sorted(old.keys() | new.keys()) if old.get(k) != new.get(k)}
        else:
            changed[key] = old
    return changed


def event_object(
    event_id: str,
    event_type: str,
    created: int,
    obj: dict[str, Any],
    previous: dict[str, Any] | None,
    request_id: str | None,
    idempotency_key: str | None,
    api_version: str,
    pending_webhooks: int,
) -> dict[str, Any]:
    data: dict[str, Any] = {"object": obj}
    if previous is not None:
        data["previous_attributes"] = previous
    return {
        "id": event_id,
        "object": "event",
        "api_version": api_version,
        "created": created,
        "data": data,
        "livemode": False,
        "pending_webhooks": pending_webhooks,
        "request": {"id": request_id, "idempotency_key": idempotency_key},
        "type": event_type,
    }
