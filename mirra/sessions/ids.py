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
        return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


def new_session_id() -> str:
    """Session ids are unguessable: proxy credentials name the session and nothing else guards it."""
    return IdGenerator().new("ses_", 24)
