"""One function per billing route: catalog, subscriptions, invoices, test clocks, checkout, portal."""

from __future__ import annotations

from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.stripe import serializers
from mirra.mirrors.stripe.context import RequestContext
from mirra.mirrors.stripe.handlers import listing, search_result, single

INVOICE_INCLUDES = ("payments", "confirmation_secret")  # shown only when expanded


def _id(ctx: RequestContext) -> str:
    return ctx.path_params["id"]


def invoice(ctx: RequestContext, obj: Document) -> dict[str, Any]:
    """An invoice, with `expand[]=payments` / `confirmation_secret` filled in when asked for."""
    expand = ctx.params.get("expand", [])
    shown = serializers.expand(obj, [path for path in expand if path not in INVOICE_INCLUDES], ctx.ops.load)
    return {**shown, **ctx.ops.invoice_includes(obj, [path for path in expand if path in INVOICE_INCLUDES])}


def subscription(ctx: RequestContext, obj: Document) -> dict[str, Any]:
    """A subscription; `expand[]=latest_invoice.confirmation_secret` (Stripe's Elements flow) included."""
    expand = ctx.params.get("expand", [])
    includes = [path.removeprefix("latest_invoice.") for path in expand
                if path.removeprefix("latest_invoice.") in INVOICE_INCLUDES and path.startswith("latest_invoice.")]
    rest = [path for path in expand if path.removeprefix("latest_invoice.") not in INVOICE_INCLUDES]
    if includes and "latest_invoice" not in rest:
        rest.append("latest_invoice")
    shown = serializers.expand(obj, rest, ctx.ops.load)
    latest = shown.get("latest_invoice")
    if includes and isinstance(latest, dict):
        shown["latest_invoice"] = {**latest, **ctx.ops.invoice_includes(latest, includes)}
    return shown


def create_product(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.create_product(ctx.params))


def retrieve_product(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.retrieve_product(_id(ctx)))


def update_product(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.update_product(_id(ctx), ctx.params))


def delete_product(ctx: RequestContext) -> dict[str, Any]:
    return ctx.ops.delete_product(_id(ctx))


def list_products(ctx: RequestContext) -> dict[str, Any]:
    return listing(ctx, "/v1/products", ctx.ops.list_products(ctx.params))


def search_products(ctx: RequestContext) -> dict[str, Any]:
    return search_result(ctx, "product", "products")


def create_price(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.create_price(ctx.params))


def retrieve_price(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.retrieve_price(_id(ctx)))


def update_price(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.update_price(_id(ctx), ctx.params))


def list_prices(ctx: RequestContext) -> dict[str, Any]:
    return listing(ctx, "/v1/prices", ctx.ops.list_prices(ctx.params))


def search_prices(ctx: RequestContext) -> dict[str, Any]:
    return search_result(ctx, "price", "prices")


def create_coupon(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.create_coupon(ctx.params))


def retrieve_coupon(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.retrieve_coupon(_id(ctx)))


def update_coupon(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.update_coupon(_id(ctx), ctx.params))


def delete_coupon(ctx: RequestContext) -> dict[str, Any]:
    return ctx.ops.delete_coupon(_id(ctx))


def list_coupons(ctx: RequestContext) -> dict[str, Any]:
    return listing(ctx, "/v1/coupons", ctx.ops.list_coupons(ctx.params))


def create_promotion_code(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.create_promotion_code(ctx.params))


def retrieve_promotion_code(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.retrieve_promotion_code(_id(ctx)))


def update_promotion_code(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.update_promotion_code(_id(ctx), ctx.params))


def list_promotion_codes(ctx: RequestContext) -> dict[str, Any]:
    return listing(ctx, "/v1/promotion_codes", ctx.ops.list_promotion_codes(ctx.params))


def create_subscription(ctx: RequestContext) -> dict[str, Any]:
    return subscription(ctx, ctx.ops.create_subscription(ctx.params))


def retrieve_subscription(ctx: RequestContext) -> dict[str, Any]:
    return subscription(ctx, ctx.ops.retrieve_subscription(_id(ctx)))


def update_subscription(ctx: RequestContext) -> dict[str, Any]:
    return subscription(ctx, ctx.ops.update_subscription(_id(ctx), ctx.params))


def cancel_subscription(ctx: RequestContext) -> dict[str, Any]:
    return subscription(ctx, ctx.ops.cancel_subscription(_id(ctx), ctx.params))


def pause_subscription(ctx: RequestContext) -> dict[str, Any]:
    return subscription(ctx, ctx.ops.pause_subscription(_id(ctx)))


def resume_subscription(ctx: RequestContext) -> dict[str, Any]:
    return subscription(ctx, ctx.ops.resume_subscription(_id(ctx), ctx.params))


def list_subscriptions(ctx: RequestContext) -> dict[str, Any]:
    return listing(ctx, "/v1/subscriptions", ctx.ops.list_subscriptions(ctx.params))


def search_subscriptions(ctx: RequestContext) -> dict[str, Any]:
    return search_result(ctx, "subscription", "subscriptions")


