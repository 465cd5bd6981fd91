"""One function per route: read parameters, call the backend, shape the answer."""

from __future__ import annotations

from typing import Any

from mirra.mirrors.stripe import serializers
from mirra.mirrors.stripe.context import RequestContext
from mirra.mirrors.stripe.errors import ResourceMissing


def single(ctx: RequestContext, obj: dict[str, Any]) -> dict[str, Any]:
    return serializers.expand(obj, ctx.params.get("expand", []), ctx.ops.load)


def listing(ctx: RequestContext, url: str, page: tuple[list[dict[str, Any]], bool]) -> dict[str, Any]:
    listing = serializers.list_object(url, *page)
    return serializers.expand_list(listing, ctx.params.get("expand", []), ctx.ops.load)


def create_customer(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.create_customer(ctx.params))


def retrieve_customer(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.retrieve_customer(ctx.path_params["customer"]))


def update_customer(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.update_customer(ctx.path_params["customer"], ctx.params))


def delete_customer(ctx: RequestContext) -> dict[str, Any]:
    return ctx.ops.delete_customer(ctx.path_params["customer"])


def list_customers(ctx: RequestContext) -> dict[str, Any]:
    return listing(ctx, "/v1/customers", ctx.ops.list_customers(ctx.params))


def create_webhook_endpoint(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.create_webhook_endpoint(ctx.params))


def retrieve_webhook_endpoint(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.retrieve_webhook_endpoint(ctx.path_params["webhook_endpoint"]))


def update_webhook_endpoint(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.update_webhook_endpoint(ctx.path_params["webhook_endpoint"], ctx.params))


def delete_webhook_endpoint(ctx: RequestContext) -> dict[str, Any]:
    return ctx.ops.delete_webhook_endpoint(ctx.path_params["webhook_endpoint"])


def list_webhook_endpoints(ctx: RequestContext) -> dict[str, Any]:
    return listing(ctx, "/v1/webhook_endpoints", ctx.ops.list_webhook_endpoints(ctx.params))


def retrieve_event(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.retrieve_event(ctx.path_params["id"]))


def list_events(ctx: RequestContext) -> dict[str, Any]:
    return listing(ctx, "/v1/events", ctx.ops.list_events(ctx.params))


def create_payment_method(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.create_payment_method(ctx.params))


def retrieve_payment_method(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.retrieve_payment_method(ctx.path_params["payment_method"]))


def update_payment_method(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.update_payment_method(ctx.path_params["payment_method"], ctx.params))


def attach_payment_method(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.attach_payment_method(ctx.path_params["payment_method"], ctx.params["customer"]))


def detach_payment_method(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.detach_payment_method(ctx.path_params["payment_method"]))


def list_payment_methods(ctx: RequestContext) -> dict[str, Any]:
    return listing(ctx, "/v1/payment_methods", ctx.ops.list_payment_methods(ctx.params))


def list_customer_payment_methods(ctx: RequestContext) -> dict[str, Any]:
    customer = ctx.path_params["customer"]
    ctx.ops.require("customer", customer)
    page = ctx.ops.list_payment_methods({**ctx.params, "customer": customer})
    return listing(ctx, f"/v1/customers/{customer}/payment_methods", page)


def retrieve_customer_payment_method(ctx: RequestContext) -> dict[str, Any]:
    method = ctx.ops.retrieve_payment_method(ctx.path_params["payment_method"])
    ctx.ops.require("customer", ctx.path_params["customer"])
    if method["customer"] != ctx.path_params["customer"]:
        raise ResourceMissing("PaymentMethod", method["id"])
    return single(ctx, method)


def create_payment_intent(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.create_payment_intent(ctx.params))


def retrieve_payment_intent(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.retrieve_payment_intent(ctx.path_params["intent"]))


def update_payment_intent(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.update_payment_intent(ctx.path_params["intent"], ctx.params))


def confirm_payment_intent(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.confirm_payment_intent(ctx.path_params["intent"], ctx.params))


def capture_payment_intent(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.capture_payment_intent(ctx.path_params["intent"], ctx.params))


def cancel_payment_intent(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.cancel_payment_intent(ctx.path_params["intent"], ctx.params))


def list_payment_intents(ctx: RequestContext) -> dict[str, Any]:
    return listing(ctx, "/v1/payment_intents", ctx.ops.list_payment_intents(ctx.params))


def retrieve_charge(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.retrieve_charge(ctx.path_params["charge"]))


def update_charge(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.update_charge(ctx.path_params["charge"], ctx.params))


def list_charges(ctx: RequestContext) -> dict[str, Any]:
    return listing(ctx, "/v1/charges", ctx.ops.list_charges(ctx.params))


def create_refund(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.create_refund(ctx.params))


def retrieve_refund(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.retrieve_refund(ctx.path_params["refund"]))


def update_refund(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.update_refund(ctx.path_params["refund"], ctx.params))


def list_refunds(ctx: RequestContext) -> dict[str, Any]:
    return listing(ctx, "/v1/refunds", ctx.ops.list_refunds(ctx.params))


def retrieve_balance_transaction(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.retrieve_balance_transaction(ctx.path_params["id"]))


def list_balance_transactions(ctx: RequestContext) -> dict[str, Any]:
    return listing(ctx, "/v1/balance_transactions", ctx.ops.list_balance_transactions(ctx.params))


def create_setup_intent(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.create_setup_intent(ctx.params))


def retrieve_setup_intent(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.retrieve_setup_intent(ctx.path_params["intent"]))


def update_setup_intent(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.update_setup_intent(ctx.path_params["intent"], ctx.params))


def confirm_setup_intent(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.confirm_setup_intent(ctx.path_params["intent"], ctx.params))


def cancel_setup_intent(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.cancel_setup_intent(ctx.path_params["intent"], ctx.params))


def list_setup_intents(ctx: RequestContext) -> dict[str, Any]:
    return listing(ctx, "/v1/setup_intents", ctx.ops.list_setup_intents(ctx.params))


def search_result(ctx: RequestContext, kind: str, resource: str) -> dict[str, Any]:
    result = ctx.ops.search(kind, resource, ctx.params)
    expand = [path for path in ctx.params.get("expand", []) if path != "total_count"]
    return serializers.expand_list(result, expand, ctx.ops.load)


def search_customers(ctx: RequestContext) -> dict[str, Any]:
    return search_result(ctx, "customer", "customers")


def search_payment_intents(ctx: RequestContext) -> dict[str, Any]:
    return search_result(ctx, "payment_intent", "payment_intents")


def search_charges(ctx: RequestContext) -> dict[str, Any]:
    return search_result(ctx, "charge", "charges")


def retrieve_dispute(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.retrieve_dispute(ctx.path_params["dispute"]))


def list_disputes(ctx: RequestContext) -> dict[str, Any]:
    return listing(ctx, "/v1/disputes", ctx.ops.list_disputes(ctx.params))
