"""Messaging Services (messaging.twilio.com/v1): a sender pool and shared settings for messages.

A message sent with `MessagingServiceSid` and no `From` takes its sender from the pool when it
leaves `accepted`; scheduled messages need a service, as at Twilio.
"""

from __future__ import annotations

from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.twilio.context import RequestContext
from mirra.mirrors.twilio.errors import TwilioError, not_found
from mirra.mirrors.twilio.formats import iso
from mirra.mirrors.twilio.paging import page_meta

HOST = "messaging.twilio.com"
BASE = f"https://{HOST}/v1/Services"
_SETTABLE = {
    "FriendlyName": ("friendly_name", str),
    "InboundRequestUrl": ("inbound_request_url", str),
    "InboundMethod": ("inbound_method", str),
    "FallbackUrl": ("fallback_url", str),
    "FallbackMethod": ("fallback_method", str),
    "StatusCallback": ("status_callback", str),
    "StickySender": ("sticky_sender", bool),
    "MmsConverter": ("mms_converter", bool),
    "SmartEncoding": ("smart_encoding", bool),
    "FallbackToLongCode": ("fallback_to_long_code", bool),
    "AreaCodeGeomatch": ("area_code_geomatch", bool),
    "SynchronousValidation": ("synchronous_validation", bool),
    "ValidityPeriod": ("validity_period", int),
    "Usecase": ("usecase", str),
    "UseInboundWebhookOnNumber": ("use_inbound_webhook_on_number", bool),
}


def create_service(ctx: RequestContext) -> tuple[int, Any]:
    if not ctx.params.get("FriendlyName"):
        raise TwilioError(20001, "Missing required parameter FriendlyName in the post body")
    now, sid = ctx.now(), ctx.store.sid("MG")
    resource: dict[str, Any] = {
        "sid": sid,
        "account_sid": ctx.account_sid,
        "friendly_name": "",
        "date_created": iso(now),
        "date_updated": iso(now),
        "inbound_request_url": None,
        "inbound_method": "POST",
        "fallback_url": None,
        "fallback_method": "POST",
        "status_callback": None,
        "sticky_sender": True,
        "mms_converter": True,
        "smart_encoding": True,
        "scan_message_content": "inherit",
        "fallback_to_long_code": True,
        "area_code_geomatch": True,
        "synchronous_validation": False,
        "validity_period": 14400,
        "url": f"{BASE}/{sid}",
        "links": {
            name: f"{BASE}/{sid}/{path}"
            for name, path in (("phone_numbers", "PhoneNumbers"), ("short_codes", "ShortCodes"), ("alpha_senders", "AlphaSenders"),
                               ("us_app_to_person", "Compliance/Usa2p"), ("us_app_to_person_usecases", "Compliance/Usa2p/Usecases"),
                               ("channel_senders", "ChannelSenders"), ("destination_alpha_senders", "DestinationAlphaSenders"))
        },
        "usecase": "undeclared",
        "us_app_to_person_registered": False,
        "use_inbound_webhook_on_number": False,
    }
    _apply(ctx, resource)
    ctx.store.insert("messaging_service", {"id": sid, "created": int(now), "account": ctx.account_sid, "senders": [], "resource": resource})
    return 201, resource


def _apply(ctx: RequestContext, resource: dict[str, Any]) -> None:
    for param, (key, kind) in _SETTABLE.items():
        raw = ctx.params.get(param)
        if raw is None:
            continue
        if kind is bool:
            resource[key] = raw.lower() == "true"
        elif kind is int:
            try:
                resource[key] = int(raw)
            except ValueError:
                raise TwilioError(20001, f"Invalid parameter {param}: {raw}") from None
        else:
            resource[key] = raw


def _service(ctx: RequestContext, sid: str) -> Document:
    return ctx.store.owned("messaging_service", sid, ctx.account_sid, f"/Services/{sid}")