def create_subscription_item(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.create_subscription_item(ctx.params))


def retrieve_subscription_item(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.retrieve_subscription_item(_id(ctx)))


def update_subscription_item(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.update_subscription_item(_id(ctx), ctx.params))


def delete_subscription_item(ctx: RequestContext) -> dict[str, Any]:
    return ctx.ops.delete_subscription_item(_id(ctx), ctx.params)


def list_subscription_items(ctx: RequestContext) -> dict[str, Any]:
    return listing(ctx, "/v1/subscription_items", ctx.ops.list_subscription_items(ctx.params))


def create_invoice(ctx: RequestContext) -> dict[str, Any]:
    return invoice(ctx, ctx.ops.create_invoice(ctx.params))


def create_invoice_preview(ctx: RequestContext) -> dict[str, Any]:
    return invoice(ctx, ctx.ops.create_preview(ctx.params))


def retrieve_invoice(ctx: RequestContext) -> dict[str, Any]:
    return invoice(ctx, ctx.ops.retrieve_invoice(_id(ctx)))


def update_invoice(ctx: RequestContext) -> dict[str, Any]:
    return invoice(ctx, ctx.ops.update_invoice(_id(ctx), ctx.params))


def delete_invoice(ctx: RequestContext) -> dict[str, Any]:
    return ctx.ops.delete_invoice(_id(ctx))


def list_invoices(ctx: RequestContext) -> dict[str, Any]:
    return listing(ctx, "/v1/invoices", ctx.ops.list_invoices(ctx.params))


def search_invoices(ctx: RequestContext) -> dict[str, Any]:
    return search_result(ctx, "invoice", "invoices")


def list_invoice_lines(ctx: RequestContext) -> dict[str, Any]:
    return listing(ctx, f"/v1/invoices/{_id(ctx)}/lines", ctx.ops.list_invoice_lines(_id(ctx), ctx.params))


def finalize_invoice(ctx: RequestContext) -> dict[str, Any]:
    return invoice(ctx, ctx.ops.finalize_invoice(_id(ctx), ctx.params))


def pay_invoice(ctx: RequestContext) -> dict[str, Any]:
    return invoice(ctx, ctx.ops.pay_invoice(_id(ctx), ctx.params))


def void_invoice(ctx: RequestContext) -> dict[str, Any]:
    return invoice(ctx, ctx.ops.void_invoice(_id(ctx)))


def mark_uncollectible(ctx: RequestContext) -> dict[str, Any]:
    return invoice(ctx, ctx.ops.mark_uncollectible(_id(ctx)))


def send_invoice(ctx: RequestContext) -> dict[str, Any]:
    return invoice(ctx, ctx.ops.send_invoice(_id(ctx)))


def list_invoice_payments(ctx: RequestContext) -> dict[str, Any]:
    return listing(ctx, "/v1/invoice_payments", ctx.ops.list_invoice_payments(ctx.params))


def retrieve_invoice_payment(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.retrieve_invoice_payment(_id(ctx)))


def create_invoice_item(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.create_invoice_item(ctx.params))


def retrieve_invoice_item(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.retrieve_invoice_item(_id(ctx)))


def update_invoice_item(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.update_invoice_item(_id(ctx), ctx.params))


def delete_invoice_item(ctx: RequestContext) -> dict[str, Any]:
    return ctx.ops.delete_invoice_item(_id(ctx))


def list_invoice_items(ctx: RequestContext) -> dict[str, Any]:
    return listing(ctx, "/v1/invoiceitems", ctx.ops.list_invoice_items(ctx.params))


def create_test_clock(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.create_test_clock(ctx.params))


def retrieve_test_clock(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.retrieve_test_clock(_id(ctx)))


def delete_test_clock(ctx: RequestContext) -> dict[str, Any]:
    return ctx.ops.delete_test_clock(_id(ctx))


def list_test_clocks(ctx: RequestContext) -> dict[str, Any]:
    return listing(ctx, "/v1/test_helpers/test_clocks", ctx.ops.list_test_clocks(ctx.params))


def advance_test_clock(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.advance_test_clock(_id(ctx), ctx.params["frozen_time"]))


def create_checkout_session(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.create_checkout_session(ctx.params))


def retrieve_checkout_session(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.retrieve_checkout_session(_id(ctx)))


def list_checkout_sessions(ctx: RequestContext) -> dict[str, Any]:
    return listing(ctx, "/v1/checkout/sessions", ctx.ops.list_checkout_sessions(ctx.params))


def expire_checkout_session(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.expire_checkout_session(_id(ctx)))


def list_checkout_line_items(ctx: RequestContext) -> dict[str, Any]:
    page = ctx.ops.list_checkout_line_items(_id(ctx), ctx.params)
    return listing(ctx, f"/v1/checkout/sessions/{_id(ctx)}/line_items", page)


def create_billing_portal_session(ctx: RequestContext) -> dict[str, Any]:
    return single(ctx, ctx.ops.create_billing_portal_session(ctx.params))
