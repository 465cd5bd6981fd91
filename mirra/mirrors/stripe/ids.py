"""Stripe's id prefixes and lengths, and which object kind each prefix names."""

from __future__ import annotations

# kind -> (prefix, random characters after it), as real Stripe ids look.
PREFIXES: dict[str, tuple[str, int]] = {
    "customer": ("cus_", 14),
    "request": ("req_", 14),
    "event": ("evt_", 24),
    "webhook_endpoint": ("we_", 24),
    "payment_method": ("pm_", 24),
    "payment_intent": ("pi_", 24),
    "setup_intent": ("seti_", 24),
    "charge": ("ch_", 24),
    "refund": ("re_", 24),
    "dispute": ("dp_", 24),
    "balance_transaction": ("txn_", 24),
    "product": ("prod_", 14),
    "price": ("price_", 24),
    "promotion_code": ("promo_", 24),
    "discount": ("di_", 24),
    "subscription": ("sub_", 24),
    "subscription_item": ("si_", 14),
    "invoice": ("in_", 24),
    "invoiceitem": ("ii_", 24),
    "line_item": ("il_", 24),
    "invoice_payment": ("inpay_", 24),
    "test_clock": ("clock_", 24),
    "checkout_session": ("cs_test_", 58),
    "checkout_line_item": ("li_", 24),
    "billing_portal_session": ("bps_", 24),
    "billing_timer": ("tmr_", 24),
}

KIND_BY_PREFIX = {prefix: kind for kind, (prefix, _) in PREFIXES.items()} | {"cs_": "checkout_session"}

# The noun Stripe uses in "No such <noun>: 'id'".
NOUNS: dict[str, str] = {
    "customer": "customer",
    "event": "event",
    "webhook_endpoint": "webhook_endpoint",
    "payment_method": "PaymentMethod",
    "payment_intent": "payment_intent",
    "setup_intent": "setup_intent",
    "charge": "charge",
    "refund": "refund",
    "dispute": "dispute",
    "balance_transaction": "balance_transaction",
    "source": "source",
    "test_clock": "test_clock",
    "product": "product",
    "price": "price",
    "coupon": "coupon",
    "promotion_code": "promotion_code",
    "subscription": "subscription",
    "subscription_item": "subscription_item",
    "invoice": "invoice",
    "invoiceitem": "invoiceitem",
    "invoice_payment": "invoice_payment",
    "checkout_session": "checkout.session",
}


def kind_of(object_id: str) -> str | None:
    prefix, underscore, _ = object_id.partition("_")
    return KIND_BY_PREFIX.get(prefix + underscore) if underscore else None
