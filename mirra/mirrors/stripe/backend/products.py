"""The catalog: products and their prices (one-time or recurring, per unit or tiered)."""

from __future__ import annotations

from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.stripe import models
from mirra.mirrors.stripe.backend.base import BackendBase, merge_metadata
from mirra.mirrors.stripe.errors import (
    InvalidRequest,
    ParameterMissing,
    ResourceMissing,
)

_PRODUCT_FIELDS = ("active", "description", "images", "marketing_features", "name", "package_dimensions",
                   "shippable", "statement_descriptor", "tax_code", "unit_label", "url")


class Products(BackendBase):
    def create_product(self, params: dict[str, Any]) -> Document:
        product_id = params.get("id") or self.new_id("product")
        if self.documents.get("product", product_id, include_deleted=True) is not None:
            raise InvalidRequest("Product already exists.", param="id")
        now = self.now()
        product = {
            "id": product_id,
            "object": "product",
            "active": True,
            "created": now,
            "default_price": None,
            "description": None,
            "images": [],
            "livemode": False,
            "marketing_features": [],
            "metadata": {},
            "name": params["name"],
            "package_dimensions": None,
            "shippable": None,
            "statement_descriptor": None,
            "tax_code": None,
            "type": "service",
            "unit_label": None,
            "updated": now,
            "url": None,
        }
        _apply(product, params)
        self.insert("product", product)
        if params.get("default_price_data"):
            price = self.create_price({**params["default_price_data"], "product": product_id})
            return self.update_product(product_id, {"default_price": price["id"]})
        return product

    def retrieve_product(self, product_id: str) -> Document:
        return self.require("product", product_id)

    def update_product(self, product_id: str, params: dict[str, Any]) -> Document:
        before = self.require("product", product_id)
        product = dict(before)
        _apply(product, params)
        if params.get("default_price"):
            price = self.require("price", params["default_price"], param="default_price")
            if price["product"] != product_id:
                raise InvalidRequest(f"The price `{price['id']}` does not belong to product `{product_id}`.",
                                     param="default_price")
        if "default_price" in params:
            product["default_price"] = params["default_price"]
        if product != before:
            product["updated"] = self.now()
        return self.replace("product", product, before)

    def delete_product(self, product_id: str) -> Document:
        before = self.require("product", product_id)
        if self.documents.page("price", limit=1, where=[models.objects.c.parent == product_id])[0]:
            raise InvalidRequest("This product cannot be deleted because it has one or more user-created prices.")
        self.remove("product", before)
        return {"id": product_id, "object": "product", "deleted": True}

    def list_products(self, params: dict[str, Any]) -> tuple[list[Document], bool]:
        wanted = {key: params[key] for key in ("active", "shippable") if key in params}
        return self.list_page("product", params, [], lambda p: all(p[k] == v for k, v in wanted.items())
                              and ("ids" not in params or p["id"] in params["ids"]))

    def create_price(self, params: dict[str, Any]) -> Document:
        product_id = self._product_for_price(params)
        scheme = params.get("billing_scheme", "per_unit")
        _check_amounts(params, scheme)
        recurring = params.get("recurring")
        lookup_key = params.get("lookup_key")
        if lookup_key:
            self._take_lookup_key(lookup_key, bool(params.get("transfer_lookup_key")))
        unit_amount = params.get("unit_amount")
        if unit_amount is None and params.get("unit_amount_decimal") is not None:
            unit_amount = int(float(params["unit_amount_decimal"]))
        price = {
            "id": self.new_id("price"),
            "object": "price",
            "active": params.get("active", True),
            "billing_scheme": scheme,
            "created": self.now(),
            "currency": params["currency"].lower(),
            "custom_unit_amount": None,
            "livemode": False,
            "lookup_key": lookup_key,
            "metadata": merge_metadata({}, params.get("metadata") or {}),
            "nickname": params.get("nickname"),
            "product": product_id,
            "recurring": recurring and {
                "interval": recurring["interval"],
                "interval_count": recurring.get("interval_count", 1),
                "meter": recurring.get("meter"),
                "trial_period_days": recurring.get("trial_period_days"),
                "usage_type": recurring.get("usage_type", "licensed"),
            },
            "tax_behavior": params.get("tax_behavior", "unspecified"),
            "tiers_mode": params.get("tiers_mode"),
            "transform_quantity": params.get("transform_quantity"),
            "type": "recurring" if recurring else "one_time",
            "unit_amount": unit_amount,
            "unit_amount_decimal": None if unit_amount is None else str(params.get("unit_amount_decimal", unit_amount)),
        }
        if scheme == "tiered":
            price["tiers"] = [_tier(tier) for tier in params["tiers"]]
        return self.insert("price", price, parent=product_id, lookup=lookup_key)

    def retrieve_price(self, price_id: str) -> Document:
        return self.require("price", price_id)

    def update_price(self, price_id: str, params: dict[str, Any]) -> Document:
        before = self.require("price", price_id)
        price = dict(before)
        if params.get("lookup_key") and params["lookup_key"] != before["lookup_key"]:
            self._take_lookup_key(params["lookup_key"], bool(params.get("transfer_lookup_key")))
        for name in ("active", "lookup_key", "nickname", "tax_behavior"):
            if name in params:
                price[name] = params[name]
        if "metadata" in params:
            price["metadata"] = merge_metadata(before["metadata"], params["metadata"])
        return self.replace("price", price, before, lookup=price["lookup_key"])

    def list_prices(self, params: dict[str, Any]) -> tuple[list[Document], bool]:
        where = []
        if "product" in params:
            where.append(models.objects.c.parent == params["product"])
        if params.get("lookup_keys"):
            where.append(models.objects.c.lookup.in_(params["lookup_keys"]))
        wanted = {name: params[name] for name in ("active", "currency", "type") if name in params}
        recurring = params.get("recurring")

        def matches(price: Document) -> bool:
            return all(price[k] == v for k, v in wanted.items()) and (
                recurring is None or bool(price["recurring"]) and all(price["recurring"][k] == v for k, v in recurring.items()))

        return self.list_page("price", params, where, matches)

    def price_amount(self, price: Document, quantity: int) -> int:
        """What `quantity` units cost under the price's scheme (per unit, volume or graduated tiers)."""
        if price["billing_scheme"] != "tiered":
            return int(price["unit_amount"] or 0) * quantity
        if price["tiers_mode"] == "volume":
            tier = next(t for t in price["tiers"] if t["up_to"] is None or quantity <= t["up_to"])
            return (tier["unit_amount"] or 0) * quantity + (tier["flat_amount"] or 0)
        total, floor = 0, 0
        for tier in price["tiers"]:
            if quantity <= floor:
                break
            units = (quantity if tier["up_to"] is None else min(quantity, tier["up_to"])) - floor
            total += (tier["unit_amount"] or 0) * units + (tier["flat_amount"] or 0)
            floor = tier["up_to"] or quantity
        return total

    def _product_for_price(self, params: dict[str, Any]) -> str:
        if params.get("product"):
            return str(self.require("product", params["product"], param="product")["id"])
        if params.get("product_data"):
            return str(self.create_product(params["product_data"])["id"])
        raise ParameterMissing("product")

    def _take_lookup_key(self, lookup_key: str, transfer: bool) -> None:
        holders, _ = self.documents.page("price", limit=1, where=[models.objects.c.lookup == lookup_key])
        if not holders:
            return
        if not transfer:
            raise InvalidRequest(f"A price (`{holders[0]['id']}`) already uses that lookup key.", param="lookup_key")
        self.replace("price", {**holders[0], "lookup_key": None}, holders[0], lookup=None)

    def require_active_price(self, price_id: str, param: str) -> Document:
        price = self.documents.get("price", price_id)
        if price is None:
            raise ResourceMissing("price", price_id, param=param)
        if not price["active"]:
            raise InvalidRequest("The price specified is inactive. This field only accepts active prices.", param=param)
        return price


