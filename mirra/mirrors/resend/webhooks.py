"""Resend's webhook signing (Svix / Standard Webhooks v1) and retry schedule; `delivery/` sends.

    svix-id         msg_ + 27 base62 characters, derived from the payload: the same on every retry
    svix-timestamp  unix seconds of this attempt
    svix-signature  v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>" keyed with the decoded secret>
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from mirra.sessions.ids import IdGenerator

# Resend retries after 5 s, 5 min, 30 min, 2 h, 5 h and 10 h; mirra keeps the count and compresses
# the waits (session seconds; the `webhookRetrySeconds` setting changes them).
DEFAULT_RETRY_SECONDS = (5.0, 30.0, 60.0, 120.0, 300.0, 600.0)
USER_AGENT = "Svix-Webhooks/1.84.0 (sender-mirra; +https://www.svix.com/http-sender/)"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def message_id(payload: bytes) -> str:
    """The Svix message id of an event: a function of its bytes, so retries and replays share it."""
    number = int.from_bytes(hashlib.sha256(payload).digest(), "big")
    chars = []
    for _ in range(27):
        number, digit = divmod(number, 62)
        chars.append(_BASE62[digit])
    return "msg_" + "".join(chars)


def new_secret(ids: IdGenerator) -> str:
    """`whsec_` + standard base64 of 24 random bytes (32 characters, no padding), as Svix makes them."""
    return "whsec_" + base64.b64encode(bytes.fromhex(ids.hex_upper(48))).decode()


def signature(payload: bytes, secret: str, msg_id: str, timestamp: int) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + payload, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def sign(payload: bytes, secret: str, timestamp: int) -> tuple[dict[str, str], str]:
    msg_id = message_id(payload)
    value = signature(payload, secret, msg_id, timestamp)
    headers = {
        "Content-Type": "application/json",
        "Accept": "*/*",
        "User-Agent": USER_AGENT,
        "svix-id": msg_id,
        "svix-timestamp": str(timestamp),
        "svix-signature": value,
    }
    return headers, value
