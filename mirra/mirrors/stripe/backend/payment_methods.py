"""PaymentMethods (cards): create, retrieve, update, attach, detach, list; `pm_card_*` aliases."""

from __future__ import annotations

from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.stripe import cards, models
from mirra.mirrors.stripe.backend.base import (
    BackendBase,
    address_object,
    merge_metadata,
)
from mirra.mirrors.stripe.errors import (
    CardError,
    InvalidParameter,
    InvalidRequest,
    ResourceMissing,
)


class PaymentMethods(BackendBase):
    def create_payment_method(self, params: dict[str, Any]) -> Document:
        if params.get("type") != "card":
            raise InvalidParameter(
                f"The payment method type {params.get('type')!r} is not supported by mirra's Stripe mirror; use card.",
                param="type",
            )
        card_params = params.get("card") or {}
        if "token" in card_params:
            card = self._alias(card_params["token"], "card[token]")
        else:
            card = _card_from_details(card_params, self.session.clock.now_year())
        return self._new_payment_method(card, params, card_params.get("exp_month"), card_params.get("exp_year"))

    def resolve_payment_method(self, reference: str, param: str) -> Document:
        """An existing PaymentMethod, or a new one made from a test alias such as pm_card_visa."""
        if reference in cards.BY_ALIAS:
            return self._new_payment_method(cards.BY_ALIAS[reference], {})
        return self.require("payment_method", reference, param=param)

    def retrieve_payment_method(self, payment_method_id: str) -> Document:
        return self.require("payment_method", payment_method_id)

    def update_payment_method(self, payment_method_id: str, params: dict[str, Any]) -> Document:
        before = self.require("payment_method", payment_method_id)
        method = {**before, "billing_details": dict(before["billing_details"])}
        if "metadata" in params:
            method["metadata"] = merge_metadata(before["metadata"], params["metadata"])
        for name, value in (params.get("billing_details") or {}).items():
            method["billing_details"][name] = value
        if "allow_redisplay" in params:
            method["allow_redisplay"] = params["allow_redisplay"]
        return self.replace("payment_method", method, before, lookup=method["customer"])

    def attach_payment_method(self, payment_method_id: str, customer_id: str) -> Document:
        before = self.resolve_payment_method(payment_method_id, "id")
        self.require("customer", customer_id, param="customer")
        if before["customer"] == customer_id:
            return before
        if before["customer"] is not None:
            raise InvalidRequest(
                "The payment method you provided has already been attached to a customer.", param="payment_method"
            )
        card = self.card_of(before)
        if card.declines_on_attach and card.decline is not None:
            raise CardError(card.decline.code, card.decline.message, decline_code=card.decline.decline_code,
                            param=card.decline.param)
        return self.replace("payment_method", {**before, "customer": customer_id}, before, lookup=customer_id)

    def detach_payment_method(self, payment_method_id: str) -> Document:
        before = self.require("payment_method", payment_method_id)
        if before["customer"] is None:
            raise InvalidRequest(
                "The payment method you provided is not attached to a customer so detachment is impossible.",
                param="payment_method",
            )
        return self.replace("payment_method", {**before, "customer": None}, before, lookup=None)

    def list_payment_methods(self, params: dict[str, Any]) -> tuple[list[Document], bool]:
        where = []
        if "customer" in params:
            self.require("customer", params["customer"], param="customer")
            where.append(models.objects.c.lookup == params["customer"])
        if params.get("type") not in (None, "card"):
            return [], False
        return self.list_page("payment_method", params, where)

    def card_of(self, payment_method: Document) -> cards.Card:
        """The test card behind a PaymentMethod (its number is kept apart, as Stripe keeps it)."""
        stored = self.documents.get("card_number", f"{payment_method['id']}:number")
        if stored is None:
            raise ResourceMissing("PaymentMethod", payment_method["id"], param="payment_method")
        return cards.by_number(str(stored["number"]))

    def _alias(self, alias: str, param: str) -> cards.Card:
        if alias not in cards.BY_ALIAS:
            raise ResourceMissing("token", alias, param=param)
        return cards.BY_ALIAS[alias]

    def _new_payment_method(
        self, card: cards.Card, params: dict[str, Any], exp_month: int | None = None, exp_year: int | None = None
    ) -> Document:
        billing = params.get("billing_details") or {}
        method = {
            "id": self.new_id("payment_method"),
            "object": "payment_method",
            "allow_redisplay": params.get("allow_redisplay", "unspecified"),
            "billing_details": {
                "address": address_object(billing.get("address")),
                "email": billing.get("email"),
                "name": billing.get("name"),
                "phone": billing.get("phone"),
                "tax_id": None,
            },
            "card": card_details(card, exp_month or 12, exp_year or self.session.clock.now_year() + 8),
            "created": self.now(),
            "customer": None,
            "customer_account": None,
            "livemode": False,
            "metadata": merge_metadata({}, params.get("metadata") or {}),
            "radar_options": {},
            "type": "card",
        }
        self.insert("payment_method", method)
        self.documents.insert("card_number", {"id": f"{method['id']}:number", "number": card.number, "created": method["created"]},
                              parent=method["id"])
        return method


def card_details(card: cards.Card, exp_month: int, exp_year: int) -> dict[str, Any]:
    return {
        "brand": card.brand,
        "checks": {"address_line1_check": None, "address_postal_code_check": None, "cvc_check": "pass"},
        "country": card.country,
        "display_brand": card.brand,
        "exp_month": exp_month,
        "exp_year": exp_year,
        "fingerprint": card.number[-8:][::-1].replace("0", "x") + card.brand[:8],
        "funding": card.funding,
        "generated_from": None,
        "last4": card.last4,
        "networks": {"available": [card.brand], "preferred": None},
        "regulated_status": "unregulated",
        "three_d_secure_usage": {"supported": True},
        "wallet": None,
    }


def _card_from_details(details: dict[str, Any], this_year: int) -> cards.Card:
    number = str(details.get("number", "")).replace(" ", "")
    if not number:
        raise InvalidParameter("Missing required param: card[number].", param="card[number]")
    if not cards.luhn_valid(number):
        decline = cards.INCORRECT_NUMBER
        raise CardError(decline.code, decline.message, decline_code=None, param="number")
    month, year = details.get("exp_month"), details.get("exp_year")
    if month is not None and not 1 <= month <= 12:
        raise CardError("invalid_expiry_month", "Your card's expiration month is invalid.", decline_code=None, param="exp_month")
    if year is not None and year < this_year:
        raise CardError("invalid_expiry_year", "Your card's expiration year is invalid.", decline_code=None, param="exp_year")
    return cards.by_number(number)
