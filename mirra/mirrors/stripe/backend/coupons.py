"""Coupons, promotion codes and the discounts they become on subscriptions and invoices."""

from __future__ import annotations

from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.stripe import models, periods
from mirra.mirrors.stripe.backend.base import BackendBase, merge_metadata
from mirra.mirrors.stripe.errors import (
    InvalidRequest,
    ParameterMissing,
    ResourceMissing,
)


class Coupons(BackendBase):
    def create_coupon(self, params: dict[str, Any]) -> Document:
        if params.get("percent_off") is None and params.get("amount_off") is None:
            raise InvalidRequest("Must provide one of `amount_off` or `percent_off`.")
        if params.get("amount_off") is not None and not params.get("currency"):
            raise ParameterMissing("currency")
        duration = params.get("duration", "once")
        if duration == "repeating" and not params.get("duration_in_months"):
            raise ParameterMissing("duration_in_months")
        coupon_id = params.get("id") or self.session.ids.new("", 8)
        if self.documents.get("coupon", coupon_id, include_deleted=True) is not None:
            raise InvalidRequest("Coupon already exists.", param="id")
        coupon = {
            "id": coupon_id,
            "object": "coupon",
            "amount_off": params.get("amount_off"),
            "created": self.now(),
            "currency": (params.get("currency") or "").lower() or None,
            "duration": duration,
            "duration_in_months": params.get("duration_in_months") if duration == "repeating" else None,
            "livemode": False,
            "max_redemptions": params.get("max_redemptions"),
            "metadata": merge_metadata({}, params.get("metadata") or {}),
            "name": params.get("name"),
            "percent_off": params.get("percent_off"),
            "redeem_by": params.get("redeem_by"),
            "times_redeemed": 0,
            "valid": True,
        }
        return self.insert("coupon", coupon)

    def retrieve_coupon(self, coupon_id: str) -> Document:
        return self.require("coupon", coupon_id)

    def update_coupon(self, coupon_id: str, params: dict[str, Any]) -> Document:
        before = self.require("coupon", coupon_id)
        coupon = dict(before)
        if "name" in params:
            coupon["name"] = params["name"]
        if "metadata" in params:
            coupon["metadata"] = merge_metadata(before["metadata"], params["metadata"])
        return self.replace("coupon", coupon, before)

    def delete_coupon(self, coupon_id: str) -> Document:
        self.remove("coupon", self.require("coupon", coupon_id))
        return {"id": coupon_id, "object": "coupon", "deleted": True}

    def list_coupons(self, params: dict[str, Any]) -> tuple[list[Document], bool]:
        return self.list_page("coupon", params, [])

    def create_promotion_code(self, params: dict[str, Any]) -> Document:
        coupon = self.require("coupon", params["promotion"].get("coupon", ""), param="promotion[coupon]")
        code = params.get("code") or self.session.ids.new("", 8).upper()
        if self._active_code(code) is not None:
            raise InvalidRequest("An active promotion code with `code` already exists.", param="code")
        restrictions = params.get("restrictions") or {}
        promotion = {
            "id": self.new_id("promotion_code"),
            "object": "promotion_code",
            "active": params.get("active", True),
            "code": code,
            "created": self.now(),
            "customer": params.get("customer"),
            "customer_account": None,
            "expires_at": params.get("expires_at"),
            "livemode": False,
            "max_redemptions": params.get("max_redemptions"),
            "metadata": merge_metadata({}, params.get("metadata") or {}),
            "promotion": {"coupon": coupon["id"], "type": "coupon"},
            "restrictions": {
                "first_time_transaction": restrictions.get("first_time_transaction", False),
                "minimum_amount": restrictions.get("minimum_amount"),
                "minimum_amount_currency": restrictions.get("minimum_amount_currency"),
            },
            "times_redeemed": 0,
        }
        return self.insert("promotion_code", promotion, lookup=code)

    def retrieve_promotion_code(self, promotion_id: str) -> Document:
        return self.require("promotion_code", promotion_id)

    def update_promotion_code(self, promotion_id: str, params: dict[str, Any]) -> Document:
        before = self.require("promotion_code", promotion_id)
        promotion = dict(before)
        if "active" in params:
            promotion["active"] = params["active"]
        if "metadata" in params:
            promotion["metadata"] = merge_metadata(before["metadata"], params["metadata"])
        return self.replace("promotion_code", promotion, before, lookup=promotion["code"])

    def list_promotion_codes(self, params: dict[str, Any]) -> tuple[list[Document], bool]:
        where = [models.objects.c.lookup == params["code"]] if "code" in params else []
        return self.list_page("promotion_code", params, where, lambda p: params.get("active", p["active"]) == p["active"]
                              and params.get("coupon", p["promotion"]["coupon"]) == p["promotion"]["coupon"])

    def new_discounts(self, requested: list[dict[str, str]] | None, customer: str, *,
                      subscription: str | None = None, invoice: str | None = None) -> list[str]:
        """Turn `discounts[]` ({coupon} / {promotion_code} / {discount}) into discount ids, redeeming each."""
        found = []
        for index, entry in enumerate(requested or []):
            if entry.get("discount"):
                found.append(self.require("discount", entry["discount"], param=f"discounts[{index}][discount]")["id"])
                continue
            promotion = None
            if entry.get("promotion_code"):
                promotion = self._redeemable_code(entry["promotion_code"], customer, f"discounts[{index}][promotion_code]")
                coupon_id = promotion["promotion"]["coupon"]
            else:
                coupon_id = entry.get("coupon", "")
            coupon = self._redeemable_coupon(coupon_id, f"discounts[{index}][coupon]")
            found.append(self._new_discount(coupon, promotion, customer, subscription, invoice)["id"])
        return found

    def discount_amount(self, discount_id: str, subtotal: int) -> int:
        """How much one discount takes off `subtotal` (never more than it)."""
        coupon = self.require("discount", discount_id)["source"]["coupon"]
        coupon = self.documents.get("coupon", coupon, include_deleted=True) or {}
        if coupon.get("percent_off") is not None:
            return min(subtotal, round(subtotal * coupon["percent_off"] / 100))
        return min(subtotal, coupon.get("amount_off") or 0)

    def discount_applies(self, discount_id: str, at: int) -> bool:
        discount = self.documents.get("discount", discount_id)
        return discount is not None and (discount["end"] is None or at < discount["end"])

    def use_discounts(self, discount_ids: list[str]) -> None:
        """A finalized invoice used its discounts: a `once` coupon's discount ends there."""
        for discount_id in discount_ids:
            discount = self.documents.get("discount", discount_id)
            coupon = self.documents.get("coupon", discount["source"]["coupon"], include_deleted=True) if discount else None
            if discount and coupon and coupon["duration"] == "once" and discount["end"] is None:
                self.documents.replace("discount", {**discount, "end": self.now()}, discount)

    def _new_discount(self, coupon: Document, promotion: Document | None, customer: str,
                      subscription: str | None, invoice: str | None) -> Document:
        start = self.now()
        end = periods.shift(start, "month", coupon["duration_in_months"]) if coupon["duration"] == "repeating" else None
        discount = {
            "id": self.new_id("discount"),
            "object": "discount",
            "checkout_session": None,
            "customer": customer,
            "customer_account": None,
            "end": end,
            "invoice": invoice,
            "invoice_item": None,
            "promotion_code": promotion["id"] if promotion else None,
            "source": {"coupon": coupon["id"], "type": "coupon"},
            "start": start,
            "subscription": subscription,
            "subscription_item": None,
        }
        self.replace("coupon", {**coupon, "times_redeemed": coupon["times_redeemed"] + 1}, coupon)
        if promotion:
            self.replace("promotion_code", {**promotion, "times_redeemed": promotion["times_redeemed"] + 1},
                         promotion, lookup=promotion["code"])
        return self.insert("discount", discount, parent=subscription or invoice)

    def _redeemable_coupon(self, coupon_id: str, param: str) -> Document:
        coupon = self.documents.get("coupon", coupon_id)
        if coupon is None:
            raise ResourceMissing("coupon", coupon_id, param=param)
        expired = coupon["redeem_by"] is not None and coupon["redeem_by"] <= self.now()
        exhausted = coupon["max_redemptions"] is not None and coupon["times_redeemed"] >= coupon["max_redemptions"]
        if expired or exhausted or not coupon["valid"]:
            raise InvalidRequest(f"Coupon is not valid: {coupon_id}", param=param)
        return coupon

    def _redeemable_code(self, promotion_id: str, customer: str, param: str) -> Document:
        promotion = self.documents.get("promotion_code", promotion_id)
        if promotion is None:
            raise ResourceMissing("promotion_code", promotion_id, param=param)
        expired = promotion["expires_at"] is not None and promotion["expires_at"] <= self.now()
        exhausted = promotion["max_redemptions"] is not None and promotion["times_redeemed"] >= promotion["max_redemptions"]
        wrong_customer = promotion["customer"] not in (None, customer)
        if not promotion["active"] or expired or exhausted or wrong_customer:
            raise InvalidRequest("This promotion code cannot be redeemed because the associated customer does not "
                                 "match the customer it is being applied to." if wrong_customer else
                                 f"Promotion code is not valid: {promotion['code']}", param=param)
        return promotion

    def _active_code(self, code: str) -> Document | None:
        holders, _ = self.documents.page("promotion_code", limit=100, where=[models.objects.c.lookup == code])
        return next((p for p in holders if p["active"]), None)
