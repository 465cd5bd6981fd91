"""Lookups v2 (lookups.twilio.com): validate a number and, on request, its line type.

Validation follows the numbering plan where mirra knows it (North America in full: 10 digits,
area code and exchange not starting with 0 or 1), and the E.164 length limits elsewhere; an
invalid number is still a 200 with `valid: false`. Line types come from the session: Twilio's own
numbers are `nonFixedVoip`, others `mobile` unless the `lookup.line_type` simulation set one.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from mirra.mirrors.twilio.context import RequestContext, Store
from mirra.mirrors.twilio.errors import TwilioError
from mirra.mirrors.twilio.numbers import owner_of

HOST = "lookups.twilio.com"
PACKAGES = (
    "caller_name", "sim_swap", "call_forwarding", "line_type_intelligence", "line_status", "identity_match",
    "reassigned_number", "sms_pumping_risk", "phone_number_quality_score", "pre_fill",
)
FIELDS = ("validation", *PACKAGES)
LINE_TYPES = ("landline", "mobile", "fixedVoip", "nonFixedVoip", "personal", "tollFree", "premium", "sharedCost", "uan", "voicemail", "pager", "unknown")
# calling code -> (ISO country, national number lengths)
COUNTRIES: dict[str, tuple[str, tuple[int, ...]]] = {
    "1": ("US", (10,)), "44": ("GB", (10,)), "49": ("DE", (10, 11)), "33": ("FR", (9,)), "34": ("ES", (9,)),
    "39": ("IT", (9, 10)), "31": ("NL", (9,)), "61": ("AU", (9,)), "81": ("JP", (10,)), "91": ("IN", (10,)),
    "86": ("CN", (11,)), "55": ("BR", (10, 11)), "52": ("MX", (10,)), "353": ("IE", (9,)), "46": ("SE", (9,)),
}
_BY_COUNTRY = {country: code for code, (country, _) in COUNTRIES.items()}
_NANP = re.compile(r"^[2-9]\d{2}[2-9]\d{6}$")
_TOLL_FREE = ("800", "833", "844", "855", "866", "877", "888")


def fetch_phone_number(ctx: RequestContext) -> tuple[int, Any]:
    raw = ctx.path["PhoneNumber"]
    fields = [field.strip() for field in (ctx.params.get("Fields") or "").split(",") if field.strip()]
    for field in fields:
        if field not in FIELDS:
            raise TwilioError(60200, f"Invalid parameter `Fields`: {field}")
    country_hint = (ctx.params.get("CountryCode") or "US").upper()
    calling, national, errors = _parse(raw, country_hint)
    valid = not errors
    body: dict[str, Any] = {
        "calling_country_code": calling if valid else None,
        "country_code": COUNTRIES[calling][0] if valid else None,
        "phone_number": f"+{calling}{national}" if valid else raw,
        "national_format": _national(calling, national) if valid else None,
        "valid": valid,
        "validation_errors": errors or None,
        **{package: None for package in PACKAGES},
        "url": f"https://{HOST}/v2/PhoneNumbers/{quote(raw, safe='+')}",
    }
    if valid and "line_type_intelligence" in fields:
        body["line_type_intelligence"] = line_type(ctx.store, body["phone_number"])
    return 200, body


def _parse(raw: str, country: str) -> tuple[str, str, list[str]]:
    """(calling code, national number, validation errors)."""
    text = re.sub(r"[\s().-]", "", raw)
    international = text.startswith("+")
    digits = text.lstrip("+")
    if not digits.isdigit():
        return "", "", ["NOT_A_NUMBER"]
    if not international:
        calling = _BY_COUNTRY.get(country)
        if calling is None:
            return "", "", ["INVALID_COUNTRY_CODE"]
        digits = calling + (digits[1:] if calling == "1" and len(digits) == 11 and digits[0] == "1" else digits.lstrip("0"))
    calling = next((code for code in sorted(COUNTRIES, key=len, reverse=True) if digits.startswith(code)), None)
    if calling is None:
        return "", "", ["INVALID_COUNTRY_CODE"]
    national = digits[len(calling):]
    lengths = COUNTRIES[calling][1]
    if len(national) < min(lengths):
        return calling, national, ["TOO_SHORT"]
    if len(national) > max(lengths):
        return calling, national, ["TOO_LONG"]
    if len(national) not in lengths or (calling == "1" and not _NANP.match(national) and not national.startswith("500555")):
        return calling, national, ["INVALID_BUT_POSSIBLE"]
    return calling, national, []


def _national(calling: str, national: str) -> str:
    if calling == "1":
        return f"({national[:3]}) {national[3:6]}-{national[6:]}"
    return "0" + national


def line_type(store: Store, number: str) -> dict[str, Any]:
    override = store.get("line_type", number)
    if override is not None:
        kind, carrier = override["type"], override["carrier_name"]
    elif number.startswith("+1500555") or owner_of(store, number) is not None:
        kind, carrier = "nonFixedVoip", "Twilio - SMS/MMS-SVR"
    elif number.startswith("+1") and number[2:5] in _TOLL_FREE:
        kind, carrier = "tollFree", None
    else:
        kind, carrier = "mobile", "mirra Mobile"
    us = number.startswith("+1")
    return {
        "mobile_country_code": "311" if us and kind != "tollFree" else None,
        "mobile_network_code": "180" if us and kind != "tollFree" else None,
        "carrier_name": carrier,
        "type": kind,
        "error_code": None,
    }


def set_line_type(store: Store, number: str, kind: str, carrier: str | None) -> dict[str, Any]:
    """The `lookup.line_type` simulation: what Lookups says about `number` from now on."""
    before = store.get("line_type", number)
    doc = {"id": number, "created": int(store.now()), "account": None, "type": kind, "carrier_name": carrier}
    if before is None:
        store.insert("line_type", doc)
    else:
        store.save("line_type", doc, before)
    return line_type(store, number)
