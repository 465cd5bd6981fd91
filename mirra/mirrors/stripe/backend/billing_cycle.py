"""What time does to subscriptions and invoices: each timer action, run at its due time.

    renew_subscription   period end: cancel (cancel_at_period_end / cancel_at), end a trial
                         (or pause / cancel without a payment method), else a new period and a
                         draft `subscription_cycle` invoice that finalizes an hour later
    cancel_at            a subscription's `cancel_at` time: canceled then
    trial_will_end       3 days before a trial ends: customer.subscription.trial_will_end
    invoice_upcoming     7 days before a renewal: invoice.upcoming with the preview
    finalize_invoice     draft -> open, then a payment attempt
    retry_invoice        the next Smart Retry; when they run out, the session's final action
    invoice_overdue      a send_invoice invoice unpaid at its due date: invoice.overdue, past_due
    end_collection       still unpaid after the grace period: the final action
    expire_incomplete    23 h after an unpaid first invoice: void it, incomplete_expired
"""

from __future__ import annotations

from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.stripe import periods
from mirra.mirrors.stripe.backend.invoice_shapes import FINALIZE_DELAY
from mirra.mirrors.stripe.backend.invoices import subscription_of
from mirra.mirrors.stripe.backend.subscription_items import items_list
from mirra.mirrors.stripe.backend.subscriptions import ENDED, Subscriptions
from mirra.mirrors.stripe.backend.timers import timer_action
from mirra.mirrors.stripe.errors import ParameterMissing
from mirra.mirrors.stripe.periods import DAY


