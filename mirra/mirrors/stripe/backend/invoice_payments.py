"""Collecting invoices: finalize, pay through a PaymentIntent, void, mark uncollectible, send.

Each payment attempt is a PaymentIntent (with its charge and events, from the payments backend)
linked to the invoice by an `invoice_payment`. A PaymentIntent the customer confirms later (an
incomplete subscription's first invoice) settles its invoice too: `replace` watches for it.
`on_invoice_paid` / `on_payment_failed` are where subscriptions react (BillingCycle overrides them).
"""

from __future__ import annotations

from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.stripe import models
from mirra.mirrors.stripe.backend.invoices import Invoices, subscription_of
from mirra.mirrors.stripe.backend.payment_intents import PaymentIntents
from mirra.mirrors.stripe.errors import CardError, InvalidRequest
from mirra.mirrors.stripe.periods import DAY

DUNNING_DEFAULTS: dict[str, Any] = {
    "subscriptionRetryDays": [3, 5, 7],  # days after each failed automatic payment before the next attempt
    "subscriptionFinalAction": "cancel",  # when retries run out: cancel | mark_unpaid | leave_past_due
}
_OPEN_INTENT = ("requires_payment_method", "requires_confirmation", "requires_action")


class InvoicePayments(Invoices, PaymentIntents):
    attempting = False  # True while the invoice code itself confirms an invoice's PaymentIntent

    def finalize_invoice(self, invoice_id: str, params: dict[str, Any]) -> Document:
        before = self.require("invoice", invoice_id)
        self.enter_clock(before)
        if before["status"] != "draft":
            raise InvalidRequest("This invoice is already finalized, you can't re-finalize a non-draft invoice.")
        invoice = self.finalized(before, params.get("auto_advance", before["auto_advance"]))
        self.replace("invoice", invoice, before, lookup=invoice["customer"])
        self.cancel_timers(invoice_id, "finalize_invoice")
        if invoice["amount_due"] == 0:
            return self.settle(invoice, None)
        if invoice["collection_method"] == "send_invoice" and invoice["due_date"]:
            self.schedule_timer("invoice_overdue", invoice_id, invoice["due_date"], invoice["test_clock"])
        return invoice

    def pay_invoice(self, invoice_id: str, params: dict[str, Any]) -> Document:
        invoice = self.require("invoice", invoice_id)
        self.enter_clock(invoice)
        if invoice["status"] == "draft":
            invoice = self.finalize_invoice(invoice_id, {})
        if invoice["status"] == "paid":
            raise InvalidRequest("Invoice is already paid")
        if invoice["status"] == "void":
            raise InvalidRequest("This invoice has been voided and can no longer be paid.")
        if params.get("paid_out_of_band"):
            return self.settle(invoice, None)
        method = params.get("payment_method")
        if method:
            method = self.resolve_payment_method(method, "payment_method")["id"]
        return self.attempt_payment(invoice_id, method, off_session=params.get("off_session", True), raise_decline=True,
                                    keep_failure=True)

    def void_invoice(self, invoice_id: str) -> Document:
        before = self.require("invoice", invoice_id)
        self.enter_clock(before)
        if before["status"] not in ("open", "uncollectible"):
            raise InvalidRequest(f"You can only void open or uncollectible invoices. This invoice is {before['status']}.")
        self.cancel_timers(invoice_id)
        for payment in self._payments(invoice_id):
            intent = self.require("payment_intent", payment["payment"]["payment_intent"])
            if intent["status"] in _OPEN_INTENT:
                self.cancel_payment_intent(intent["id"], {})
                self.replace("invoice_payment", {**payment, "status": "canceled", "status_transitions": {
                    **payment["status_transitions"], "canceled_at": self.now()}}, payment, lookup=intent["id"])
        invoice = {**before, "status": "void", "next_payment_attempt": None, "amount_remaining": 0,
                   "status_transitions": {**before["status_transitions"], "voided_at": self.now()}}
        return self.replace("invoice", invoice, before, lookup=invoice["customer"])

    def mark_uncollectible(self, invoice_id: str) -> Document:
        before = self.require("invoice", invoice_id)
        self.enter_clock(before)
        if before["status"] != "open":
            raise InvalidRequest(f"You can only mark open invoices as uncollectible. This invoice is {before['status']}.")
        self.cancel_timers(invoice_id)
        invoice = {**before, "status": "uncollectible", "next_payment_attempt": None,
                   "status_transitions": {**before["status_transitions"], "marked_uncollectible_at": self.now()}}
        return self.replace("invoice", invoice, before, lookup=invoice["customer"])

    def send_invoice(self, invoice_id: str) -> Document:
        before = self.require("invoice", invoice_id)
        self.enter_clock(before)
        if before["collection_method"] != "send_invoice":
            raise InvalidRequest("You can only manually send an invoice if its collection method is 'send_invoice'.")
        invoice = self.finalize_invoice(invoice_id, {}) if before["status"] == "draft" else before
        if invoice["status"] not in ("open", "paid"):
            raise InvalidRequest(f"You can't send an invoice with a status of {invoice['status']}.")
        self.emit("invoice.sent", invoice)
        return invoice

    def attempt_payment(self, invoice_id: str, method: str | None = None, *, off_session: bool = True,
                        raise_decline: bool = False, keep_failure: bool = False, decline: bool = False) -> Document:
        """One attempt to collect the invoice's `amount_remaining` (`decline`: the bank refuses it).

        `raise_decline`: a decline is the request's 402; `keep_failure`: the failed attempt is still
        recorded (paying an invoice), or else nothing of the request stays (error_if_incomplete).
        """
        invoice = self.require("invoice", invoice_id)
        method = method or self.invoice_payment_method(invoice)
        if method is None:
            return self.record_failure(invoice)
        intent = self.invoice_intent(invoice, method)
        self.attempting = True
        try:
            if decline:
                self.fail_payment_intent(intent["id"])
            else:
                self.confirm_payment_intent(intent["id"], {"payment_method": method, "off_session": off_session})
        except CardError as error:
            self.attempting = False
            if error.code == "authentication_required":
                self.emit("invoice.payment_action_required", self.require("invoice", invoice_id))
            failed = self.record_failure(self.require("invoice", invoice_id))
            if raise_decline:
                error.keeps_changes = keep_failure
                raise
            return failed
        finally:
            self.attempting = False
        intent = self.require("payment_intent", intent["id"])
        if intent["status"] == "succeeded":
            return self.settle(self.require("invoice", invoice_id), intent)
        if intent["status"] == "requires_action":  # 3-D Secure: the customer has to confirm on session
            self.emit("invoice.payment_action_required", self.require("invoice", invoice_id))
        return self.record_failure(self.require("invoice", invoice_id))

    def invoice_intent(self, invoice: Document, method: str | None) -> Document:
        """The invoice's PaymentIntent still awaiting payment, or a new one (with its invoice_payment)."""
        for payment in self._payments(invoice["id"]):
            intent = self.require("payment_intent", payment["payment"]["payment_intent"])
            if intent["status"] in _OPEN_INTENT:
                return intent
        params: dict[str, Any] = {"amount": invoice["amount_remaining"], "currency": invoice["currency"],
                                  "customer": invoice["customer"], "allowed_payment_method_types": ["card"],
                                  "description": _description(invoice)}
        if method:
            params["payment_method"] = method
        intent = self.create_payment_intent(params)
        payment = {
            "id": self.new_id("invoice_payment"),
            "object": "invoice_payment",
            "amount_paid": None,
            "amount_requested": invoice["amount_remaining"],
            "created": self.now(),
            "currency": invoice["currency"],
            "invoice": invoice["id"],
            "is_default": True,
            "livemode": False,
            "payment": {"payment_intent": intent["id"], "type": "payment_intent"},
            "status": "open",
            "status_transitions": {"canceled_at": None, "paid_at": None},
        }
        self.insert("invoice_payment", payment, parent=invoice["id"], lookup=intent["id"])
        return intent

    def invoice_payment_method(self, invoice: Document) -> str | None:
        """Stripe's order: the invoice's, the subscription's, then the customer's default method."""
        subscription = self.documents.get("subscription", subscription_of(invoice) or "")
        customer = self.require("customer", invoice["customer"])
        return (invoice["default_payment_method"] or (subscription or {}).get("default_payment_method")
                or customer["invoice_settings"]["default_payment_method"] or customer["default_source"])

    def settle(self, before: Document, intent: Document | None) -> Document:
        """The invoice is paid (by `intent`, or nothing was due, or out of band)."""
        self.cancel_timers(before["id"])
        now = self.now()
        paid = intent["amount_received"] if intent else 0
        invoice = {**before, "status": "paid", "amount_paid": before["amount_paid"] + paid, "amount_remaining": 0,
                   "attempted": before["attempted"] or intent is not None,
                   "attempt_count": before["attempt_count"] + (1 if intent else 0), "next_payment_attempt": None,
                   "status_transitions": {**before["status_transitions"], "paid_at": now}}
        self.replace("invoice", invoice, before, lookup=invoice["customer"])
        if intent is not None:
            payment = self._payments(before["id"], intent["id"])[0]
            self.replace("invoice_payment", {**payment, "status": "paid", "amount_paid": paid,
                                             "status_transitions": {**payment["status_transitions"], "paid_at": now}},
                         payment, lookup=intent["id"])
        self.on_invoice_paid(invoice)
        return invoice

    def record_failure(self, before: Document) -> Document:
        invoice = {**before, "attempted": True, "attempt_count": before["attempt_count"] + 1}
        invoice["next_payment_attempt"] = self._schedule_retry(invoice)
        self.replace("invoice", invoice, before, lookup=invoice["customer"])
        self.on_payment_failed(invoice)
        return invoice

    def retries_exhausted(self, invoice: Document) -> bool:
        return bool(invoice["auto_advance"]) and invoice["attempt_count"] > len(self.dunning()["subscriptionRetryDays"])

    def dunning(self) -> dict[str, Any]:
        return self.session.settings.get("stripe", DUNNING_DEFAULTS)

    def on_invoice_paid(self, invoice: Document) -> None:
        """What else changes when an invoice is paid (subscriptions override this)."""

    def on_payment_failed(self, invoice: Document) -> None:
        """What else changes when a payment fails (subscriptions override this)."""

    def _schedule_retry(self, invoice: Document) -> int | None:
        """Smart Retries as the session's settings set them: days after each failed automatic attempt."""
        self.cancel_timers(invoice["id"], "retry_invoice")
        automatic = invoice["collection_method"] == "charge_automatically" and invoice["auto_advance"]
        if not automatic or invoice["billing_reason"] == "subscription_create" or self.retries_exhausted(invoice):
            return None
        due = self.now() + round(self.dunning()["subscriptionRetryDays"][invoice["attempt_count"] - 1] * DAY)
        self.schedule_timer("retry_invoice", invoice["id"], due, invoice["test_clock"])
        return due

    def replace(self, kind: str, obj: Document, before: Document, *, lookup: str | None = None) -> Document:
        result = super().replace(kind, obj, before, lookup=lookup)
        if kind == "payment_intent" and not self.attempting and obj["status"] == "succeeded" != before["status"]:
            payments = self.documents.page("invoice_payment", limit=1, where=[models.objects.c.lookup == obj["id"]])[0]
            invoice = self.documents.get("invoice", payments[0]["invoice"]) if payments else None
            if invoice is not None and invoice["status"] in ("open", "uncollectible"):
                self.settle(invoice, obj)
        return result

    def invoice_includes(self, invoice: Document, names: list[str]) -> dict[str, Any]:
        """The fields an invoice shows only when expanded: `payments`, `confirmation_secret`."""
        found: dict[str, Any] = {}
        payments = self._payments(invoice["id"])
        if "payments" in names:
            found["payments"] = {"object": "list", "data": payments, "has_more": False,
                                 "url": f"/v1/invoice_payments?invoice={invoice['id']}"}
        if "confirmation_secret" in names:
            intents = [self.require("payment_intent", p["payment"]["payment_intent"]) for p in payments]
            waiting = next((intent for intent in intents if intent["status"] in _OPEN_INTENT), None)
            found["confirmation_secret"] = waiting and {"client_secret": waiting["client_secret"], "type": "payment_intent"}
        return found

    def list_invoice_payments(self, params: dict[str, Any]) -> tuple[list[Document], bool]:
        where = [models.objects.c.parent == params["invoice"]] if "invoice" in params else []
        return self.list_page("invoice_payment", params, where,
                              lambda payment: params.get("status", payment["status"]) == payment["status"])

    def retrieve_invoice_payment(self, payment_id: str) -> Document:
        return self.require("invoice_payment", payment_id)

    def _payments(self, invoice_id: str, intent_id: str | None = None) -> list[Document]:
        payments = self.documents.page("invoice_payment", limit=100, where=[models.objects.c.parent == invoice_id])[0]
        return [p for p in payments if intent_id is None or p["payment"]["payment_intent"] == intent_id]


def _description(invoice: Document) -> str:
    reasons = {"subscription_create": "Subscription creation", "subscription_cycle": "Subscription update",
               "subscription_update": "Subscription update"}
    return reasons.get(invoice["billing_reason"], f"Invoice {invoice['number']}")
