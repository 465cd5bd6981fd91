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
}

KIND_BY_PREFIX = {prefix: kind for kind, (prefix, _) in PREFIXES.items()}

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
}


def kind_of(object_id: str) -> str | None:
    prefix, underscore, _ = object_id.partition("_")
    return KIND_BY_PREFIX.get(prefix + underscore) if underscore else None