def _apply(product: Document, params: dict[str, Any]) -> None:
    for name in _PRODUCT_FIELDS:
        if name in params:
            product[name] = params[name] if params[name] is not None or name not in ("images", "marketing_features") else []
    if "metadata" in params:
        product["metadata"] = merge_metadata(product["metadata"], params["metadata"])


def _check_amounts(params: dict[str, Any], scheme: str) -> None:
    if scheme == "tiered":
        if not params.get("tiers"):
            raise ParameterMissing("tiers")
        if not params.get("tiers_mode"):
            raise ParameterMissing("tiers_mode")
        if params["tiers"][-1].get("up_to") != "inf":
            raise InvalidRequest("The last tier must have `up_to` set to `inf`.", param="tiers")
        return
    if params.get("tiers"):
        raise InvalidRequest("You may only specify `tiers` when `billing_scheme` is set to `tiered`.", param="tiers")
    if params.get("unit_amount") is None and params.get("unit_amount_decimal") is None and not params.get("custom_unit_amount"):
        raise ParameterMissing("unit_amount")
    if (params.get("unit_amount") or 0) < 0:
        raise InvalidRequest("This value must be greater than or equal to 0.", param="unit_amount")


def _tier(tier: dict[str, Any]) -> dict[str, Any]:
    up_to = tier.get("up_to")
    return {
        "flat_amount": tier.get("flat_amount"),
        "flat_amount_decimal": None if tier.get("flat_amount") is None else str(tier["flat_amount"]),
        "unit_amount": tier.get("unit_amount"),
        "unit_amount_decimal": None if tier.get("unit_amount") is None else str(tier["unit_amount"]),
        "up_to": None if up_to in (None, "inf") else int(up_to),
    }