class BillingCycle(Subscriptions):
    @timer_action("renew_subscription")
    def renew_subscription(self, subscription_id: str) -> None:
        before = self.require("subscription", subscription_id)
        if before["status"] in (*ENDED, "paused", "incomplete"):
            return
        if before["cancel_at_period_end"] or (before["cancel_at"] and before["cancel_at"] <= self.now()):
            self.end_subscription(before, "canceled", {**before["cancellation_details"], "reason": "cancellation_requested"})
            return
        if before["status"] == "trialing" and self._trial_ends_unpaid(before):
            return
        item = before["items"]["data"][0]
        recurring = item["price"]["recurring"]
        start = item["current_period_end"]
        end = periods.next_boundary(before["billing_cycle_anchor"], recurring["interval"], recurring["interval_count"], start)
        items = [{**entry, "current_period_start": start, "current_period_end": end} for entry in before["items"]["data"]]
        status = "active" if before["status"] == "trialing" else before["status"]
        subscription = {**before, "status": status, "items": items_list(subscription_id, items)}
        draft = self.draft_for(subscription, "subscription_cycle")
        unpaid = status == "unpaid"
        draft.update(auto_advance=not unpaid, automatically_finalizes_at=None if unpaid else self.now() + FINALIZE_DELAY)
        subscription["latest_invoice"] = draft["id"]
        self.save_items(items)
        self.replace("subscription", subscription, before, lookup=before["customer"])
        self.fill_invoice(draft, subscription)
        if not unpaid:
            self.schedule_timer("finalize_invoice", draft["id"], self.now() + FINALIZE_DELAY, before["test_clock"])
        self.schedule_renewal(self.require("subscription", subscription_id))

    def end_trial(self, subscription_id: str) -> None:
        """`trial_end=now`: the trial's end happens at once, with the renewal it brings, billed now."""
        self.emit("customer.subscription.trial_will_end", self.require("subscription", subscription_id))
        self.renew_subscription(subscription_id)
        invoice = self.require("subscription", subscription_id)["latest_invoice"]
        if invoice and self.require("invoice", invoice)["status"] == "draft":
            self.cancel_timers(invoice, "finalize_invoice")
            self.collect_now(invoice)

    @timer_action("cancel_at")
    def cancel_at(self, subscription_id: str) -> None:
        before = self.require("subscription", subscription_id)
        if before["status"] not in ENDED and before["cancel_at"] and before["cancel_at"] <= self.now():
            self.end_subscription(before, "canceled", {**before["cancellation_details"], "reason": "cancellation_requested"})

    @timer_action("trial_will_end")
    def notify_trial_will_end(self, subscription_id: str) -> None:
        subscription = self.require("subscription", subscription_id)
        if subscription["status"] == "trialing":
            self.emit("customer.subscription.trial_will_end", subscription)

    @timer_action("invoice_upcoming")
    def notify_upcoming_invoice(self, subscription_id: str) -> None:
        subscription = self.require("subscription", subscription_id)
        if subscription["status"] in ("active", "past_due") and not subscription["cancel_at_period_end"]:
            self.emit("invoice.upcoming", self.create_preview({"subscription": subscription_id}))

    @timer_action("finalize_invoice")
    def auto_finalize(self, invoice_id: str) -> None:
        invoice = self.documents.get("invoice", invoice_id)
        if invoice is not None and invoice["status"] == "draft" and invoice["auto_advance"]:
            self.collect_now(invoice_id)

    @timer_action("retry_invoice")
    def retry_payment(self, invoice_id: str) -> None:
        if self.require("invoice", invoice_id)["status"] == "open":
            self.attempt_payment(invoice_id)

    @timer_action("invoice_overdue")
    def invoice_overdue(self, invoice_id: str) -> None:
        invoice = self.require("invoice", invoice_id)
        if invoice["status"] != "open":
            return
        self.emit("invoice.overdue", invoice)
        subscription = self.documents.get("subscription", subscription_of(invoice) or "")
        if subscription is not None and subscription["status"] in ("active", "trialing"):
            self.replace("subscription", {**subscription, "status": "past_due"}, subscription, lookup=subscription["customer"])
        grace = round(sum(self.dunning()["subscriptionRetryDays"]) * DAY)
        self.schedule_timer("end_collection", invoice_id, self.now() + grace, invoice["test_clock"])

    @timer_action("end_collection")
    def end_collection(self, invoice_id: str) -> None:
        invoice = self.require("invoice", invoice_id)
        subscription = self.documents.get("subscription", subscription_of(invoice) or "")
        if invoice["status"] == "open" and subscription is not None:
            self._final_action(subscription)

    @timer_action("expire_incomplete")
    def expire_incomplete(self, subscription_id: str) -> None:
        before = self.require("subscription", subscription_id)
        if before["status"] != "incomplete":
            return
        invoice = self.documents.get("invoice", before["latest_invoice"] or "")
        if invoice is not None and invoice["status"] == "open":
            self.void_invoice(invoice["id"])
        self.end_subscription(self.require("subscription", subscription_id), "incomplete_expired",
                              before["cancellation_details"])

    def on_invoice_paid(self, invoice: Document) -> None:
        subscription = self.documents.get("subscription", subscription_of(invoice) or "")
        if subscription is None or subscription["status"] not in ("incomplete", "past_due", "unpaid"):
            return
        self.replace("subscription", {**subscription, "status": "active"}, subscription, lookup=subscription["customer"])
        if self.has_timer(subscription["id"], "expire_incomplete"):
            self.cancel_timers(subscription["id"], "expire_incomplete")
            self.schedule_renewal(self.require("subscription", subscription["id"]))

    def on_payment_failed(self, invoice: Document) -> None:
        subscription = self.documents.get("subscription", subscription_of(invoice) or "")
        if subscription is None or subscription["status"] in (*ENDED, "incomplete"):
            return
        if self.retries_exhausted(invoice):
            self._final_action(subscription)
        elif subscription["status"] in ("active", "trialing"):
            self.replace("subscription", {**subscription, "status": "past_due"}, subscription, lookup=subscription["customer"])

    def fail_subscription_payment(self, subscription_id: str) -> Document:
        """The bank declines the subscription's next payment now (mirra's `invoice.payment_failed`)."""
        subscription = self.require("subscription", subscription_id)
        self.enter_clock(subscription)
        invoice = self.documents.get("invoice", subscription["latest_invoice"] or "")
        if invoice is None or invoice["status"] != "open":
            draft = self.draft_for(subscription, "subscription_cycle")
            self.replace("subscription", {**subscription, "latest_invoice": draft["id"]}, subscription,
                         lookup=subscription["customer"])
            self.fill_invoice(draft, subscription)
            invoice = self.finalize_invoice(draft["id"], {})
        return self.attempt_payment(invoice["id"], decline=True)

    def _final_action(self, subscription: Document) -> None:
        """Retries ran out: the session's `subscriptionFinalAction` (Stripe's account setting)."""
        action = self.dunning()["subscriptionFinalAction"]
        if action == "cancel":
            self.end_subscription(subscription, "canceled", {**subscription["cancellation_details"], "reason": "payment_failed"})
        elif action == "mark_unpaid" and subscription["status"] != "unpaid":
            self.replace("subscription", {**subscription, "status": "unpaid"}, subscription, lookup=subscription["customer"])

    def _trial_ends_unpaid(self, subscription: Document) -> bool:
        """A trial ending without a payment method pauses or cancels, if the subscription says so."""
        behavior = subscription["trial_settings"]["end_behavior"]["missing_payment_method"]
        customer = self.require("customer", subscription["customer"])
        if behavior == "create_invoice" or self._subscription_method(customer, subscription["default_payment_method"]):
            return False
        if behavior == "cancel":
            self.end_subscription(subscription, "canceled", {**subscription["cancellation_details"], "reason": "cancellation_requested"})
        else:
            self.cancel_timers(subscription["id"])
            self.replace("subscription", {**subscription, "status": "paused"}, subscription, lookup=subscription["customer"])
        return True

    def create_preview(self, params: dict[str, Any]) -> Document:
        """The next invoice, computed without saving anything (create_preview and invoice.upcoming)."""
        subscription = self.require("subscription", params["subscription"], param="subscription") if params.get("subscription") else None
        customer_id = params.get("customer") or (subscription or {}).get("customer")
        if not customer_id:
            raise ParameterMissing("customer")
        customer = self.require("customer", customer_id, param="customer")
        self.enter_clock(customer)
        lines: list[Document] = []
        invoice = self.new_invoice(customer, "upcoming", collection=(subscription or {}).get("collection_method", "charge_automatically"),
                                   subscription=subscription, auto_advance=True, currency=params.get("currency"))
        invoice["id"] = "upcoming_" + invoice["id"]
        if subscription is not None:
            lines += self._preview_subscription_lines(subscription, invoice, params.get("subscription_details") or {})
            invoice["discounts"] = list(subscription["discounts"])
        for item in self.documents.page("invoiceitem", limit=1000, where=[])[0]:
            if item["customer"] == customer_id and item["invoice"] is None:
                lines.append(self.line(invoice["id"], item["amount"], item["currency"], item["description"] or "",
                                       period=(item["period"]["start"], item["period"]["end"]), quantity=item["quantity"],
                                       parent={"invoice_item_details": {"invoice_item": item["id"], "proration": item["proration"],
                                               "proration_details": {"credited_items": None}, "subscription": None},
                                               "subscription_item_details": None, "type": "invoice_item_details"}))
        return self.totalled(invoice, lines)

    def _preview_subscription_lines(self, subscription: Document, invoice: Document, details: dict[str, Any]) -> list[Document]:
        at = details.get("proration_date") or self.now()
        current = {item["id"]: item for item in subscription["items"]["data"]}
        lines = []
        for entry in details.get("items") or []:
            old = current.get(entry.get("id", ""))
            new = None
            if not entry.get("deleted"):
                price = self.item_price(entry, "subscription_details[items][0]") if entry.get("price") else (old or {}).get("price")
                template = old or subscription["items"]["data"][0]
                new = {**template, "price": price, "quantity": entry.get("quantity", (old or {}).get("quantity", 1))}
            for amount, description, item in self.proration_lines(old, new, at):
                lines.append(self.line(invoice["id"], amount, item["price"]["currency"], description,
                                       period=(at, item["current_period_end"]), quantity=item["quantity"], price=item["price"],
                                       parent={"invoice_item_details": None, "subscription_item_details": {
                                           "invoice_item": None, "proration": True, "proration_details": {"credited_items": None},
                                           "subscription": subscription["id"], "subscription_item": item["id"]},
                                           "type": "subscription_item_details"}))
            if old is not None:
                del current[old["id"]]
            if new is not None:
                current[new["id"]] = new
        recurring = subscription["items"]["data"][0]
        start = recurring["current_period_end"]
        interval = recurring["price"]["recurring"]
        end = periods.next_boundary(subscription["billing_cycle_anchor"], interval["interval"], interval["interval_count"], start)
        upcoming = {**subscription, "items": {"data": [{**i, "current_period_start": start, "current_period_end": end}
                                                       for i in current.values()]}}
        return lines + self.subscription_lines(upcoming, invoice["id"])
