"""How many SMS segments a body takes: GSM-7 (160 alone, 153 per part) or UCS-2 (70 / 67)."""

from __future__ import annotations

_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = set("^{}\\[~]|€\f")  # each takes two septets


def count_segments(body: str) -> int:
    if not body:
        return 1
    if all(char in _GSM7 or char in _GSM7_EXTENDED for char in body):
        units = sum(2 if char in _GSM7_EXTENDED else 1 for char in body)
        single, part = 160, 153
    else:
        units = sum(2 if ord(char) > 0xFFFF else 1 for char in body)  # UTF-16 code units
        single, part = 70, 67
    return 1 if units <= single else -(-units // part)
