"""Identifiers and secrets for one session.

Mirror code never calls `random` or `secrets` itself: it asks the session's generator, so ids
are unguessable and a later deterministic mode has one place to change.
"""

from __future__ import annotations

import base64
import os
import threading
from collections.abc import Callable

_BLOCK_BYTES = 3072


class _RandomText:
    """Random characters from urandom, made a block at a time and handed out in slices: a
    Stripe create needs five ids and secrets, and a system call and an encoding each cost more
    than the rest of making them. Thread-safe; a forked child starts from a fresh block, so two
    processes never hand out the same characters."""

    def __init__(self, block: Callable[[], str]) -> None:
        self._block = block
        self._lock = threading.Lock()
        self._text = ""
        self._at = 0
        os.register_at_fork(after_in_child=self._discard)

    def take(self, count: int) -> str:
        with self._lock:
            while len(self._text) - self._at < count:
                self._text = self._text[self._at :] + self._block()
                self._at = 0
            start = self._at
            self._at += count
            return self._text[start : self._at]

    def _discard(self) -> None:
        self._lock = threading.Lock()
        self._text = ""
        self._at = 0


def _base62_block() -> str:
    """Uniform base62: base64 of random bytes with '+' and '/' dropped (rejection sampling;
    every base64 character carries six independent random bits)."""
    return base64.b64encode(os.urandom(_BLOCK_BYTES)).decode().replace("+", "").replace("/", "")


_BASE62 = _RandomText(_base62_block)
_HEX = _RandomText(lambda: os.urandom(_BLOCK_BYTES).hex().upper())


class IdGenerator:
    """Vendor-shaped ids: a prefix plus random characters."""

    def new(self, prefix: str, length: int = 24) -> str:
        """`prefix` plus `length` base62 characters ([0-9A-Za-z])."""
        return prefix + _BASE62.take(length)

    def hex_upper(self, length: int) -> str:
        return _HEX.take(length)


def new_session_id() -> str:
    """Session ids are unguessable: proxy credentials name the session and nothing else guards it."""
    return IdGenerator().new("ses_", 24)
