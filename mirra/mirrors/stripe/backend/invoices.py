"""Invoices and invoice items: draft -> open -> paid | void | uncollectible (stripe.md §6.6).

Lines are kept as `line_item` documents under their invoice and embedded in `invoice.lines`;
pending invoice items (`invoice: null`) are swept into the customer's next invoice. Payment
goes through `InvoicePayments`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.stripe import models
from mirra.mirrors.stripe.backend.base import address_object, merge_metadata
from mirra.mirrors.stripe.backend.coupons import Coupons
from mirra.mirrors.stripe.backend.products import Products
from mirra.mirrors.stripe.backend.timers import Timers
from mirra.mirrors.stripe.errors import InvalidRequest, ParameterMissing

DAY = 86400
FINALIZE_DELAY = 3600  # Stripe finalizes a subscription's draft about an hour after invoice.created
_UPDATABLE = ("auto_advance", "collection_method", "days_until_due", "default_payment_method", "description",
              "due_date", "footer", "statement_descriptor")


class Invoices(Timers, Coupons, Products):
    def create_invoice(self, params: dict[str, Any]) -> Document:
        customer = self.require("customer", params.get("customer") or "", param="customer") if params.get("customer") else None
        if customer is None:
            raise ParameterMissing("customer")
        self.enter_clock(customer)
        collection = params.get("collection_method", "charge_automatically")
        if collection == "send_invoice" and params.get("days_until_due") is None and params.get("due_date") is None:
            raise InvalidRequest("Invoices with `collection_method=send_invoice` require either `days_until_due` or "
                                 "`due_date` to be set.", param="days_until_due")
        subscription = None
        if params.get("subscription"):
            subscription = self.require("subscription", params["subscription"], param="subscription")
        invoice = self.new_invoice(
            customer, "manual", collection=collection, subscription=subscription,
            auto_advance=params.get("auto_advance", False), days_until_due=params.get("days_until_due"),
            currency=params.get("currency"),
        )
        for name in ("description", "footer", "statement_descriptor", "due_date", "default_payment_method"):
            if name in params:
                invoice[name] = params[name]
        invoice["metadata"] = merge_metadata({}, params.get("metadata") or {})
        invoice["discounts"] = self.new_discounts(params.get("discounts"), customer["id"], invoice=invoice["id"])
        include = params.get("pending_invoice_items_behavior") == "include"
        return self.store_invoice(invoice, self.pending_item_lines(invoice["id"], customer["id"], None) if include else [])

    def new_invoice(self, customer: Document, billing_reason: str, *, collection: str, subscription: Document | None,
                    auto_advance: bool, days_until_due: int | None = None, currency: str | None = None,
                    period: tuple[int, int] | None = None) -> Document:
        """An unsaved draft in Stripe's shape (`store_invoice` saves it)."""
        now = self.now()
        invoice_id = self.new_id("invoice")
        start, end = period or (now, now)
        return {
            "id": invoice_id,
            "object": "invoice",
            "account_country": "US",
            "account_name": "mirra",
            "account_tax_ids": None,
            "amount_due": 0,
            "amount_overpaid": 0,
            "amount_paid": 0,
            "amount_remaining": 0,
            "amount_shipping": 0,
            "application": None,
            "attempt_count": 0,
            "attempted": False,
            "auto_advance": auto_advance,
            "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None, "provider": None, "status": None},
            "automatically_finalizes_at": None,
            "billing_reason": billing_reason,
            "collection_method": collection,
            "created": now,
            "currency": (currency or (subscription or {}).get("currency") or customer.get("currency") or "usd").lower(),
            "custom_fields": None,
            "customer": customer["id"],
            "customer_account": None,
            "customer_address": customer["address"] and address_object(customer["address"]),
            "customer_email": customer["email"],
            "customer_name": customer["name"],
            "customer_phone": customer["phone"],
            "customer_shipping": customer["shipping"],
            "customer_tax_exempt": customer["tax_exempt"],
            "customer_tax_ids": [],
            "days_until_due": days_until_due if collection == "send_invoice" else None,
            "default_payment_method": None,
            "default_source": None,
            "default_tax_rates": [],
            "description": None,
            "discounts": [],
            "due_date": None,
            "effective_at": None,
            "ending_balance": None,
            "footer": None,
            "from_invoice": None,
            "hosted_invoice_url": None,
            "invoice_pdf": None,
            "issuer": {"type": "self"},
            "last_finalization_error": None,
            "latest_revision": None,
            "lines": {"object": "list", "data": [], "has_more": False, "url": f"/v1/invoices/{invoice_id}/lines"},
            "livemode": False,
            "metadata": {},
            "next_payment_attempt": None,
            "number": None,
            "on_behalf_of": None,
            "parent": {"quote_details": None, "subscription_details": {"metadata": subscription["metadata"],
                       "subscription": subscription["id"]}, "type": "subscription_details"} if subscription else None,
            "payment_settings": {"default_mandate": None, "payment_method_options": None, "payment_method_types": None},
            "period_end": end,
            "period_start": start,
            "post_payment_credit_notes_amount": 0,
            "pre_payment_credit_notes_amount": 0,
            "receipt_number": None,
            "rendering": None,
            "shipping_cost": None,
            "shipping_details": None,
            "starting_balance": 0,
            "statement_descriptor": None,
            "status": "draft",
            "status_transitions": {"finalized_at": None, "marked_uncollectible_at": None, "paid_at": None, "voided_at": None},
            "subtotal": 0,
            "subtotal_excluding_tax": 0,
            "test_clock": customer["test_clock"],
            "total": 0,
            "total_discount_amounts": [],
            "total_excluding_tax": 0,
            "total_pretax_credit_amounts": [],
            "total_taxes": [],
            "webhooks_delivered_at": None,
        }

    def store_invoice(self, invoice: Document, lines: Sequence[Document] = ()) -> Document:
        """Save a new invoice with its lines: one `invoice.created`, totals already right."""
        for line in lines:
            self.documents.insert("line_item", line, parent=invoice["id"])
        return self.insert("invoice", self._totalled(invoice, list(lines)), lookup=invoice["customer"])

    def add_line(self, invoice_id: str, line: Document) -> None:
        """Attach one line to a saved draft and recompute its totals."""
        self.documents.insert("line_item", line, parent=invoice_id)
        self._retotal(self.require("invoice", invoice_id))

    def line(self, invoice_id: str, amount: int, currency: str, description: str, *, period: tuple[int, int],
             quantity: int = 1, price: Document | None = None, parent: dict[str, Any]) -> Document:
        return {
            "id": self.new_id("line_item"),
            "object": "line_item",
            "amount": amount,
            "currency": currency,
            "description": description,
            "discount_amounts": [],
            "discountable": True,
            "discounts": [],
            "invoice": invoice_id,
            "livemode": False,
            "metadata": {},
            "parent": parent,
            "period": {"end": period[1], "start": period[0]},
            "pretax_credit_amounts": [],
            "pricing": {"price_details": {"price": price["id"], "product": price["product"]}, "type": "price_details",
                        "unit_amount_decimal": price["unit_amount_decimal"]} if price else None,
            "quantity": quantity,
            "subtotal": amount,
            "taxes": [],
        }

    def pending_item_lines(self, invoice_id: str, customer_id: str, subscription_id: str | None) -> list[Document]:
        """Pending invoice items of the customer (and subscription), billed on this invoice: their lines."""
        lines = []
        for item in self.documents.page("invoiceitem", limit=1000, where=[models.objects.c.lookup == customer_id])[0][::-1]:
            item_subscription = ((item["parent"] or {}).get("subscription_details") or {}).get("subscription")
            if item["invoice"] is None and (subscription_id is None or item_subscription in (None, subscription_id)):
                self.replace("invoiceitem", {**item, "invoice": invoice_id}, item, lookup=item["customer"])
                lines.append(self._item_line(item, invoice_id))
        return lines

    def retrieve_invoice(self, invoice_id: str) -> Document:
        return self.require("invoice", invoice_id)

    def update_invoice(self, invoice_id: str, params: dict[str, Any]) -> Document:
        before = self.require("invoice", invoice_id)
        if before["status"] in ("paid", "void", "uncollectible"):
            raise InvalidRequest(f"You can only modify draft or open invoices. This invoice is {before['status']}.")
        invoice = dict(before)
        for name in _UPDATABLE:
            if name in params:
                invoice[name] = params[name]
        if "metadata" in params:
            invoice["metadata"] = merge_metadata(before["metadata"], params["metadata"])
        if "discounts" in params and before["status"] == "draft":
            invoice["discounts"] = self.new_discounts(params["discounts"], invoice["customer"], invoice=invoice_id)
            invoice = self._totalled(invoice, self.invoice_lines(invoice_id))
        return self.replace("invoice", invoice, before, lookup=invoice["customer"])

    def delete_invoice(self, invoice_id: str) -> Document:
        before = self.require("invoice", invoice_id)
        if before["status"] != "draft":
            raise InvalidRequest("You can only delete draft invoices.")
        for item in self.documents.page("invoiceitem", limit=1000, where=[models.objects.c.parent == invoice_id])[0]:
            self.replace("invoiceitem", {**item, "invoice": None}, item, lookup=item["customer"])
        self.remove("invoice", before)
        return {"id": invoice_id, "object": "invoice", "deleted": True}

    def list_invoices(self, params: dict[str, Any]) -> tuple[list[Document], bool]:
        where = [models.objects.c.lookup == params["customer"]] if "customer" in params else []
        page, more = self.list_page("invoice", params, where)
        if "status" in params:
            page = [invoice for invoice in page if invoice["status"] == params["status"]]
        if "subscription" in params:
            page = [invoice for invoice in page if subscription_of(invoice) == params["subscription"]]
        if "collection_method" in params:
            page = [invoice for invoice in page if invoice["collection_method"] == params["collection_method"]]
        return page, more

    def list_invoice_lines(self, invoice_id: str, params: dict[str, Any]) -> tuple[list[Document], bool]:
        self.require("invoice", invoice_id)
        page, more = self.list_page("line_item", params, [models.objects.c.parent == invoice_id])
        return page[::-1], more

    def create_invoice_item(self, params: dict[str, Any]) -> Document:
        customer = self.require("customer", params["customer"], param="customer") if params.get("customer") else None
        if customer is None:
            raise ParameterMissing("customer")
        self.enter_clock(customer)
        price = None
        if (params.get("pricing") or {}).get("price"):
            price = self.require("price", params["pricing"]["price"], param="pricing[price]")
        quantity = params.get("quantity", 1)
        if price is not None:
            amount, currency = self.price_amount(price, quantity), price["currency"]
        elif "amount" in params:
            amount, currency = params["amount"], params.get("currency") or customer["currency"] or "usd"
        elif params.get("price_data"):
            data = params["price_data"]
            amount, currency = int(data.get("unit_amount", 0)) * quantity, data["currency"]
        else:
            raise InvalidRequest("You must specify either `amount`, `pricing[price]` or `price_data`.", param="amount")
        invoice_id = params.get("invoice")
        if invoice_id and self.require("invoice", invoice_id, param="invoice")["status"] != "draft":
            raise InvalidRequest("You cannot add invoice items to an invoice that is no longer a draft.", param="invoice")
        period = params.get("period") or {}
        item = self.new_invoice_item(customer["id"], amount, currency.lower(), params.get("description"),
                                     period=(period.get("start", self.now()), period.get("end", self.now())),
                                     quantity=quantity, price=price, subscription=params.get("subscription"),
                                     metadata=merge_metadata({}, params.get("metadata") or {}))
        if invoice_id:
            self._bill_item(item, invoice_id)
            return self.require("invoiceitem", item["id"])
        return item

    def new_invoice_item(self, customer_id: str, amount: int, currency: str, description: str | None, *,
                         period: tuple[int, int], quantity: int = 1, price: Document | None = None,
                         subscription: str | None = None, proration: bool = False,
                         metadata: dict[str, str] | None = None) -> Document:
        item = {
            "id": self.new_id("invoiceitem"),
            "object": "invoiceitem",
            "amount": amount,
            "currency": currency,
            "customer": customer_id,
            "customer_account": None,
            "date": self.now(),
            "description": description,
            "discountable": not proration,
            "discounts": [],
            "invoice": None,
            "livemode": False,
            "metadata": metadata or {},
            "net_amount": amount,
            "parent": {"subscription_details": {"subscription": subscription, "subscription_item": None},
                       "type": "subscription_details"} if subscription else None,
            "period": {"end": period[1], "start": period[0]},
            "pricing": {"price_details": {"price": price["id"], "product": price["product"]}, "type": "price_details",
                        "unit_amount_decimal": price["unit_amount_decimal"]} if price else None,
            "proration": proration,
            "quantity": quantity,
            "quantity_decimal": str(quantity),
            "tax_rates": [],
            "test_clock": self.require("customer", customer_id)["test_clock"],
        }
        return self.insert("invoiceitem", item, lookup=customer_id)

    def retrieve_invoice_item(self, item_id: str) -> Document:
        return self.require("invoiceitem", item_id)

    def update_invoice_item(self, item_id: str, params: dict[str, Any]) -> Document:
        before = self.require("invoiceitem", item_id)
        if before["invoice"] and self.require("invoice", before["invoice"])["status"] != "draft":
            raise InvalidRequest("You can only update invoice items that are pending or attached to a draft invoice.")
        item = dict(before)
        for name in ("amount", "description", "discountable", "quantity"):
            if name in params:
                item[name] = params[name]
        item["net_amount"] = item["amount"]
        if "metadata" in params:
            item["metadata"] = merge_metadata(before["metadata"], params["metadata"])
        return self.replace("invoiceitem", item, before, lookup=item["customer"])

    def delete_invoice_item(self, item_id: str) -> Document:
        before = self.require("invoiceitem", item_id)
        if before["invoice"] and self.require("invoice", before["invoice"])["status"] != "draft":
            raise InvalidRequest("You can only delete invoice items that are pending or attached to a draft invoice.")
        self.remove("invoiceitem", before)
        return {"id": item_id, "object": "invoiceitem", "deleted": True}

    def list_invoice_items(self, params: dict[str, Any]) -> tuple[list[Document], bool]:
        where = [models.objects.c.lookup == params["customer"]] if "customer" in params else []
        page, more = self.list_page("invoiceitem", params, where)
        if "invoice" in params:
            page = [item for item in page if item["invoice"] == params["invoice"]]
        if "pending" in params:
            page = [item for item in page if (item["invoice"] is None) == params["pending"]]
        return page, more

    def _bill_item(self, item: Document, invoice_id: str) -> None:
        self.replace("invoiceitem", {**item, "invoice": invoice_id}, item, lookup=item["customer"])
        self.add_line(invoice_id, self._item_line(item, invoice_id))

    def _item_line(self, item: Document, invoice_id: str) -> Document:
        subscription = ((item["parent"] or {}).get("subscription_details") or {}).get("subscription")
        return self.line(
            invoice_id, item["amount"], item["currency"], item["description"] or "",
            period=(item["period"]["start"], item["period"]["end"]), quantity=item["quantity"],
            price=self.documents.get("price", item["pricing"]["price_details"]["price"]) if item["pricing"] else None,
            parent={"invoice_item_details": {"invoice_item": item["id"], "proration": item["proration"],
                                             "proration_details": {"credited_items": None}, "subscription": subscription},
                    "subscription_item_details": None, "type": "invoice_item_details"},
        )

    def invoice_lines(self, invoice_id: str) -> list[Document]:
        return self.documents.page("line_item", limit=1000, where=[models.objects.c.parent == invoice_id])[0][::-1]

    def _retotal(self, before: Document) -> Document:
        invoice = self._totalled(dict(before), self.invoice_lines(before["id"]))
        return self.replace("invoice", invoice, before, lookup=invoice["customer"])

    def _totalled(self, invoice: Document, lines: list[Document]) -> Document:
        """Subtotal, discounts (in order, each on what is left) and what is due."""
        subtotal = sum(line["amount"] for line in lines)
        discountable = sum(line["amount"] for line in lines if line["discountable"])
        amounts, left = [], max(0, discountable)
        for discount_id in invoice["discounts"]:
            if self.discount_applies(discount_id, invoice["created"]):
                off = self.discount_amount(discount_id, left)
                amounts.append({"amount": off, "discount": discount_id})
                left -= off
        total = subtotal - sum(entry["amount"] for entry in amounts)
        due = max(0, total + invoice["starting_balance"]) - invoice["amount_paid"]
        invoice.update(
            subtotal=subtotal, subtotal_excluding_tax=subtotal, total=total, total_excluding_tax=total,
            total_discount_amounts=amounts, amount_due=max(0, total + invoice["starting_balance"]),
            amount_remaining=max(0, due),
            lines={**invoice["lines"], "data": lines},
        )
        return invoice

    def finalized(self, invoice: Document, auto_advance: bool) -> Document:
        """Number, URLs, due date; a customer credit balance is applied now."""
        customer = self.require("customer", invoice["customer"])
        now = self.now()
        sequence = customer["next_invoice_sequence"]
        self.documents.replace("customer", {**customer, "next_invoice_sequence": sequence + 1}, customer,
                               lookup=customer["email"])  # numbering is not announced as a customer change
        finalized = {**invoice, "status": "open", "auto_advance": auto_advance, "effective_at": now,
                     "number": f"{customer['invoice_prefix']}-{sequence:04d}",
                     "hosted_invoice_url": f"https://invoice.stripe.com/i/acct_mirra/test_{invoice['id']}",
                     "invoice_pdf": f"https://pay.stripe.com/invoice/acct_mirra/test_{invoice['id']}/pdf",
                     "automatically_finalizes_at": None,
                     "status_transitions": {**invoice["status_transitions"], "finalized_at": now}}
        if invoice["collection_method"] == "send_invoice" and not invoice["due_date"]:
            finalized["due_date"] = now + (invoice["days_until_due"] or 30) * DAY
        balance = self.require("customer", invoice["customer"])["balance"]
        if balance < 0 and finalized["total"] > 0:
            applied = max(balance, -finalized["total"])
            finalized["starting_balance"] = applied
            self.adjust_balance(invoice["customer"], -applied)
        elif finalized["total"] < 0:
            self.adjust_balance(invoice["customer"], finalized["total"])
        finalized["ending_balance"] = min(0, finalized["total"])
        totalled = self._totalled(finalized, finalized["lines"]["data"])
        self.use_discounts([entry["discount"] for entry in totalled["total_discount_amounts"] if entry["amount"] > 0])
        return totalled

    def adjust_balance(self, customer_id: str, change: int) -> None:
        customer = self.require("customer", customer_id)
        self.replace("customer", {**customer, "balance": customer["balance"] + change}, customer, lookup=customer["email"])


def subscription_of(invoice: Document) -> str | None:
    return ((invoice["parent"] or {}).get("subscription_details") or {}).get("subscription")
