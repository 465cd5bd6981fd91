"""Invoices and invoice items: draft -> open -> paid | void | uncollectible (stripe.md §6.6).

Lines are kept as `line_item` documents under their invoice and embedded in `invoice.lines`;
pending invoice items (`invoice: null`) are swept into the customer's next invoice. Payment
goes through `InvoicePayments`.
"""

from __future__ import annotations

from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.stripe import models
from mirra.mirrors.stripe.backend.base import merge_metadata
from mirra.mirrors.stripe.backend.invoice_shapes import InvoiceShapes
from mirra.mirrors.stripe.errors import InvalidRequest, ParameterMissing

_UPDATABLE = ("auto_advance", "collection_method", "days_until_due", "default_payment_method", "description",
              "due_date", "footer", "statement_descriptor")


class Invoices(InvoiceShapes):
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
            invoice = self.totalled(invoice, self.invoice_lines(invoice_id))
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
        wanted = {name: params[name] for name in ("status", "collection_method") if name in params}
        return self.list_page("invoice", params, where, lambda invoice: all(invoice[k] == v for k, v in wanted.items())
                              and params.get("subscription", subscription_of(invoice)) == subscription_of(invoice))

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
            if price["type"] != "one_time":
                raise InvalidRequest("The price specified is set to `type=recurring` but this field only accepts prices "
                                     "with `type=one_time`.", param="pricing[price]")
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
        return self.list_page("invoiceitem", params, where, lambda item: params.get("invoice", item["invoice"]) == item["invoice"]
                              and params.get("pending", item["invoice"] is None) == (item["invoice"] is None))

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

def subscription_of(invoice: Document) -> str | None:
    return ((invoice["parent"] or {}).get("subscription_details") or {}).get("subscription")
