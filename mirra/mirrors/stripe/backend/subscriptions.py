"""Subscriptions and their items (stripe.md §6.5); the time-driven steps are in `billing_cycle`.

Period bounds live on the items (`current_period_start/end`), as in the pinned API version.
Items are kept both as `subscription_item` documents and embedded in `subscription.items`.
"""

from __future__ import annotations

from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.stripe import models, periods
from mirra.mirrors.stripe.backend.base import merge_metadata
from mirra.mirrors.stripe.backend.customers import Customers
from mirra.mirrors.stripe.backend.invoice_payments import InvoicePayments
from mirra.mirrors.stripe.backend.invoice_shapes import FINALIZE_DELAY
from mirra.mirrors.stripe.backend.subscription_items import (
    SubscriptionItems,
    check_prices,
    items_list,
)
from mirra.mirrors.stripe.errors import (
    InvalidRequest,
    NoPaymentSource,
    ParameterMissing,
)
from mirra.mirrors.stripe.periods import DAY

INCOMPLETE_EXPIRY = 23 * 3600
TRIAL_WILL_END_NOTICE = 3 * DAY
ENDED = ("canceled", "incomplete_expired")


class Subscriptions(InvoicePayments, SubscriptionItems, Customers):
    def create_subscription(self, params: dict[str, Any]) -> Document:
        customer = self.require("customer", params["customer"], param="customer")
        self.enter_clock(customer)
        behavior = params.get("payment_behavior", "allow_incomplete")
        if behavior == "pending_if_incomplete":
            raise InvalidRequest("You can only pass `payment_behavior=pending_if_incomplete` when updating a "
                                 "subscription.", param="payment_behavior")
        collection = params.get("collection_method", "charge_automatically")
        if collection == "send_invoice" and params.get("days_until_due") is None:
            raise ParameterMissing("days_until_due")
        prices = [self.item_price(entry, f"items[{index}]") for index, entry in enumerate(params["items"])]
        check_prices(prices)
        method = self._subscription_method(customer, params.get("default_payment_method"))
        now = self.now()
        trial_end = self._trial_end(params, prices, now)
        anchor = params.get("billing_cycle_anchor") or trial_end or now
        interval, count = prices[0]["recurring"]["interval"], prices[0]["recurring"]["interval_count"]
        period_end = trial_end or (anchor if anchor > now else periods.shift(anchor, interval, count))
        charges_now = trial_end is None and collection == "charge_automatically"
        if charges_now and method is None and behavior != "default_incomplete":
            raise NoPaymentSource()
        subscription_id = self.new_id("subscription")
        items = [self.new_item(subscription_id, price, entry, (now, period_end))
                 for price, entry in zip(prices, params["items"], strict=True)]
        subscription = {
            "id": subscription_id,
            "object": "subscription",
            "application": None,
            "application_fee_percent": params.get("application_fee_percent"),
            "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None},
            "billing_cycle_anchor": anchor,
            "billing_cycle_anchor_config": None,
            "billing_mode": {"flexible": None, "type": "classic"},
            "billing_thresholds": None,
            "cancel_at": params.get("cancel_at"),
            "cancel_at_period_end": params.get("cancel_at_period_end", False),
            "canceled_at": None,
            "cancellation_details": {"comment": None, "feedback": None, "reason": None},
            "collection_method": collection,
            "created": now,
            "currency": prices[0]["currency"],
            "customer": customer["id"],
            "customer_account": None,
            "days_until_due": params.get("days_until_due") if collection == "send_invoice" else None,
            "default_payment_method": params.get("default_payment_method"),
            "default_source": None,
            "default_tax_rates": [],
            "description": params.get("description"),
            "discounts": [],
            "ended_at": None,
            "invoice_settings": {"account_tax_ids": None, "issuer": {"type": "self"}},
            "items": items_list(subscription_id, items),
            "latest_invoice": None,
            "livemode": False,
            "metadata": merge_metadata({}, params.get("metadata") or {}),
            "next_pending_invoice_item_invoice": None,
            "on_behalf_of": None,
            "pause_collection": None,
            "payment_settings": {"payment_method_options": None, "payment_method_types": None,
                                 "save_default_payment_method": "off"},
            "pending_invoice_item_interval": None,
            "pending_setup_intent": None,
            "pending_update": None,
            "schedule": None,
            "start_date": now,
            "status": "trialing" if trial_end else "active" if collection == "send_invoice" else "incomplete",
            "test_clock": customer["test_clock"],
            "transfer_data": None,
            "trial_end": trial_end,
            "trial_settings": {"end_behavior": {"missing_payment_method": ((params.get("trial_settings") or {})
                               .get("end_behavior") or {}).get("missing_payment_method", "create_invoice")}},
            "trial_start": now if trial_end else None,
        }
        subscription["discounts"] = self.new_discounts(params.get("discounts"), customer["id"], subscription=subscription_id)
        for entry in params.get("add_invoice_items") or []:
            self._add_invoice_item(subscription, entry)
        draft = self.draft_for(subscription, "subscription_create")
        subscription["latest_invoice"] = draft["id"]
        self.insert("subscription", subscription, lookup=customer["id"])
        for item in items:
            self.documents.insert("subscription_item", item, parent=subscription_id)
        self.fill_invoice(draft, subscription, trial=trial_end is not None)
        self._collect_first_invoice(subscription, draft["id"], behavior, method)
        if subscription["cancel_at"]:
            self.schedule_timer("cancel_at", subscription_id, subscription["cancel_at"], subscription["test_clock"])
        return self.require("subscription", subscription_id)

    def retrieve_subscription(self, subscription_id: str) -> Document:
        return self.require("subscription", subscription_id)

    def update_subscription(self, subscription_id: str, params: dict[str, Any]) -> Document:
        before = self.require("subscription", subscription_id)
        self.enter_clock(before)
        _check_updatable(before, params)
        subscription = self._with_fields(before, params)
        new_cycle = "items" in params and self.change_items(subscription, params)
        if params.get("trial_end") is not None and before["status"] == "trialing":
            subscription = self._with_trial_end(subscription, params["trial_end"])
        self.replace("subscription", subscription, before, lookup=subscription["customer"])
        if "cancel_at" in params:
            self.cancel_timers(subscription_id, "cancel_at")
            if params["cancel_at"]:
                self.schedule_timer("cancel_at", subscription_id, params["cancel_at"], subscription["test_clock"])
        if subscription["trial_end"] != before["trial_end"]:
            self.cancel_timers(subscription_id, "renew_subscription", "trial_will_end", "invoice_upcoming")
            if subscription["trial_end"] <= self.now():
                self.end_trial(subscription_id)
            else:
                self.schedule_renewal(self.require("subscription", subscription_id))
        if new_cycle or (params.get("proration_behavior") == "always_invoice" and "items" in params):
            self._invoice_changes(subscription_id, params.get("payment_behavior", "allow_incomplete"), items=new_cycle)
        if new_cycle:
            self.cancel_timers(subscription_id, "renew_subscription", "invoice_upcoming")
            self.schedule_renewal(self.require("subscription", subscription_id))
        return self.require("subscription", subscription_id)

    def _with_fields(self, before: Document, params: dict[str, Any]) -> Document:
        """The plain field changes of an update (no items, no trial)."""
        subscription = dict(before)
        for name in ("collection_method", "days_until_due", "description", "cancel_at", "pause_collection"):
            if name in params:
                subscription[name] = params[name]
        if "default_payment_method" in params:
            if params["default_payment_method"]:
                self._subscription_method(self.require("customer", before["customer"]), params["default_payment_method"])
            subscription["default_payment_method"] = params["default_payment_method"]
        if "metadata" in params:
            subscription["metadata"] = merge_metadata(before["metadata"], params["metadata"])
        if "cancellation_details" in params:
            subscription["cancellation_details"] = {**before["cancellation_details"], **(params["cancellation_details"] or {})}
        if "cancel_at_period_end" in params:
            ending = params["cancel_at_period_end"]
            subscription.update(cancel_at_period_end=ending, canceled_at=self.now() if ending else None,
                                cancellation_details={**subscription["cancellation_details"],
                                                      "reason": "cancellation_requested" if ending else None})
        if "discounts" in params:
            subscription["discounts"] = self.new_discounts(params["discounts"] or [], before["customer"],
                                                           subscription=before["id"])
        return subscription

    def _with_trial_end(self, subscription: Document, trial_end: int | str) -> Document:
        """Move (or end, with `now`) a running trial: the first period ends with it."""
        end = self.now() if trial_end == "now" else int(trial_end)
        if trial_end != "now" and end <= self.now():
            raise InvalidRequest("Invalid timestamp: must be an integer Unix timestamp in the future.", param="trial_end")
        items = [{**item, "current_period_end": end} for item in subscription["items"]["data"]]
        self.save_items(items)
        return {**subscription, "trial_end": end, "billing_cycle_anchor": end, "items": items_list(subscription["id"], items)}

    def cancel_subscription(self, subscription_id: str, params: dict[str, Any]) -> Document:
        before = self.require("subscription", subscription_id)
        if before["status"] in ENDED:
            raise InvalidRequest("A canceled subscription can only update its cancellation_details and metadata.")
        self.enter_clock(before)
        details = {**before["cancellation_details"], **(params.get("cancellation_details") or {}), "reason": "cancellation_requested"}
        self.end_subscription(before, "canceled", details)
        if params.get("invoice_now"):
            self._invoice_changes(subscription_id, "allow_incomplete")
        return self.require("subscription", subscription_id)

    def delete_customer(self, customer_id: str) -> Document:
        """Deleting a customer cancels its subscriptions at once, as Stripe does."""
        for subscription in self.documents.page("subscription", limit=1000, where=[models.objects.c.lookup == customer_id])[0]:
            if subscription["status"] not in ENDED:
                self.end_subscription(subscription, "canceled",
                                      {**subscription["cancellation_details"], "reason": "cancellation_requested"})
        return super().delete_customer(customer_id)

    def end_subscription(self, before: Document, status: str, details: dict[str, Any]) -> Document:
        now = self.now()
        self.cancel_timers(before["id"])
        subscription = {**before, "status": status, "ended_at": now, "canceled_at": before["canceled_at"] or now,
                        "cancellation_details": details}
        return self.replace("subscription", subscription, before, lookup=subscription["customer"])

    def pause_subscription(self, subscription_id: str) -> Document:
        before = self.require("subscription", subscription_id)
        if before["status"] not in ("active", "trialing", "past_due", "unpaid"):
            raise InvalidRequest(f"You cannot pause a subscription with a status of `{before['status']}`.")
        self.cancel_timers(subscription_id)
        return self.replace("subscription", {**before, "status": "paused"}, before, lookup=before["customer"])

    def resume_subscription(self, subscription_id: str, params: dict[str, Any]) -> Document:
        before = self.require("subscription", subscription_id)
        if before["status"] != "paused":
            raise InvalidRequest("You can only resume subscriptions with a `status` of `paused`. This subscription "
                                 f"has a `status` of `{before['status']}`.")
        self.enter_clock(before)
        now = self.now()
        items = self._periods_from(before, now)
        subscription = {**before, "status": "active", "billing_cycle_anchor": now, "items": items_list(subscription_id, items)}
        draft = self.draft_for(subscription, "subscription_update")
        subscription["latest_invoice"] = draft["id"]
        self.save_items(items)
        self.replace("subscription", subscription, before, lookup=before["customer"])
        self.fill_invoice(draft, subscription)
        self.collect_now(draft["id"])
        self.schedule_renewal(self.require("subscription", subscription_id))
        return self.require("subscription", subscription_id)

    def list_subscriptions(self, params: dict[str, Any]) -> tuple[list[Document], bool]:
        where = [models.objects.c.lookup == params["customer"]] if "customer" in params else []
        status = params.get("status")

        def matches(subscription: Document) -> bool:
            if status == "ended" and subscription["status"] not in ENDED:
                return False
            if status not in (None, "ended", "all") and subscription["status"] != status:
                return False
            if status is None and subscription["status"] == "canceled":
                return False
            return "price" not in params or any(i["price"]["id"] == params["price"] for i in subscription["items"]["data"])

        return self.list_page("subscription", params, where, matches)

    def list_subscription_items(self, params: dict[str, Any]) -> tuple[list[Document], bool]:
        self.require("subscription", params["subscription"], param="subscription")
        page, more = self.list_page("subscription_item", params, [models.objects.c.parent == params["subscription"]])
        return page, more

    def retrieve_subscription_item(self, item_id: str) -> Document:
        return self.require("subscription_item", item_id)

    def create_subscription_item(self, params: dict[str, Any]) -> Document:
        update = {"items": [{k: v for k, v in params.items() if k in ("price", "quantity", "metadata")}]}
        update.update({k: params[k] for k in ("proration_behavior", "proration_date", "payment_behavior") if k in params})
        subscription = self.update_subscription(params["subscription"], update)
        return subscription["items"]["data"][-1]  # type: ignore[no-any-return]

    def update_subscription_item(self, item_id: str, params: dict[str, Any]) -> Document:
        item = self.require("subscription_item", item_id)
        entry = {"id": item_id, **{k: v for k, v in params.items() if k in ("price", "quantity", "metadata")}}
        update: dict[str, Any] = {"items": [entry]}
        update.update({k: params[k] for k in ("proration_behavior", "proration_date", "payment_behavior") if k in params})
        self.update_subscription(item["subscription"], update)
        return self.require("subscription_item", item_id)

    def delete_subscription_item(self, item_id: str, params: dict[str, Any]) -> Document:
        item = self.require("subscription_item", item_id)
        update: dict[str, Any] = {"items": [{"id": item_id, "deleted": True}]}
        update.update({k: params[k] for k in ("proration_behavior", "proration_date") if k in params})
        self.update_subscription(item["subscription"], update)
        return {"id": item_id, "object": "subscription_item", "deleted": True}

    def schedule_renewal(self, subscription: Document) -> None:
        """The subscription's next boundary: a renewal, and its notices (trial end, upcoming invoice)."""
        end = subscription["items"]["data"][0]["current_period_end"]
        clock = subscription["test_clock"]
        self.schedule_timer("renew_subscription", subscription["id"], end, clock)
        if subscription["status"] == "trialing":
            self.schedule_timer("trial_will_end", subscription["id"], max(self.now(), end - TRIAL_WILL_END_NOTICE), clock)
        elif end - 7 * DAY > self.now() and not subscription["cancel_at_period_end"]:
            self.schedule_timer("invoice_upcoming", subscription["id"], end - 7 * DAY, clock)

    def draft_for(self, subscription: Document, reason: str) -> Document:
        """An unsaved draft for the subscription's current period, so the subscription can name it first."""
        customer = self.require("customer", subscription["customer"])
        first = subscription["items"]["data"][0]
        invoice = self.new_invoice(customer, reason, collection=subscription["collection_method"], subscription=subscription,
                                   auto_advance=True, days_until_due=subscription["days_until_due"],
                                   currency=subscription["currency"],
                                   period=(first["current_period_start"], first["current_period_end"]))
        invoice["discounts"] = [d for d in subscription["discounts"] if self.discount_applies(d, self.now())]
        return invoice

    def fill_invoice(self, draft: Document, subscription: Document, *, trial: bool = False, items: bool = True) -> None:
        """Save the draft with the items' lines (unless only prorations are billed) and pending invoice items."""
        lines = self.subscription_lines(subscription, draft["id"], trial=trial) if items else []
        lines += self.pending_item_lines(draft["id"], subscription["customer"], subscription["id"])
        self.store_invoice(draft, lines)

    def collect_now(self, invoice_id: str, *, method: str | None = None, raise_decline: bool = False,
                    on_session: bool = False) -> None:
        """Finalize at once and, when charging automatically, try to pay."""
        invoice = self.finalize_invoice(invoice_id, {})
        if invoice["status"] == "open" and invoice["collection_method"] == "charge_automatically":
            self.attempt_payment(invoice_id, method, off_session=not on_session, raise_decline=raise_decline)

    def _collect_first_invoice(self, subscription: Document, invoice_id: str, behavior: str, method: str | None) -> None:
        """Trials and free invoices are paid at once; send_invoice waits an hour; otherwise per `payment_behavior`."""
        trial = subscription["status"] == "trialing"
        if subscription["collection_method"] == "send_invoice" and not trial:
            self.schedule_timer("finalize_invoice", invoice_id, self.now() + FINALIZE_DELAY, subscription["test_clock"])
        elif behavior == "default_incomplete" and not trial:
            invoice = self.finalize_invoice(invoice_id, {})
            if invoice["status"] == "open":
                self.invoice_intent(invoice, method)
        else:
            self.collect_now(invoice_id, method=method, raise_decline=behavior == "error_if_incomplete", on_session=True)
        stored = self.require("subscription", subscription["id"])
        if stored["status"] == "incomplete":
            self.schedule_timer("expire_incomplete", stored["id"], self.now() + INCOMPLETE_EXPIRY, stored["test_clock"])
        else:
            self.schedule_renewal(stored)

    def _invoice_changes(self, subscription_id: str, behavior: str, *, items: bool = False) -> None:
        """Bill pending prorations now (`always_invoice`, `invoice_now`), with a new period's items on a new cycle."""
        before = self.require("subscription", subscription_id)
        draft = self.draft_for(before, "subscription_update")
        self.replace("subscription", {**before, "latest_invoice": draft["id"]}, before, lookup=before["customer"])
        self.fill_invoice(draft, before, items=items)
        self.collect_now(draft["id"], raise_decline=behavior == "error_if_incomplete")

    def _periods_from(self, subscription: Document, start: int) -> list[Document]:
        price = subscription["items"]["data"][0]["price"]["recurring"]
        end = periods.shift(start, price["interval"], price["interval_count"])
        return [{**item, "current_period_start": start, "current_period_end": end} for item in subscription["items"]["data"]]

    def _add_invoice_item(self, subscription: Document, entry: dict[str, Any]) -> None:
        price = self.require("price", entry["price"], param="add_invoice_items[0][price]") if entry.get("price") else None
        quantity = entry.get("quantity", 1)
        amount = self.price_amount(price, quantity) if price else int((entry.get("price_data") or {}).get("unit_amount", 0)) * quantity
        self.new_invoice_item(subscription["customer"], amount, subscription["currency"], None, period=(self.now(), self.now()),
                              quantity=quantity, price=price, subscription=subscription["id"])

    def _subscription_method(self, customer: Document, method_id: str | None) -> str | None:
        if method_id:
            method = self.require("payment_method", method_id, param="default_payment_method")
            if method["customer"] != customer["id"]:
                raise InvalidRequest(f"The customer does not have a payment method with the ID {method_id}. The payment "
                                     "method must be attached to the customer.", param="default_payment_method")
            return method_id
        return customer["invoice_settings"]["default_payment_method"] or customer["default_source"]  # type: ignore[no-any-return]

    def _trial_end(self, params: dict[str, Any], prices: list[Document], now: int) -> int | None:
        if params.get("trial_end") == "now":
            return None
        if params.get("trial_end") is not None:
            if params["trial_end"] <= now:
                raise InvalidRequest("Invalid timestamp: must be an integer Unix timestamp in the future.", param="trial_end")
            return int(params["trial_end"])
        days = params.get("trial_period_days")
        if days is None and params.get("trial_from_plan"):
            days = prices[0]["recurring"]["trial_period_days"]
        return now + days * DAY if days else None


def _check_updatable(before: Document, params: dict[str, Any]) -> None:
    if before["status"] in ENDED and set(params) - {"metadata", "cancellation_details", "expand"}:
        raise InvalidRequest("A canceled subscription can only update its cancellation_details and metadata.")
    if before["status"] == "incomplete" and set(params) - {"metadata", "default_source", "default_payment_method", "expand"}:
        raise InvalidRequest("A subscription with status `incomplete` can only update its `metadata`, "
                             "`default_payment_method` and `default_source`.")