def fetch_service(ctx: RequestContext) -> tuple[int, Any]:
    return 200, _service(ctx, ctx.path["Sid"])["resource"]


def update_service(ctx: RequestContext) -> tuple[int, Any]:
    before = _service(ctx, ctx.path["Sid"])
    resource = dict(before["resource"])
    _apply(ctx, resource)
    resource["date_updated"] = iso(ctx.now())
    return 200, ctx.store.save("messaging_service", {**before, "resource": resource}, before)["resource"]


def delete_service(ctx: RequestContext) -> tuple[int, Any]:
    service = _service(ctx, ctx.path["Sid"])
    for number in _numbers(ctx, service["id"]):
        ctx.store.delete("service_phone_number", number)
    ctx.store.delete("messaging_service", service)
    return 204, None


def list_services(ctx: RequestContext) -> tuple[int, Any]:
    services = [doc["resource"] for doc in reversed(ctx.store.of_account("messaging_service", ctx.account_sid))]
    return page_meta(ctx, "services", services, HOST)


def _numbers(ctx: RequestContext, service_sid: str) -> list[Document]:
    return [doc for doc in ctx.store.of_account("service_phone_number", ctx.account_sid) if doc["service"] == service_sid]


def add_phone_number(ctx: RequestContext) -> tuple[int, Any]:
    """Put one of the account's numbers (`PhoneNumberSid`, PN…) into the sender pool."""
    before = _service(ctx, ctx.path["ServiceSid"])
    number_sid = ctx.params.get("PhoneNumberSid") or ""
    number = ctx.store.get("incoming_phone_number", number_sid)
    if number is None or number["account"] != ctx.account_sid:
        raise TwilioError(21710, f"Phone Number {number_sid} is not found")
    if any(doc["id"] == number_sid for doc in _numbers(ctx, before["id"])):
        raise TwilioError(21710, f"Phone Number or Short Code is already in the Messaging Service {before['id']}.", 409)
    now, phone = ctx.now(), number["resource"]["phone_number"]
    resource = {
        "sid": number_sid,
        "account_sid": ctx.account_sid,
        "service_sid": before["id"],
        "date_created": iso(now),
        "date_updated": iso(now),
        "phone_number": phone,
        "country_code": "US" if phone.startswith("+1") else None,
        "capabilities": ["SMS", "MMS", "Voice"],
        "url": f"{BASE}/{before['id']}/PhoneNumbers/{number_sid}",
    }
    ctx.store.insert("service_phone_number", {"id": f"{before['id']}:{number_sid}", "created": int(now), "account": ctx.account_sid, "service": before["id"], "resource": resource})
    ctx.store.save("messaging_service", {**before, "senders": [*before["senders"], phone]}, before)
    return 201, resource


def _pool_number(ctx: RequestContext) -> Document:
    service, sid = ctx.path["ServiceSid"], ctx.path["Sid"]
    doc = ctx.store.get("service_phone_number", f"{service}:{sid}")
    if doc is None or doc["account"] != ctx.account_sid:
        raise not_found(f"/Services/{service}/PhoneNumbers/{sid}")
    return doc


def fetch_phone_number(ctx: RequestContext) -> tuple[int, Any]:
    return 200, _pool_number(ctx)["resource"]


def remove_phone_number(ctx: RequestContext) -> tuple[int, Any]:
    doc = _pool_number(ctx)
    service = _service(ctx, doc["service"])
    phone = doc["resource"]["phone_number"]
    ctx.store.save("messaging_service", {**service, "senders": [s for s in service["senders"] if s != phone]}, service)
    ctx.store.delete("service_phone_number", doc)
    return 204, None


def list_phone_numbers(ctx: RequestContext) -> tuple[int, Any]:
    service = _service(ctx, ctx.path["ServiceSid"])
    return page_meta(ctx, "phone_numbers", [doc["resource"] for doc in reversed(_numbers(ctx, service["id"]))], HOST)
