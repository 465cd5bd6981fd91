"""Checkout Sessions (stripe.md §6.7) and billing portal sessions.

No public API completes a Checkout Session: the hosted page does. `complete_checkout_session`
is mirra's stand-in for the customer paying there; it makes what a real completion makes (the
customer, the attached card, the PaymentIntent / SetupIntent / subscription with its invoice)
and fires `checkout.session.completed`. A decline leaves the session open, as the page would.
"""

from __future__ import annotations

from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.stripe import models
from mirra.mirrors.stripe.backend.base import merge_metadata
from mirra.mirrors.stripe.backend.test_clocks import TestClocks
from mirra.mirrors.stripe.backend.timers import timer_action
from mirra.mirrors.stripe.errors import InvalidRequest, ParameterMissing

DEFAULT_LIFETIME = 24 * 3600
MIN_LIFETIME = 30 * 60


class Checkout(TestClocks):
    def create_checkout_session(self, params: dict[str, Any]) -> Document:
        mode = params.get("mode")
        if mode is None:
            raise ParameterMissing("mode")
        customer = self.require("customer", params["customer"], param="customer") if params.get("customer") else None
        now = self.now()
        expires_at = params.get("expires_at", now + DEFAULT_LIFETIME)
        if not now + MIN_LIFETIME <= expires_at <= now + DEFAULT_LIFETIME:
            raise InvalidRequest("The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout "
                                 "Session creation.", param="expires_at")
        session_id = self.new_id("checkout_session")
        lines = self._checkout_lines(session_id, mode, params.get("line_items") or [])
        subtotal = sum(line["amount_subtotal"] for line in lines)
        session = {
            "id": session_id,
            "object": "checkout.session",
            "after_expiration": None,
            "allow_promotion_codes": params.get("allow_promotion_codes"),
            "amount_subtotal": subtotal if lines else None,
            "amount_total": subtotal if lines else None,
            "automatic_tax": {"enabled": False, "liability": None, "provider": None, "status": None},
            "billing_address_collection": params.get("billing_address_collection"),
            "cancel_url": params.get("cancel_url"),
            "client_reference_id": params.get("client_reference_id"),
            "client_secret": None,
            "created": now,
            "currency": lines[0]["currency"] if lines else params.get("currency"),
            "customer": customer["id"] if customer else None,
            "customer_creation": None if customer else params.get("customer_creation", "if_required"),
            "customer_details": None,
            "customer_email": params.get("customer_email"),
            "discounts": params.get("discounts") or [],
            "expires_at": expires_at,
            "invoice": None,
            "livemode": False,
            "locale": params.get("locale"),
            "metadata": merge_metadata({}, params.get("metadata") or {}),
            "mode": mode,
            "payment_intent": None,
            "payment_link": None,
            "payment_method_collection": params.get("payment_method_collection", "always"),
            "payment_method_types": params.get("payment_method_types") or ["card"],
            "payment_status": "no_payment_required" if mode == "setup" else "unpaid",
            "recovered_from": None,
            "setup_intent": None,
            "status": "open",
            "submit_type": params.get("submit_type"),
            "subscription": None,
            "success_url": params.get("success_url"),
            "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            "ui_mode": params.get("ui_mode", "hosted_page"),
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
        }
        self.documents.insert("checkout_session_request", {"id": f"{session_id}:request", "created": now,
                                                           "params": params}, parent=session_id)
        self.insert("checkout_session", session, lookup=session["customer"])
        for line in lines:
            self.documents.insert("checkout_line_item", line, parent=session_id)
        self.schedule_timer("expire_checkout_session", session_id, expires_at, None)
        return session

    def retrieve_checkout_session(self, session_id: str) -> Document:
        return self.require("checkout_session", session_id)

    def list_checkout_sessions(self, params: dict[str, Any]) -> tuple[list[Document], bool]:
        where = [models.objects.c.lookup == params["customer"]] if "customer" in params else []
        wanted = {name: params[name] for name in ("payment_intent", "subscription", "status") if name in params}
        return self.list_page("checkout_session", params, where, lambda s: all(s[k] == v for k, v in wanted.items()))

    def list_checkout_line_items(self, session_id: str, params: dict[str, Any]) -> tuple[list[Document], bool]:
        self.require("checkout_session", session_id)
        page, more = self.list_page("checkout_line_item", params, [models.objects.c.parent == session_id])
        return page[::-1], more

    def expire_checkout_session(self, session_id: str) -> Document:
        before = self.require("checkout_session", session_id)
        if before["status"] != "open":
            raise InvalidRequest(f"Only Checkout Sessions with a status of `open` can be expired. This Checkout "
                                 f"Session has a status of `{before['status']}`.")
        self.cancel_timers(session_id)
        return self.replace("checkout_session", {**before, "status": "expired"}, before, lookup=before["customer"])

    @timer_action("expire_checkout_session")
    def expire_on_time(self, session_id: str) -> None:
        session = self.documents.get("checkout_session", session_id)
        if session is not None and session["status"] == "open":
            self.expire_checkout_session(session_id)

    def complete_checkout_session(self, session_id: str, payment_method: str, email: str | None = None) -> Document:
        before = self.require("checkout_session", session_id)
        if before["status"] != "open":
            raise InvalidRequest(f"This Checkout Session is {before['status']}; only an open session can be completed.")
        request = self.documents.get("checkout_session_request", f"{session_id}:request")
        params = request["params"] if request else {}
        customer = self._checkout_customer(before, email)
        if customer is not None:
            self.enter_clock(customer)
        method = self.resolve_payment_method(payment_method, "payment_method")
        if customer is not None:
            self.attach_payment_method(method["id"], customer["id"])
        session = {**before, "status": "complete", "payment_status": "paid",
                   "customer": customer["id"] if customer else None,
                   "customer_details": {"address": None, "business_name": None, "email": email or before["customer_email"]
                                        or (customer or {}).get("email"), "individual_name": None,
                                        "name": (customer or {}).get("name"), "phone": None, "tax_exempt": "none",
                                        "tax_ids": []}}
        lines = self.documents.page("checkout_line_item", limit=100, where=[models.objects.c.parent == session_id])[0][::-1]
        if before["mode"] == "subscription":
            self._complete_subscription(session, params, lines, method["id"])
        elif before["mode"] == "payment":
            intent = self.create_payment_intent({
                "amount": before["amount_total"], "currency": before["currency"], "customer": session["customer"],
                "payment_method": method["id"], "confirm": True, "allowed_payment_method_types": ["card"],
                "metadata": (params.get("payment_intent_data") or {}).get("metadata") or {}})
            session["payment_intent"] = intent["id"]
        else:
            intent = self.create_setup_intent({"customer": session["customer"], "payment_method": method["id"],
                                               "confirm": True, "allowed_payment_method_types": ["card"]})
            session.update(setup_intent=intent["id"], payment_status="no_payment_required")
        self.cancel_timers(session_id)
        return self.replace("checkout_session", session, before, lookup=session["customer"])

    def create_billing_portal_session(self, params: dict[str, Any]) -> Document:
        customer = self.require("customer", params["customer"], param="customer")
        portal = {
            "id": self.new_id("billing_portal_session"),
            "object": "billing_portal.session",
            "configuration": params.get("configuration") or "bpc_mirra_default",
            "created": self.now(),
            "customer": customer["id"],
            "customer_account": None,
            "flow": params.get("flow_data"),
            "livemode": False,
            "locale": params.get("locale"),
            "on_behalf_of": params.get("on_behalf_of"),
            "return_url": params.get("return_url"),
            "url": f"https://billing.stripe.com/p/session/test_{self.session.ids.new('', 40)}",
        }
        return self.insert("billing_portal_session", portal, lookup=customer["id"])

    def _complete_subscription(self, session: Document, params: dict[str, Any], lines: list[Document], method: str) -> None:
        data = params.get("subscription_data") or {}
        request: dict[str, Any] = {
            "customer": session["customer"], "default_payment_method": method, "payment_behavior": "error_if_incomplete",
            "items": [{"price": line["price"]["id"], "quantity": line["quantity"]} for line in lines
                      if line["price"]["type"] == "recurring"],
            "add_invoice_items": [{"price": line["price"]["id"], "quantity": line["quantity"]} for line in lines
                                  if line["price"]["type"] == "one_time"],
            "metadata": data.get("metadata") or {}, "discounts": params.get("discounts") or [],
        }
        for name in ("trial_period_days", "trial_end", "description", "trial_settings"):
            if name in data:
                request[name] = data[name]
        subscription = self.create_subscription(request)
        invoice = self.require("invoice", subscription["latest_invoice"])
        session.update(subscription=subscription["id"], invoice=invoice["id"],
                       payment_status="paid" if invoice["amount_paid"] else "no_payment_required")

    def _checkout_customer(self, session: Document, email: str | None) -> Document | None:
        if session["customer"]:
            return self.require("customer", session["customer"])
        if session["mode"] == "payment" and session["customer_creation"] != "always":
            return None
        return self.create_customer({"email": email or session["customer_email"]} if email or session["customer_email"] else {})

    def _checkout_lines(self, session_id: str, mode: str, entries: list[dict[str, Any]]) -> list[Document]:
        if mode != "setup" and not entries:
            raise ParameterMissing("line_items")
        lines = []
        for index, entry in enumerate(entries):
            param = f"line_items[{index}][price]"
            price = self.require_active_price(entry["price"], param) if entry.get("price") else None
            if price is None:
                raise ParameterMissing(param)
            if mode == "payment" and price["type"] == "recurring":
                raise InvalidRequest("You specified `payment` mode but passed a recurring price. Either switch to "
                                     "`subscription` mode or use only one-time prices.", param=param)
            amount = self.price_amount(price, entry.get("quantity", 1))
            product = self.documents.get("product", price["product"]) or {"name": ""}
            lines.append({"id": self.new_id("checkout_line_item"), "object": "item", "adjustable_quantity": None,
                          "amount_discount": 0, "amount_subtotal": amount, "amount_tax": 0, "amount_total": amount,
                          "currency": price["currency"], "description": product["name"], "metadata": {},
                          "price": price, "quantity": entry.get("quantity", 1)})
        if mode == "subscription" and not any(line["price"]["type"] == "recurring" for line in lines):
            raise InvalidRequest("You must provide at least one recurring price in `subscription` mode when using "
                                 "prices.", param="line_items")
        return lines
