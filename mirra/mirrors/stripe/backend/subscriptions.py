"""Subscriptions and their items (stripe.md §6.5); the time-driven steps are in `billing_cycle`.

Period bounds live on the items (`current_period_start/end`), as in the pinned API version.
Items are kept both as `subscription_item` documents and embedded in `subscription.items`.
"""

from __future__ import annotations

import time
from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.stripe import models, periods
from mirra.mirrors.stripe.backend.base import merge_metadata
from mirra.mirrors.stripe.backend.customers import Customers
from mirra.mirrors.stripe.backend.invoice_payments import InvoicePayments
from mirra.mirrors.stripe.errors import (
    InvalidRequest,
    NoPaymentSource,
    ParameterMissing,
)

DAY = 86400
INCOMPLETE_EXPIRY = 23 * 3600
TRIAL_WILL_END_NOTICE = 3 * DAY
ENDED = ("canceled", "incomplete_expired")


class Subscriptions(InvoicePayments, Customers):
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
        prices = [self._item_price(entry, f"items[{index}]") for index, entry in enumerate(params["items"])]
        _check_prices(prices)
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
        items = [self._new_item(subscription_id, price, entry, (now, period_end))
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
        new_cycle = "items" in params and self._change_items(subscription, params)
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
        self._save_items(items)
        return {**subscription, "trial_end": end, "billing_cycle_anchor": end, "items": items_list(subscription["id"], items)}

    def cancel_subscription(self, subscription_id: str, params: dict[str, Any]) -> Document:
        before = self.require("subscription", subscription_id)
        if before["status"] in ENDED:
            raise InvalidRequest("This subscription has already been canceled and cannot be canceled again.")
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
        self._save_items(items)
        self.replace("subscription", subscription, before, lookup=before["customer"])
        self.fill_invoice(draft, subscription)
        self.collect_now(draft["id"])
        self.schedule_renewal(self.require("subscription", subscription_id))
        return self.require("subscription", subscription_id)

    def list_subscriptions(self, params: dict[str, Any]) -> tuple[list[Document], bool]:
        where = [models.objects.c.lookup == params["customer"]] if "customer" in params else []
        page, more = self.list_page("subscription", params, where)
        status = params.get("status")
        if status == "ended":
            page = [s for s in page if s["status"] in ENDED]
        elif status and status != "all":
            page = [s for s in page if s["status"] == status]
        elif status is None:
            page = [s for s in page if s["status"] != "canceled"]
        if "price" in params:
            page = [s for s in page if any(i["price"]["id"] == params["price"] for i in s["items"]["data"])]
        return page, more

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

    def subscription_lines(self, subscription: Document, invoice_id: str, *, trial: bool = False) -> list[Document]:
        lines = []
        for item in subscription["items"]["data"]:
            price, quantity = item["price"], item["quantity"]
            product = self.documents.get("product", price["product"], include_deleted=True) or {"name": price["product"]}
            amount = 0 if trial else self.price_amount(price, quantity)
            description = (f"Trial period for {product['name']}" if trial else
                           f"{quantity} × {product['name']} (at {_money(price)} / {price['recurring']['interval']})")
            lines.append(self.line(invoice_id, amount, price["currency"], description, quantity=quantity, price=price,
                                   period=(item["current_period_start"], item["current_period_end"]),
                                   parent={"invoice_item_details": None, "subscription_item_details": {
                                       "invoice_item": None, "proration": False, "proration_details": {"credited_items": None},
                                       "subscription": subscription["id"], "subscription_item": item["id"]},
                                       "type": "subscription_item_details"}))
        return lines

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
            self.schedule_timer("finalize_invoice", invoice_id, self.now() + 3600, subscription["test_clock"])
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

    def _change_items(self, subscription: Document, params: dict[str, Any]) -> bool:
        """Apply `items[]`, with proration invoice items for the rest of the period.

        Returns whether the billing interval changed: then a new cycle starts now (Stripe resets the
        anchor and bills the new period at once, crediting the old one's unused time).
        """
        current = {item["id"]: item for item in subscription["items"]["data"]}
        was = subscription["items"]["data"][0]["price"]["recurring"]
        changed = [self._change_item(subscription, current, entry, index) for index, entry in enumerate(params["items"])]
        if not current:
            raise InvalidRequest("A subscription must have at least one active plan. To cancel a subscription, please "
                                 "use the cancel API endpoint on /v1/subscriptions.", param="items")
        items = list(current.values())
        _check_prices([item["price"] for item in items])
        now_is = items[0]["price"]["recurring"]
        new_cycle = (was["interval"], was["interval_count"]) != (now_is["interval"], now_is["interval_count"])
        if params.get("proration_behavior", "create_prorations") != "none" and subscription["status"] in ("active", "past_due"):
            at = params.get("proration_date") or self.now()
            for old, new in changed:
                self._prorate(subscription, old, None if new_cycle else new, at)
        if new_cycle:
            now = self.now()
            items = [{**item, "current_period_start": now,
                      "current_period_end": periods.shift(now, now_is["interval"], now_is["interval_count"])} for item in items]
            subscription["billing_cycle_anchor"] = now
        self._save_items(items)
        subscription["items"] = items_list(subscription["id"], items)
        return new_cycle

    def _change_item(self, subscription: Document, current: dict[str, Document], entry: dict[str, Any],
                     index: int) -> tuple[Document | None, Document | None]:
        """One `items[]` entry: a new item, a changed one or a deleted one, as (before, after)."""
        old = current.get(entry.get("id", ""))
        if entry.get("id") and old is None:
            raise InvalidRequest(f"Invalid subscription_item id: {entry['id']}", param=f"items[{index}][id]")
        if entry.get("deleted"):
            if old:
                del current[old["id"]]
                self.documents.mark_deleted("subscription_item", old)
            return old, None
        price = self._item_price(entry, f"items[{index}]") if entry.get("price") or entry.get("price_data") else None
        if old is None:
            if price is None:
                raise ParameterMissing(f"items[{index}][price]")
            first = subscription["items"]["data"][0]
            item = self._new_item(subscription["id"], price, entry, (first["current_period_start"], first["current_period_end"]))
            self.documents.insert("subscription_item", item, parent=subscription["id"])
        else:
            item = {**old, "quantity": entry.get("quantity", old["quantity"])}
            if price is not None:
                item.update(price=price, plan=_plan(price))
            if "metadata" in entry:
                item["metadata"] = merge_metadata(old["metadata"], entry["metadata"])
        current[item["id"]] = item
        return old, item

    def _prorate(self, subscription: Document, old: Document | None, new: Document | None, at: int) -> None:
        for amount, description, item in self.proration_lines(old, new, at):
            self.new_invoice_item(subscription["customer"], amount, item["price"]["currency"], description,
                                  period=(at, item["current_period_end"]), quantity=item["quantity"], price=item["price"],
                                  subscription=subscription["id"], proration=True)

    def proration_lines(self, old: Document | None, new: Document | None, at: int) -> list[tuple[int, str, Document]]:
        """Credit for the old item's unused time, charge for the new one's remaining time."""
        if old and new and old["price"]["id"] == new["price"]["id"] and old["quantity"] == new["quantity"]:
            return []
        date = time.strftime("%d %b %Y", time.gmtime(at))
        lines = []
        for item, sign, wording in ((old, -1, "Unused time on"), (new, 1, "Remaining time on")):
            if item is None:
                continue
            factor = periods.proration_factor(item["current_period_start"], item["current_period_end"], at)
            product = self.documents.get("product", item["price"]["product"], include_deleted=True) or {"name": ""}
            amount = sign * round(self.price_amount(item["price"], item["quantity"]) * factor)
            lines.append((amount, f"{wording} {item['quantity']} × {product['name']} after {date}", item))
        return lines

    def _periods_from(self, subscription: Document, start: int) -> list[Document]:
        price = subscription["items"]["data"][0]["price"]["recurring"]
        end = periods.shift(start, price["interval"], price["interval_count"])
        return [{**item, "current_period_start": start, "current_period_end": end} for item in subscription["items"]["data"]]

    def _save_items(self, items: list[Document]) -> None:
        for item in items:
            before = self.documents.get("subscription_item", item["id"])
            if before is not None and before != item:
                self.documents.replace("subscription_item", item, before)

    def _add_invoice_item(self, subscription: Document, entry: dict[str, Any]) -> None:
        price = self.require("price", entry["price"], param="add_invoice_items[0][price]") if entry.get("price") else None
        quantity = entry.get("quantity", 1)
        amount = self.price_amount(price, quantity) if price else int((entry.get("price_data") or {}).get("unit_amount", 0)) * quantity
        self.new_invoice_item(subscription["customer"], amount, subscription["currency"], None, period=(self.now(), self.now()),
                              quantity=quantity, price=price, subscription=subscription["id"])

    def _item_price(self, entry: dict[str, Any], param: str) -> Document:
        if entry.get("price_data"):
            data = entry["price_data"]
            return self.create_price({"currency": data["currency"], "product": data["product"],
                                      "recurring": data["recurring"], "unit_amount": data.get("unit_amount", 0)})
        if not entry.get("price") and not entry.get("plan"):
            raise ParameterMissing(f"{param}[price]")
        price = self.require_active_price(entry.get("price") or entry["plan"], f"{param}[price]")
        if price["type"] != "recurring":
            raise InvalidRequest("The price specified is set to `type=one_time` but this field only accepts prices "
                                 "with `type=recurring`.", param=f"{param}[price]")
        return price

    def _new_item(self, subscription_id: str, price: Document, entry: dict[str, Any], period: tuple[int, int]) -> Document:
        return {
            "id": self.new_id("subscription_item"),
            "object": "subscription_item",
            "billing_thresholds": None,
            "created": self.now(),
            "current_period_end": period[1],
            "current_period_start": period[0],
            "discounts": [],
            "metadata": merge_metadata({}, entry.get("metadata") or {}),
            "plan": _plan(price),
            "price": price,
            "quantity": entry.get("quantity", 1),
            "subscription": subscription_id,
            "tax_rates": [],
        }

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


def _check_prices(prices: list[Document]) -> None:
    first = prices[0]
    for price in prices[1:]:
        for field in ("currency", "interval"):
            mine = price["currency"] if field == "currency" else price["recurring"]["interval"]
            theirs = first["currency"] if field == "currency" else first["recurring"]["interval"]
            if mine != theirs:
                raise InvalidRequest("Currency and interval fields must match across all plans on this subscription. "
                                     f"Found mismatch in {field} field.", param="items")


def items_list(subscription_id: str, items: list[Document]) -> dict[str, Any]:
    return {"object": "list", "data": items, "has_more": False, "total_count": len(items),
            "url": f"/v1/subscription_items?subscription={subscription_id}"}


def _plan(price: Document) -> dict[str, Any]:
    recurring = price["recurring"]
    return {
        "id": price["id"], "object": "plan", "active": price["active"], "amount": price["unit_amount"],
        "amount_decimal": price["unit_amount_decimal"], "billing_scheme": price["billing_scheme"],
        "created": price["created"], "currency": price["currency"], "interval": recurring["interval"],
        "interval_count": recurring["interval_count"], "livemode": False, "metadata": price["metadata"],
        "meter": recurring["meter"], "nickname": price["nickname"], "product": price["product"],
        "tiers_mode": price["tiers_mode"], "transform_usage": None, "trial_period_days": recurring["trial_period_days"],
        "usage_type": recurring["usage_type"],
    }


def _money(price: Document) -> str:
    amount = price["unit_amount"] or 0
    symbol = {"usd": "$", "eur": "€", "gbp": "£"}.get(price["currency"], "")
    return f"{symbol}{amount / 100:.2f}" if symbol else f"{amount / 100:.2f} {price['currency'].upper()}"

