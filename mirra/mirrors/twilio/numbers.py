"""IncomingPhoneNumbers: the numbers an account owns, where inbound messages and calls go.

Any valid E.164 number can be bought (mirra has no inventory); `AreaCode` picks one in that area.
A number's `SmsUrl` receives inbound messages (`simulate`), signed like every Twilio webhook.
"""

from __future__ import annotations

from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.twilio import magic
from mirra.mirrors.twilio.context import RequestContext, Store
from mirra.mirrors.twilio.errors import TwilioError
from mirra.mirrors.twilio.formats import (
    API_VERSION,
    friendly_number,
    is_phone_number,
    rfc2822,
)
from mirra.mirrors.twilio.paging import page_2010

_SETTABLE = {
    "FriendlyName": "friendly_name",
    "SmsUrl": "sms_url",
    "SmsMethod": "sms_method",
    "SmsFallbackUrl": "sms_fallback_url",
    "SmsFallbackMethod": "sms_fallback_method",
    "VoiceUrl": "voice_url",
    "VoiceMethod": "voice_method",
    "VoiceFallbackUrl": "voice_fallback_url",
    "VoiceFallbackMethod": "voice_fallback_method",
    "StatusCallback": "status_callback",
    "StatusCallbackMethod": "status_callback_method",
    "SmsApplicationSid": "sms_application_sid",
    "VoiceApplicationSid": "voice_application_sid",
}


def create_number(ctx: RequestContext) -> tuple[int, Any]:
    number, area_code = ctx.params.get("PhoneNumber"), ctx.params.get("AreaCode")
    if not number and not area_code:
        raise TwilioError(21451, "Either PhoneNumber or AreaCode is required")
    if ctx.test:
        if error := magic.number_purchase_error(number, area_code):
            raise error
        if number not in (None, magic.VALID_FROM) or area_code not in (None, "500"):
            raise TwilioError(21422, f"PhoneNumber {number or area_code} is not available.")
        return 201, _resource(ctx, ctx.store.sid("PN"), magic.VALID_FROM)
    if number is None:
        number = f"+1{area_code}555{int(ctx.store.session.ids.hex_upper(4), 16) % 10000:04d}"
    if not is_phone_number(number):
        raise TwilioError(21421, f"PhoneNumber {number} is invalid.")
    if owner_of(ctx.store, number) is not None:
        raise TwilioError(21422, f"PhoneNumber {number} is not available.")
    resource = _resource(ctx, ctx.store.sid("PN"), number)
    ctx.store.insert("incoming_phone_number", {"id": resource["sid"], "created": int(ctx.now()), "account": ctx.account_sid, "resource": resource}, lookup=number)
    return 201, resource


def _resource(ctx: RequestContext, sid: str, number: str) -> dict[str, Any]:
    now = rfc2822(ctx.now())
    resource: dict[str, Any] = {
        "account_sid": ctx.account_sid if not ctx.test else ctx.account["test_account_sid"],
        "address_sid": None,
        "address_requirements": "none",
        "api_version": API_VERSION,
        "beta": False,
        "capabilities": {"voice": True, "sms": True, "mms": True, "fax": False},
        "date_created": now,
        "date_updated": now,
        "friendly_name": friendly_number(number),
        "identity_sid": None,
        "phone_number": number,
        "origin": "twilio",
        "sid": sid,
        "sms_application_sid": "",
        "sms_fallback_method": "POST",
        "sms_fallback_url": "",
        "sms_method": "POST",
        "sms_url": "",
        "status_callback": "",
        "status_callback_method": "POST",
        "trunk_sid": None,
        "uri": f"/{API_VERSION}/Accounts/{ctx.account_sid}/IncomingPhoneNumbers/{sid}.json",
        "voice_receive_mode": "voice",
        "voice_application_sid": "",
        "voice_caller_id_lookup": False,
        "voice_fallback_method": "POST",
        "voice_fallback_url": "",
        "voice_method": "POST",
        "voice_url": "",
        "emergency_status": "Inactive",
        "emergency_address_sid": None,
        "emergency_address_status": "unregistered",
        "bundle_sid": None,
        "status": "in-use",
        "type": "local",
    }
    _apply(ctx, resource)
    return resource


def _apply(ctx: RequestContext, resource: dict[str, Any]) -> None:
    for param, key in _SETTABLE.items():
        if param in ctx.params:
            resource[key] = ctx.params.get(param)
    if (ctx.params.get("VoiceCallerIdLookup") or "") in ("true", "false"):
        resource["voice_caller_id_lookup"] = ctx.params.flag("VoiceCallerIdLookup")


def _number(ctx: RequestContext) -> Document:
    sid = ctx.path["Sid"]
    return ctx.store.owned("incoming_phone_number", sid, ctx.account_sid, f"/{API_VERSION}/Accounts/{ctx.account_sid}/IncomingPhoneNumbers/{sid}.json")


def fetch_number(ctx: RequestContext) -> tuple[int, Any]:
    return 200, _number(ctx)["resource"]


def update_number(ctx: RequestContext) -> tuple[int, Any]:
    before = _number(ctx)
    resource = dict(before["resource"])
    _apply(ctx, resource)
    resource["date_updated"] = rfc2822(ctx.now())
    return 200, ctx.store.save("incoming_phone_number", {**before, "resource": resource}, before)["resource"]


def delete_number(ctx: RequestContext) -> tuple[int, Any]:
    ctx.store.delete("incoming_phone_number", _number(ctx))
    return 204, None


def list_numbers(ctx: RequestContext) -> tuple[int, Any]:
    numbers = [doc["resource"] for doc in reversed(ctx.store.of_account("incoming_phone_number", ctx.account_sid))]
    if wanted := ctx.params.get("PhoneNumber"):
        numbers = [n for n in numbers if wanted in n["phone_number"]]
    if name := ctx.params.get("FriendlyName"):
        numbers = [n for n in numbers if n["friendly_name"] == name]
    return page_2010(ctx, "incoming_phone_numbers", numbers)


def owner_of(store: Store, number: str) -> Document | None:
    """The incoming number document for `number`, whichever account owns it."""
    return next((doc for doc in store.docs.of_kind("incoming_phone_number") if doc["resource"]["phone_number"] == number), None)
