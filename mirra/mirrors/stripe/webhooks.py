"""Stripe's webhook signing and retry schedule; `delivery/` does the sending.

`Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<payload>" keyed with the whole
whsec_ secret>`, made afresh for every attempt, as Stripe does.
"""

from __future__ import annotations

import hashlib
import hmac

# Stripe retries test-mode deliveries three times over a few hours; mirra compresses that (the
# session setting `webhookRetrySeconds` changes it).
DEFAULT_RETRY_SECONDS = (10.0, 60.0, 300.0)


def sign(payload: bytes, secret: str, timestamp: int) -> tuple[dict[str, str], str]:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    signature = f"t={timestamp},v1={mac}"
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        "Accept": "*/*; q=0.5, application/xml",
        "Cache-Control": "no-cache",
        "Stripe-Signature": signature,
    }
    return headers, signature
