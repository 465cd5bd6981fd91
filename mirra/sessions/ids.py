"""Identifiers and secrets for one session.

Mirror code never calls `random` or `secrets` itself: it asks the session's generator, so ids
are unguessable and a later deterministic mode has one place to change.
"""

from __future__ import annotations

import secrets
import string

BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
HEX_UPPER = "0123456789ABCDEF"


class IdGenerator:
    """Vendor-shaped ids: a prefix plus random characters from an alphabet."""

    def new(self, prefix: str, length: int = 24, alphabet: str = BASE62) -> str:
        return prefix + random_string(length, alphabet)


def random_string(length: int, alphabet: str) -> str:
    """Unbiased characters from one urandom read (rejection sampling), not one read per character."""
    usable = 256 - 256 % len(alphabet)
    chosen: list[str] = []
    while len(chosen) < length:
        chosen.extend(alphabet[byte % len(alphabet)] for byte in secrets.token_bytes(length * 2) if byte < usable)
    return "".join(chosen[:length])


def new_session_id() -> str:
    """Session ids are unguessable: proxy credentials name the session and nothing else guards it."""
    return IdGenerator().new("ses_", 24)
