"""The invoice object itself: its Stripe shape, its lines, its totals and what finalizing fills in.

`Invoices` (operations) and the subscription code build invoices through here, so every invoice
is shaped, totalled (discounts in order, the customer's credit applied) and numbered one way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.stripe import models
from mirra.mirrors.stripe.backend.base import address_object
from mirra.mirrors.stripe.backend.coupons import Coupons
from mirra.mirrors.stripe.backend.products import Products
from mirra.mirrors.stripe.backend.timers import Timers
from mirra.mirrors.stripe.periods import DAY

FINALIZE_DELAY = 3600  # Stripe finalizes a subscription's draft about an hour after invoice.created


class InvoiceShapes(Timers, Coupons, Products):
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
        return self.insert("invoice", self.totalled(invoice, list(lines)), lookup=invoice["customer"])

    def add_line(self, invoice_id: str, line: Document) -> None:
        """Attach one line to a saved draft and recompute its totals."""
        self.documents.insert("line_item", line, parent=invoice_id)
        self.retotal(self.require("invoice", invoice_id))

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

    def invoice_lines(self, invoice_id: str) -> list[Document]:
        return self.documents.page("line_item", limit=1000, where=[models.objects.c.parent == invoice_id])[0][::-1]

    def retotal(self, before: Document) -> Document:
        invoice = self.totalled(dict(before), self.invoice_lines(before["id"]))
        return self.replace("invoice", invoice, before, lookup=invoice["customer"])

    def totalled(self, invoice: Document, lines: list[Document]) -> Document:
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
        totalled = self.totalled(finalized, finalized["lines"]["data"])
        self.use_discounts([entry["discount"] for entry in totalled["total_discount_amounts"] if entry["amount"] > 0])
        return totalled

    def adjust_balance(self, customer_id: str, change: int) -> None:
        customer = self.require("customer", customer_id)
        self.replace("customer", {**customer, "balance": customer["balance"] + change}, customer, lookup=customer["email"])
