"""Identifiers and secrets for one session.

Mirror code never calls `random` or `secrets` itself: it asks the session's generator, so ids
are unguessable and a later deterministic mode has one place to change.
"""

from __future__ import annotations

import base64
import secrets


class IdGenerator:
    """Vendor-shaped ids: a prefix plus random characters."""

    def new(self, prefix: str, length: int = 24) -> str:
        """`prefix` plus `length` base62 characters ([0-9A-Za-z])."""
        return prefix + base62(length)

    def hex_upper(self, length: int) -> str:
        return secrets.token_hex((length + 1) // 2)[:length].upper()


def base62(length: int) -> str:
    """Uniform base62 from urandom: base64 with '+' and '/' dropped (rejection sampling).

    Whole 3-byte groups only, so no padding and no biased final character."""
    chosen = ""
    while len(chosen) < length:
        encoded = base64.b64encode(secrets.token_bytes(3 * (length // 3 + 2))).decode()
        chosen += encoded.replace("+", "").replace("/", "")
    return chosen[:length]


def new_session_id() -> str:
    """Session ids are unguessable: proxy credentials name the session and nothing else guards it."""
    return IdGenerator().new("ses_", 24)
