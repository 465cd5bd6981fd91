"""Subscription items: their prices, periods and lines, and the prorations a change of items makes."""

from __future__ import annotations

import time
from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.stripe import periods
from mirra.mirrors.stripe.backend.base import merge_metadata
from mirra.mirrors.stripe.backend.invoices import Invoices
from mirra.mirrors.stripe.errors import InvalidRequest, ParameterMissing


class SubscriptionItems(Invoices):
    def subscription_lines(self, subscription: Document, invoice_id: str, *, trial: bool = False) -> list[Document]:
        """One line per item for its current period (a short first period before a future anchor is prorated)."""
        lines = []
        for item in subscription["items"]["data"]:
            price, quantity = item["price"], item["quantity"]
            product = self.documents.get("product", price["product"], include_deleted=True) or {"name": price["product"]}
            amount = 0 if trial else round(self.price_amount(price, quantity) * _short_period_share(subscription, item))
            description = (f"Trial period for {product['name']}" if trial else
                           f"{quantity} × {product['name']} (at {_money(price)} / {price['recurring']['interval']})")
            lines.append(self.line(invoice_id, amount, price["currency"], description, quantity=quantity, price=price,
                                   period=(item["current_period_start"], item["current_period_end"]),
                                   parent={"invoice_item_details": None, "subscription_item_details": {
                                       "invoice_item": None, "proration": False, "proration_details": {"credited_items": None},
                                       "subscription": subscription["id"], "subscription_item": item["id"]},
                                       "type": "subscription_item_details"}))
        return lines

    def change_items(self, subscription: Document, params: dict[str, Any]) -> bool:
        """Apply `items[]`, with proration invoice items for the rest of the period.

        Returns whether the billing interval changed: then a new cycle starts now (Stripe resets the
        anchor and bills the new period at once, crediting the old one's unused time).
        """
        current = {item["id"]: item for item in subscription["items"]["data"]}
        was = subscription["items"]["data"][0]["price"]["recurring"]
        changed = [self.change_item(subscription, current, entry, index) for index, entry in enumerate(params["items"])]
        if not current:
            raise InvalidRequest("A subscription must have at least one active plan. To cancel a subscription, please "
                                 "use the cancel API endpoint on /v1/subscriptions.", param="items")
        items = list(current.values())
        check_prices([item["price"] for item in items])
        now_is = items[0]["price"]["recurring"]
        new_cycle = (was["interval"], was["interval_count"]) != (now_is["interval"], now_is["interval_count"])
        if params.get("proration_behavior", "create_prorations") != "none" and subscription["status"] in ("active", "past_due"):
            at = params.get("proration_date") or self.now()
            for old, new in changed:
                self.prorate(subscription, old, None if new_cycle else new, at)
        if new_cycle:
            now = self.now()
            items = [{**item, "current_period_start": now,
                      "current_period_end": periods.shift(now, now_is["interval"], now_is["interval_count"])} for item in items]
            subscription["billing_cycle_anchor"] = now
        self.save_items(items)
        subscription["items"] = items_list(subscription["id"], items)
        return new_cycle

    def change_item(self, subscription: Document, current: dict[str, Document], entry: dict[str, Any],
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
        price = self.item_price(entry, f"items[{index}]") if entry.get("price") or entry.get("price_data") else None
        if old is None:
            if price is None:
                raise ParameterMissing(f"items[{index}][price]")
            first = subscription["items"]["data"][0]
            item = self.new_item(subscription["id"], price, entry, (first["current_period_start"], first["current_period_end"]))
            self.documents.insert("subscription_item", item, parent=subscription["id"])
        else:
            item = {**old, "quantity": entry.get("quantity", old["quantity"])}
            if price is not None:
                item.update(price=price, plan=_plan(price))
            if "metadata" in entry:
                item["metadata"] = merge_metadata(old["metadata"], entry["metadata"])
        current[item["id"]] = item
        return old, item

    def prorate(self, subscription: Document, old: Document | None, new: Document | None, at: int) -> None:
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

    def save_items(self, items: list[Document]) -> None:
        for item in items:
            before = self.documents.get("subscription_item", item["id"])
            if before is not None and before != item:
                self.documents.replace("subscription_item", item, before)

    def item_price(self, entry: dict[str, Any], param: str) -> Document:
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

    def new_item(self, subscription_id: str, price: Document, entry: dict[str, Any], period: tuple[int, int]) -> Document:
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


def _short_period_share(subscription: Document, item: Document) -> float:
    """The share of a full period that a first period ending at a future `billing_cycle_anchor` covers."""
    start, end = item["current_period_start"], item["current_period_end"]
    if end != subscription["billing_cycle_anchor"] or subscription["trial_end"] == end or start >= end:
        return 1.0
    recurring = item["price"]["recurring"]
    full = end - periods.shift(end, recurring["interval"], -recurring["interval_count"])
    return min(1.0, (end - start) / full)


def check_prices(prices: list[Document]) -> None:
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
