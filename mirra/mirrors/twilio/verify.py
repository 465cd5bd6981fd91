"""Verify v2 (verify.twilio.com): services, verifications and their checks.

A verification holds a numeric code of the service's `code_length` for 10 minutes (session
clock). Starting again for the same `To` while it is pending reuses it and its code, up to 5
sends (then 429 / 60203); 5 wrong checks use it up (the next is 429 / 60202). Once approved,
canceled, expired or used up it is deleted, as Twilio does, so later checks answer 404. The code
is never in an API response; the mirror's state shows it, so a test can complete a login.
"""

from __future__ import annotations

from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.twilio.context import RequestContext, Store
from mirra.mirrors.twilio.errors import TwilioError, not_found
from mirra.mirrors.twilio.formats import is_phone_number, iso
from mirra.mirrors.twilio.paging import page_meta

HOST = "verify.twilio.com"
BASE = f"https://{HOST}/v2/Services"
TTL_SECONDS = 600
MAX_SENDS = 5
MAX_CHECKS = 5
CHANNELS = ("sms", "call", "email", "whatsapp", "sna", "auto")
_LINKS = (
    ("verification_checks", "VerificationCheck"), ("verifications", "Verifications"), ("access_tokens", "AccessTokens"),
    ("entities", "Entities"), ("messaging_configurations", "MessagingConfigurations"), ("rate_limits", "RateLimits"),
    ("webhooks", "Webhooks"),
)
_FLAGS = {
    "LookupEnabled": "lookup_enabled", "SkipSmsToLandlines": "skip_sms_to_landlines", "DtmfInputRequired": "dtmf_input_required",
    "Psd2Enabled": "psd2_enabled", "DoNotShareWarningEnabled": "do_not_share_warning_enabled",
    "CustomCodeEnabled": "custom_code_enabled", "VerifyEventSubscriptionEnabled": "verify_event_subscription_enabled",
}


def create_service(ctx: RequestContext) -> tuple[int, Any]:
    name = ctx.params.get("FriendlyName")
    if not name:
        raise TwilioError(20001, "Missing required parameter FriendlyName in the post body")
    now, sid = ctx.now(), ctx.store.sid("VA")
    resource: dict[str, Any] = {
        "sid": sid,
        "account_sid": ctx.account_sid,
        "friendly_name": name,
        "code_length": 6,
        "lookup_enabled": False,
        "psd2_enabled": False,
        "skip_sms_to_landlines": False,
        "dtmf_input_required": True,
        "tts_name": None,
        "do_not_share_warning_enabled": False,
        "custom_code_enabled": False,
        "push": {"include_date": False, "apn_credential_sid": None, "fcm_credential_sid": None},
        "totp": {"issuer": name, "time_step": 30, "code_length": 6, "skew": 1},
        "default_template_sid": None,
        "whatsapp": {"msg_service_sid": None, "from": None},
        "passkeys": {"relying_party": {"id": None, "name": None, "origins": []}, "authenticator_attachment": None,
                     "discoverable_credentials": None, "user_verification": None},
        "verify_event_subscription_enabled": False,
        "date_created": iso(now),
        "date_updated": iso(now),
        "url": f"{BASE}/{sid}",
        "links": {name: f"{BASE}/{sid}/{path}" for name, path in _LINKS},
    }
    _apply(ctx, resource)
    ctx.store.insert("verify_service", {"id": sid, "created": int(now), "account": ctx.account_sid, "resource": resource})
    return 201, resource


def _apply(ctx: RequestContext, resource: dict[str, Any]) -> None:
    p = ctx.params
    if (name := p.get("FriendlyName")) is not None:
        if not name or len(name) > 32:
            raise TwilioError(60200, "Invalid parameter: FriendlyName")
        resource["friendly_name"] = name
    if (length := p.get("CodeLength")) is not None:
        if not length.isdigit() or not 4 <= int(length) <= 10:
            raise TwilioError(60200, "Invalid parameter: CodeLength")
        resource["code_length"] = int(length)
    for param, key in _FLAGS.items():
        if param in p:
            resource[key] = p.flag(param)
    if "TtsName" in p:
        resource["tts_name"] = p.get("TtsName")
    if "DefaultTemplateSid" in p:
        resource["default_template_sid"] = p.get("DefaultTemplateSid")


def _service(ctx: RequestContext, sid: str) -> Document:
    return ctx.store.owned("verify_service", sid, ctx.account_sid, f"/Services/{sid}")


def fetch_service(ctx: RequestContext) -> tuple[int, Any]:
    return 200, _service(ctx, ctx.path["Sid"])["resource"]


def update_service(ctx: RequestContext) -> tuple[int, Any]:
    before = _service(ctx, ctx.path["Sid"])
    resource = dict(before["resource"])
    _apply(ctx, resource)
    resource["date_updated"] = iso(ctx.now())
    return 200, ctx.store.save("verify_service", {**before, "resource": resource}, before)["resource"]


def delete_service(ctx: RequestContext) -> tuple[int, Any]:
    ctx.store.delete("verify_service", _service(ctx, ctx.path["Sid"]))
    return 204, None


def list_services(ctx: RequestContext) -> tuple[int, Any]:
    services = [doc["resource"] for doc in reversed(ctx.store.of_account("verify_service", ctx.account_sid))]
    return page_meta(ctx, "services", services, HOST)


def _pending(store: Store, service_sid: str, key: str) -> Document | None:
    """The live verification of a service for a `To` or a VE SID; expired ones are deleted now."""
    for doc in store.docs.of_kind("verification"):
        if doc["service"] == service_sid and key in (doc["id"], doc["resource"]["to"]):
            if store.now() >= doc["expires_at"]:
                _finish(store, doc, "expired")
                return None
            return doc
    return None


