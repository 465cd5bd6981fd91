"""Twilio's webhook requests: form-encoded POSTs signed with `X-Twilio-Signature`.

The signature is base64(HMAC-SHA1(auth token, URL + each parameter name and value, names sorted,
a repeated name's values sorted)), over the URL exactly as requested (any `#fragment` of
connection overrides left out). `I-Twilio-Idempotency-Token` stays the same across retries of one
request. `delivery/` sends them and retries failures on the mirror's schedule.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any
from urllib.parse import parse_qsl, urldefrag, urlencode

from mirra.delivery import queue as delivery
from mirra.mirrors.documents import Document
from mirra.mirrors.twilio.context import MIRROR, Store

# Twilio retries a failed webhook once by default (the `rc=1` connection override); mirra
# spaces retries on the session clock, and the session setting `webhookRetrySeconds` changes them.
DEFAULT_RETRY_SECONDS = (5.0,)


def signature(token: str, url: str, params: list[tuple[str, str]]) -> str:
    signed = url
    for name in sorted({name for name, _ in params}):
        for value in sorted({value for key, value in params if key == name}):
            signed += name + value
    return base64.b64encode(hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()).decode()


def sign_delivery(row: dict[str, Any], _sent_at: int) -> tuple[dict[str, str], str]:
    params = parse_qsl(row["payload"].decode(), keep_blank_values=True)
    value = signature(row["secret"], row["url"], params)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "User-Agent": "TwilioProxy/1.1",
        "Accept": "*/*",
        "X-Home-Region": "us1",
        "X-Twilio-Signature": value,
        "I-Twilio-Idempotency-Token": row["event_id"],
    }
    return headers, value


def send(store: Store, account: Document, url: str, params: dict[str, str], event_type: str, object_id: str) -> str:
    """Queue one signed POST of `params` to `url` (sent after the current unit of work commits)."""
    token = store.session.ids.hex_upper(32).lower()
    idempotency_token = f"{token[:8]}-{token[8:12]}-{token[12:16]}-{token[16:20]}-{token[20:]}"
    return delivery.enqueue(
        store.session,
        store.uow,
        mirror=MIRROR,
        endpoint_id=object_id,
        url=urldefrag(url).url,
        secret=account["resource"]["auth_token"],
        event_id=idempotency_token,
        event_type=event_type,
        object_id=object_id,
        payload=urlencode([(name, value) for name, value in params.items() if value is not None]).encode(),
    )
