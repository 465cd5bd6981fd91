"""Identifiers and secrets for one session.

Mirror code never calls `random` or `secrets` itself: it asks the session's generator, so ids
are unguessable and a later deterministic mode has one place to change.
"""

from __future__ import annotations

import base64
import functools
import os
import threading
import time
from collections.abc import Callable

_BLOCK_BYTES = 3072
_ASCII_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"  # sorts as it counts
_TIME_CHARACTERS = 6  # base62 seconds since 1970: enough until the year 3769


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

    def new_sortable(self, prefix: str, length: int = 24) -> str:
        """Like `new`, but the first six characters count the seconds since 1970, as Stripe's
        own ids begin with their creation time (`in_1Pgc6t…`, `in_1Pgc75…`): ids made later
        sort later, and an index on them grows at its end instead of at random places (on a
        Stripe create, a sixth fewer pages written)."""
        return prefix + time_prefix(int(time.time())) + _BASE62.take(length - _TIME_CHARACTERS)

    def hex_upper(self, length: int) -> str:
        return _HEX.take(length)


@functools.lru_cache(maxsize=1)
def time_prefix(seconds: int) -> str:
    """`seconds` as six base62 digits whose ASCII order is their numeric order."""
    digits = []
    for _ in range(_TIME_CHARACTERS):
        seconds, digit = divmod(seconds, 62)
        digits.append(_ASCII_BASE62[digit])
    return "".join(reversed(digits))


def new_session_id() -> str:
    """Session ids are unguessable: proxy credentials name the session and nothing else guards it."""
    return IdGenerator().new("ses_", 24)
