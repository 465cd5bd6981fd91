"""One function per route: read parameters, call the backend, shape the answer."""

from __future__ import annotations

from typing import Any

from mirra.mirrors.stripe import serializers
from mirra.mirrors.stripe.context import RequestContext


def _one(ctx: RequestContext, obj: dict[str, Any]) -> dict[str, Any]:
    return serializers.expand(obj, ctx.params.get("expand", []), ctx.ops.load)


def _page(ctx: RequestContext, url: str, page: tuple[list[dict[str, Any]], bool]) -> dict[str, Any]:
    listing = serializers.list_object(url, *page)
    return serializers.expand_list(listing, ctx.params.get("expand", []), ctx.ops.load)


def create_customer(ctx: RequestContext) -> dict[str, Any]:
    return _one(ctx, ctx.ops.create_customer(ctx.params))


def retrieve_customer(ctx: RequestContext) -> dict[str, Any]:
    return _one(ctx, ctx.ops.retrieve_customer(ctx.path_params["customer"]))


def update_customer(ctx: RequestContext) -> dict[str, Any]:
    return _one(ctx, ctx.ops.update_customer(ctx.path_params["customer"], ctx.params))


def delete_customer(ctx: RequestContext) -> dict[str, Any]:
    return ctx.ops.delete_customer(ctx.path_params["customer"])


def list_customers(ctx: RequestContext) -> dict[str, Any]:
    return _page(ctx, "/v1/customers", ctx.ops.list_customers(ctx.params))


def create_webhook_endpoint(ctx: RequestContext) -> dict[str, Any]:
    return _one(ctx, ctx.ops.create_webhook_endpoint(ctx.params))


def retrieve_webhook_endpoint(ctx: RequestContext) -> dict[str, Any]:
    return _one(ctx, ctx.ops.retrieve_webhook_endpoint(ctx.path_params["webhook_endpoint"]))


def update_webhook_endpoint(ctx: RequestContext) -> dict[str, Any]:
    return _one(ctx, ctx.ops.update_webhook_endpoint(ctx.path_params["webhook_endpoint"], ctx.params))


def delete_webhook_endpoint(ctx: RequestContext) -> dict[str, Any]:
    return ctx.ops.delete_webhook_endpoint(ctx.path_params["webhook_endpoint"])


def list_webhook_endpoints(ctx: RequestContext) -> dict[str, Any]:
    return _page(ctx, "/v1/webhook_endpoints", ctx.ops.list_webhook_endpoints(ctx.params))


def retrieve_event(ctx: RequestContext) -> dict[str, Any]:
    return _one(ctx, ctx.ops.retrieve_event(ctx.path_params["id"]))


def list_events(ctx: RequestContext) -> dict[str, Any]:
    return _page(ctx, "/v1/events", ctx.ops.list_events(ctx.params))
