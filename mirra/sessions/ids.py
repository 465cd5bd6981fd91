"""Identifiers and secrets for one session.

Mirror code never calls `random` or `secrets` itself: it asks the session's generator, so ids
are unguessable and a later deterministic mode has one place to change.
"""

from __future__ import annotations

import base64
import os
import threading

_BLOCK_BYTES = 4096


class _RandomBlocks:
    """urandom read a block at a time: a Stripe create needs five ids and secrets, and one
    system call each cost more than the rest of making them. Thread-safe; a forked child starts
    from a fresh block, so two processes never hand out the same bytes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._block = b""
        self._at = 0
        os.register_at_fork(after_in_child=self._discard)

    def take(self, count: int) -> bytes:
        with self._lock:
            if self._at + count > len(self._block):
                self._block = os.urandom(max(_BLOCK_BYTES, count))
                self._at = 0
            start = self._at
            self._at += count
            return self._block[start : self._at]

    def _discard(self) -> None:
        self._lock = threading.Lock()
        self._block = b""


_random = _RandomBlocks()


class IdGenerator:
    """Vendor-shaped ids: a prefix plus random characters."""

    def new(self, prefix: str, length: int = 24) -> str:
        """`prefix` plus `length` base62 characters ([0-9A-Za-z])."""
        return prefix + base62(length)

    def hex_upper(self, length: int) -> str:
        return _random.take((length + 1) // 2).hex()[:length].upper()


def base62(length: int) -> str:
    """Uniform base62: base64 of random bytes with '+' and '/' dropped (rejection sampling).

    Whole 3-byte groups only, so no padding and no biased final character."""
    chosen = ""
    while len(chosen) < length:
        encoded = base64.b64encode(_random.take(3 * (length // 3 + 2))).decode()
        chosen += encoded.replace("+", "").replace("/", "")
    return chosen[:length]


def new_session_id() -> str:
    """Session ids are unguessable: proxy credentials name the session and nothing else guards it."""
    return IdGenerator().new("ses_", 24)