def _finish(store: Store, doc: Document, status: str) -> Document:
    """Twilio deletes a verification once it is approved, canceled, expired or used up."""
    after = {**doc, "resource": {**doc["resource"], "status": status, "valid": status == "approved", "date_updated": iso(store.now())}}
    store.save("verification", after, doc)
    store.delete("verification", after)
    return after


def create_verification(ctx: RequestContext) -> tuple[int, Any]:
    service = _service(ctx, ctx.path["ServiceSid"])
    to, channel = ctx.params.get("To"), ctx.params.get("Channel")
    if not to:
        raise TwilioError(60200, "Invalid parameter `To`: ")
    if channel not in CHANNELS:
        raise TwilioError(60200, "Invalid parameter: Channel")
    if not (("@" in to and "." in to.rsplit("@", 1)[-1]) if channel == "email" else is_phone_number(to)):
        raise TwilioError(60200, f"Invalid parameter `To`: {to}")
    channel = "sms" if channel == "auto" else channel
    now = ctx.now()
    attempt = {"time": iso(now), "channel": channel.upper(), "attempt_sid": ctx.store.sid("VL")}
    existing = _pending(ctx.store, service["id"], to)
    if existing is not None:
        if len(existing["resource"]["send_code_attempts"]) >= MAX_SENDS:
            raise TwilioError(60203, "Max send attempts reached", 429)
        resource = {**existing["resource"], "channel": channel, "date_updated": iso(now),
                    "send_code_attempts": [*existing["resource"]["send_code_attempts"], attempt]}
        return 201, ctx.store.save("verification", {**existing, "resource": resource}, existing)["resource"]
    sid = ctx.store.sid("VE")
    resource = {
        "sid": sid,
        "service_sid": service["id"],
        "account_sid": ctx.account_sid,
        "to": to,
        "channel": channel,
        "status": "pending",
        "valid": False,
        "lookup": {},
        "amount": ctx.params.get("Amount"),
        "payee": ctx.params.get("Payee"),
        "send_code_attempts": [attempt],
        "date_created": iso(now),
        "date_updated": iso(now),
        "sna": None,
        "url": f"{BASE}/{service['id']}/Verifications/{sid}",
    }
    doc = {
        "id": sid,
        "created": int(now),
        "account": ctx.account_sid,
        "service": service["id"],
        "code": _code(ctx, service),
        "checks": 0,
        "expires_at": now + TTL_SECONDS,
        "resource": resource,
    }
    ctx.store.insert("verification", doc, lookup=to)
    return 201, resource


def _code(ctx: RequestContext, service: Document) -> str:
    custom = ctx.params.get("CustomCode")
    if custom is not None:
        if not service["resource"]["custom_code_enabled"]:
            raise TwilioError(60200, "Invalid parameter: CustomCode")
        return custom
    length = service["resource"]["code_length"]
    return f"{int(ctx.store.session.ids.hex_upper(16), 16) % 10**length:0{length}d}"


def fetch_verification(ctx: RequestContext) -> tuple[int, Any]:
    service = _service(ctx, ctx.path["ServiceSid"])
    doc = _pending(ctx.store, service["id"], ctx.path["Sid"])
    if doc is None:
        raise not_found(f"/Services/{service['id']}/Verifications/{ctx.path['Sid']}")
    return 200, doc["resource"]


def update_verification(ctx: RequestContext) -> tuple[int, Any]:
    service = _service(ctx, ctx.path["ServiceSid"])
    status = ctx.params.get("Status")
    if status not in ("canceled", "approved"):
        raise TwilioError(60200, "Invalid parameter: Status")
    doc = _pending(ctx.store, service["id"], ctx.path["Sid"])
    if doc is None:
        raise not_found(f"/Services/{service['id']}/Verifications/{ctx.path['Sid']}")
    return 200, _finish(ctx.store, doc, status)["resource"]


def check_verification(ctx: RequestContext) -> tuple[int, Any]:
    service = _service(ctx, ctx.path["ServiceSid"])
    code, to, verification_sid = ctx.params.get("Code"), ctx.params.get("To"), ctx.params.get("VerificationSid")
    if not to and not verification_sid:
        raise TwilioError(60200, "Invalid parameter: To")
    if not code:
        raise TwilioError(60200, "Invalid parameter: Code")
    doc = _pending(ctx.store, service["id"], verification_sid or to or "")
    if doc is None:
        raise not_found(f"/Services/{service['id']}/VerificationCheck")
    if doc["checks"] >= MAX_CHECKS:
        _finish(ctx.store, doc, "max_attempts_reached")
        raise TwilioError(60202, "Max check attempts reached", 429, keeps_changes=True)
    checked = {**doc, "checks": doc["checks"] + 1, "resource": {**doc["resource"], "date_updated": iso(ctx.now())}}
    ctx.store.save("verification", checked, doc)
    if code == doc["code"]:
        checked = _finish(ctx.store, checked, "approved")
    resource = checked["resource"]
    keys = ("sid", "service_sid", "account_sid", "to", "channel", "status", "valid", "amount", "payee", "date_created", "date_updated")
    return 200, {**{key: resource[key] for key in keys}, "sna_attempts_error_codes": []}


def codes(store: Store) -> list[dict[str, Any]]:
    """Pending verifications with their codes, for the mirror's state."""
    live = [doc for doc in store.docs.of_kind("verification") if store.now() < doc["expires_at"]]
    return [{"sid": doc["id"], "serviceSid": doc["service"], "to": doc["resource"]["to"], "code": doc["code"],
             "checks": doc["checks"], "expiresAt": iso(doc["expires_at"])} for doc in live]
