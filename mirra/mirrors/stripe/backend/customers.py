"""Customers: create, retrieve, update, delete, list."""

from __future__ import annotations

import re
from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.stripe import cards, models
from mirra.mirrors.stripe.backend.base import (
    BackendBase,
    address_object,
    merge_metadata,
)
from mirra.mirrors.stripe.errors import EmailInvalid, ResourceMissing

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Customers(BackendBase):
    def create_customer(self, params: dict[str, Any]) -> Document:
        """`payment_method` (an id or a test alias such as pm_card_visa) is attached to the new
        customer; naming it again as invoice_settings.default_payment_method makes it the default."""
        method_reference = params.get("payment_method")
        if method_reference in cards.BY_ALIAS:
            self._check_customer_params({**params, "payment_method": None, "invoice_settings": _without_default(params, method_reference)})
        else:
            self._check_customer_params(params)
        method = self.resolve_payment_method(method_reference, "payment_method") if method_reference else None
        if method is not None and (params.get("invoice_settings") or {}).get("default_payment_method") == method_reference:
            params = {**params, "invoice_settings": {**params["invoice_settings"], "default_payment_method": method["id"]}}
        if params.get("test_clock"):  # a clock's customer lives on the clock's time from the start
            self.frozen_at = self.require("test_clock", params["test_clock"], param="test_clock")["frozen_time"]
        customer = {
            "id": self.new_id("customer"),
            "object": "customer",
            "address": None,
            "balance": 0,
            "business_name": None,
            "created": self.now(),
            "currency": None,
            "customer_account": None,
            "default_source": None,
            "delinquent": False,
            "description": None,
            "discount": None,
            "email": None,
            "individual_name": None,
            "invoice_prefix": self.session.ids.hex_upper(8),
            "invoice_settings": {
                "custom_fields": None,
                "default_payment_method": None,
                "footer": None,
                "rendering_options": None,
            },
            "livemode": False,
            "metadata": {},
            "name": None,
            "next_invoice_sequence": 1,
            "phone": None,
            "preferred_locales": [],
            "shipping": None,
            "tax_exempt": "none",
            "test_clock": params.get("test_clock"),
        }
        _apply_customer_params(customer, params)
        created = self.insert("customer", customer, lookup=customer["email"])
        if method is not None:
            self.attach_payment_method(method["id"], created["id"])
        return created

    def retrieve_customer(self, customer_id: str) -> Document:
        found = self.documents.get("customer", customer_id)
        if found is not None:
            return found
        if self.documents.is_deleted("customer", customer_id):
            return _deleted_customer(customer_id)
        raise ResourceMissing("customer", customer_id)

    def update_customer(self, customer_id: str, params: dict[str, Any]) -> Document:
        before = self.require("customer", customer_id)
        self._check_customer_params(params)
        customer = {**before, "invoice_settings": dict(before["invoice_settings"])}
        _apply_customer_params(customer, params)
        return self.replace("customer", customer, before, lookup=customer["email"])

    def delete_customer(self, customer_id: str) -> Document:
        before = self.require("customer", customer_id)
        self.remove("customer", before)
        return _deleted_customer(customer_id)

    def list_customers(self, params: dict[str, Any]) -> tuple[list[Document], bool]:
        where = []
        if "email" in params:
            where.append(models.objects.c.lookup == params["email"])
        if "test_clock" in params:
            self.require("test_clock", params["test_clock"], param="test_clock")
        return self.list_page("customer", params, where)

    def _check_customer_params(self, params: dict[str, Any]) -> None:
        """Refuse references to objects this session does not have, before anything changes."""
        email = params.get("email")
        if email and not _EMAIL.match(email):
            raise EmailInvalid(email)
        references = {
            "payment_method": ("payment_method", params.get("payment_method")),
            "source": ("source", params.get("source")),
            "default_source": ("source", params.get("default_source")),
            "test_clock": ("test_clock", params.get("test_clock")),
            "invoice_settings[default_payment_method]": (
                "payment_method",
                (params.get("invoice_settings") or {}).get("default_payment_method"),
            ),
        }
        for param, (kind, object_id) in references.items():
            if object_id:
                self.require(kind, object_id, param=param)


def _without_default(params: dict[str, Any], method_reference: str) -> dict[str, Any] | None:
    """invoice_settings without a default that names the payment method being attached."""
    settings = params.get("invoice_settings")
    if settings and settings.get("default_payment_method") == method_reference:
        return {**settings, "default_payment_method": None}
    return settings


def _apply_customer_params(customer: Document, params: dict[str, Any]) -> None:
    for name in (
        "balance",
        "business_name",
        "description",
        "email",
        "individual_name",
        "invoice_prefix",
        "name",
        "next_invoice_sequence",
        "phone",
        "preferred_locales",
    ):
        if name in params:
            customer[name] = params[name]
    if "tax_exempt" in params:
        customer["tax_exempt"] = params["tax_exempt"] or "none"
    if "address" in params:
        customer["address"] = _address(params["address"])
    if "shipping" in params:
        shipping = params["shipping"]
        customer["shipping"] = shipping and {
            "address": _address(shipping["address"]),
            "name": shipping["name"],
            "phone": shipping.get("phone"),
        }
    if "metadata" in params:
        customer["metadata"] = merge_metadata(customer["metadata"], params["metadata"])
    settings = params.get("invoice_settings") or {}
    for name in ("custom_fields", "default_payment_method", "footer", "rendering_options"):
        if name in settings:
            customer["invoice_settings"][name] = settings[name]


def _address(address: dict[str, str] | None) -> dict[str, Any] | None:
    return None if address is None else address_object(address)


def _deleted_customer(customer_id: str) -> Document:
    return {"id": customer_id, "object": "customer", "deleted": True}
