"""Messages (2010-04-01): send, fetch, list, redact, cancel, delete, and their media.

A message moves on the session clock, as at Twilio:
    accepted (Messaging Service) -> queued -> sending -> sent -> delivered | undelivered
    scheduled (ScheduleType=fixed) -> queued ... at SendAt, or -> canceled
    queued -> failed (the planned outcome says so)
`STEPS` says how long each state lasts. The status callback is POSTed on every change after
creation except `sending`; the price appears once the message is sent.
"""

from __future__ import annotations

import mimetypes
import time
from typing import Any
from urllib.parse import urlsplit

from mirra.mirrors.documents import Document
from mirra.mirrors.twilio import callbacks, magic
from mirra.mirrors.twilio.context import MIRROR, RequestContext, Store
from mirra.mirrors.twilio.errors import TwilioError, not_found
from mirra.mirrors.twilio.formats import (
    API_VERSION,
    is_alphanumeric_sender,
    is_phone_number,
    parse_iso,
    price,
    rfc2822,
)
from mirra.mirrors.twilio.numbers import owner_of
from mirra.mirrors.twilio.paging import page_2010, within
from mirra.mirrors.twilio.segments import count_segments

ADVANCE_JOB = "twilio.message.advance"
SMS_PRICE = 0.0079  # USD per outbound US segment
MMS_PRICE = 0.0200
MAX_BODY = 1600
FINAL = frozenset({"delivered", "undelivered", "failed", "read", "canceled", "received"})
# state -> (seconds it lasts, the next state; None: the planned outcome)
STEPS: dict[str, tuple[float, str | None]] = {
    "accepted": (0.5, "queued"),
    "queued": (1.0, "sending"),
    "sending": (1.0, "sent"),
    "sent": (2.0, None),
}
TRANSITIONS: dict[str, frozenset[str]] = {
    "accepted": frozenset({"queued", "failed"}),
    "scheduled": frozenset({"queued", "canceled"}),
    "queued": frozenset({"sending", "failed"}),
    "sending": frozenset({"sent", "failed"}),
    "sent": frozenset({"delivered", "undelivered"}),
    "delivered": frozenset({"read"}),
}
SILENT = frozenset({"sending"})  # no status callback for these
ERROR_MESSAGES = {
    30003: "Unreachable destination handset",
    30005: "Unknown destination handset",
    30006: "Landline or unreachable carrier",
    30007: "Message filtered",
    30008: "Unknown error",
}
_CHANNEL = ("whatsapp:", "messenger:", "rcs:")


def message_path(account: str, sid: str) -> str:
    return f"/{API_VERSION}/Accounts/{account}/Messages/{sid}.json"


def create_message(ctx: RequestContext) -> tuple[int, Any]:
    p = ctx.params
    to, sender, service_sid = p.get("To"), p.get("From"), p.get("MessagingServiceSid")
    body, media = p.get("Body"), p.all("MediaUrl")
    if not to:
        raise TwilioError(21604, "A 'To' phone number is required.")
    if not sender and not service_sid:
        raise TwilioError(21603, "A 'From' phone number is required.")
    if not body and not media and not p.get("ContentSid"):
        raise TwilioError(21602, "Message body is required.")
    if body and len(body) > MAX_BODY:
        raise TwilioError(21617, "The concatenated message body exceeds the 1600 character limit.")
    if len(media) > 10:
        raise TwilioError(21623, "The number of media URLs exceeds the limit of 10.")
    if any(not _valid_url(url) for url in media):
        raise TwilioError(21620, "Invalid media URL(s)")
    if sender and to == sender:
        raise TwilioError(21266, f"'To' and 'From' number cannot be the same: {to}")
    callback = p.get("StatusCallback")
    if callback and not _valid_url(callback):
        raise TwilioError(21609, f"The StatusCallback URL {callback} is not a valid URL.")
    if ctx.test:
        _check_test_numbers(to, sender)
    else:
        _check_numbers(ctx, to, sender)
    service = _service(ctx, service_sid) if service_sid else None
    send_at = _schedule(ctx) if service is not None else None
    now = ctx.now()
    account_sid = ctx.account["test_account_sid"] if ctx.test else ctx.account_sid
    status = "scheduled" if send_at else "accepted" if service is not None and not ctx.test else "queued"
    resource = new_resource(ctx.store, account_sid, to, sender, body or "", media, status, "outbound-api")
    resource["messaging_service_sid"] = service_sid
    if ctx.test:
        return 201, resource
    callback = callback or (service["resource"]["status_callback"] if service else None)
    return 201, send(ctx.store, ctx.account_sid, resource, callback, media, send_at or now + STEPS[status][0])


def new_resource(
    store: Store, account_sid: str, to: str, sender: str | None, body: str, media: list[str], status: str, direction: str
) -> dict[str, Any]:
    """A message as the API renders it when it is made."""
    now = rfc2822(store.now())
    sid = store.sid("MM" if media else "SM")
    return {
        "account_sid": account_sid,
        "api_version": API_VERSION,
        "body": body,
        "date_created": now,
        "date_sent": None,
        "date_updated": now,
        "direction": direction,
        "error_code": None,
        "error_message": None,
        "from": sender or None,
        "messaging_service_sid": None,
        "num_media": str(len(media)),
        "num_segments": str(count_segments(body)),
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": status,
        "subresource_uris": {
            "media": f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}/Media.json",
            "feedback": f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}/Feedback.json",
        },
        "to": to,
        "uri": message_path(account_sid, sid),
    }


def send(store: Store, account_sid: str, resource: dict[str, Any], callback: str | None, media: list[str], due: float) -> dict[str, Any]:
    """Keep an outbound message and set it on its way: its first step falls due at `due`."""
    doc = {
        "id": resource["sid"],
        "created": int(store.now()),
        "account": account_sid,
        "resource": resource,
        "status_callback": callback,
        "outcome": {"status": "delivered", "error_code": None},
        "sent_at": None,
    }
    store.insert("message", doc)
    for url in media:
        add_media(store, doc, url)
    store.session.jobs.schedule(store.uow, MIRROR, ADVANCE_JOB, due, {"message": resource["sid"]})
    return resource


def _valid_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and "_" not in (parts.hostname or "")


def _check_test_numbers(to: str, sender: str | None) -> None:
    if sender and (error := magic.message_from_error(sender)):
        raise error
    if error := magic.message_to_error(to, sender or ""):
        raise error


def _check_numbers(ctx: RequestContext, to: str, sender: str | None) -> None:
    address = to.split(":", 1)[1] if to.startswith(_CHANNEL) else to
    if not is_phone_number(address):
        raise TwilioError(21211, f"The 'To' number {to} is not a valid phone number.")
    if sender is None:
        return
    number = sender.split(":", 1)[1] if sender.startswith(_CHANNEL) else sender
    if is_alphanumeric_sender(number) and not number.isdigit():
        return
    if not is_phone_number(number):
        raise magic.invalid_from(sender)
    owner = owner_of(ctx.store, number)
    if owner is None or owner["account"] != ctx.account_sid:
        raise magic.not_owned_from(sender)


def _service(ctx: RequestContext, sid: str) -> Document:
    service = ctx.store.get("messaging_service", sid)
    if service is None or service["account"] != ctx.account_sid:
        raise TwilioError(21701, f"The Messaging Service Sid {sid} is invalid.")
    return service


def _schedule(ctx: RequestContext) -> float | None:
    """SendAt, for `ScheduleType=fixed` (15 minutes to 35 days ahead); None to send now."""
    kind = ctx.params.get("ScheduleType")
    if kind is None:
        return None
    if kind != "fixed":
        raise TwilioError(35111, f"Invalid ScheduleType: {kind}")
    raw = ctx.params.get("SendAt") or ""
    send_at = parse_iso(raw)
    now = ctx.now()
    if send_at is None or not now + 15 * 60 <= send_at <= now + 35 * 86400:
        raise TwilioError(35114, "Scheduling does not support this timestamp")
    return send_at


def add_media(store: Store, message: Document, url: str) -> None:
    now = store.now()
    sid = store.sid("ME")
    account = message["account"]
    content_type = mimetypes.guess_type(urlsplit(url).path)[0] or "application/octet-stream"
    resource = {
        "account_sid": account,
        "content_type": content_type,
        "date_created": rfc2822(now),
        "date_updated": rfc2822(now),
        "parent_sid": message["id"],
        "sid": sid,
        "uri": f"/{API_VERSION}/Accounts/{account}/Messages/{message['id']}/Media/{sid}.json",
    }
    store.insert("media", {"id": sid, "created": int(now), "account": account, "message": message["id"], "url": url, "resource": resource})


def _message(ctx: RequestContext) -> Document:
    sid = ctx.path["Sid"]
    return ctx.store.owned("message", sid, ctx.account_sid, message_path(ctx.account_sid, sid))


def fetch_message(ctx: RequestContext) -> tuple[int, Any]:
    return 200, _message(ctx)["resource"]


def update_message(ctx: RequestContext) -> tuple[int, Any]:
    """`Body=` (empty) redacts a finished message; `Status=canceled` cancels a scheduled one."""
    before = _message(ctx)
    has_body, status = "Body" in ctx.params, ctx.params.get("Status")
    if has_body == (status is not None) or (has_body and ctx.params.get("Body")) or status not in (None, "canceled"):
        raise TwilioError(30400, "Parameters are not valid")
    current = before["resource"]["status"]
    if status == "canceled":
        if current != "scheduled":
            raise TwilioError(30409, "This message cannot be canceled")
        return 200, transition(ctx.store, before, "canceled")["resource"]
    if current not in FINAL:
        raise TwilioError(20009, "Cannot delete message because delivery has not been completed.", 409)
    resource = {**before["resource"], "body": "", "date_updated": rfc2822(ctx.now())}
    return 200, ctx.store.save("message", {**before, "resource": resource}, before)["resource"]


def delete_message(ctx: RequestContext) -> tuple[int, Any]:
    doc = _message(ctx)
    if doc["resource"]["status"] not in FINAL:
        raise TwilioError(20009, "Cannot delete message because delivery has not been completed.", 409)
    for media in _media_of(ctx.store, doc["id"]):
        ctx.store.delete("media", media)
    ctx.store.delete("message", doc)
    return 204, None


def list_messages(ctx: RequestContext) -> tuple[int, Any]:
    docs = ctx.store.of_account("message", ctx.account_sid)
    p = ctx.params
    for name, key in (("To", "to"), ("From", "from")):
        if (wanted := p.get(name)) is not None:
            docs = [doc for doc in docs if doc["resource"][key] == wanted]
    docs = [doc for doc in docs if within(ctx.params, "DateSent", doc.get("sent_at"))]
    docs.reverse()  # newest first among equal dates (the sort is stable)
    docs.sort(key=lambda doc: doc.get("sent_at") or doc["created"], reverse=True)
    return page_2010(ctx, "messages", [doc["resource"] for doc in docs])


def _media_of(store: Store, message_sid: str) -> list[Document]:
    return [doc for doc in store.docs.of_kind("media") if doc["message"] == message_sid]


def _media_parent(ctx: RequestContext) -> Document:
    sid = ctx.path["MessageSid"]
    return ctx.store.owned("message", sid, ctx.account_sid, f"/{API_VERSION}/Accounts/{ctx.account_sid}/Messages/{sid}/Media.json")


def list_media(ctx: RequestContext) -> tuple[int, Any]:
    message = _media_parent(ctx)
    return page_2010(ctx, "media_list", [doc["resource"] for doc in reversed(_media_of(ctx.store, message["id"]))])


def _one_media(ctx: RequestContext) -> Document:
    message, sid = _media_parent(ctx), ctx.path["Sid"]
    doc = ctx.store.get("media", sid)
    if doc is None or doc["message"] != message["id"]:
        raise not_found(f"/{API_VERSION}/Accounts/{ctx.account_sid}/Messages/{message['id']}/Media/{sid}.json")
    return doc


def fetch_media(ctx: RequestContext) -> tuple[int, Any]:
    return 200, _one_media(ctx)["resource"]


def delete_media(ctx: RequestContext) -> tuple[int, Any]:
    ctx.store.delete("media", _one_media(ctx))
    return 204, None


def transition(store: Store, before: Document, status: str, error_code: int | None = None) -> Document:
    """The one way a message changes status: checks the move, stamps it, sends the callback."""
    current = before["resource"]["status"]
    if status not in TRANSITIONS.get(current, ()):
        raise TwilioError(20001, f"Message {before['id']} cannot go from {current} to {status}")
    now = store.now()
    resource = {**before["resource"], "status": status, "date_updated": rfc2822(now)}
    doc = {**before, "resource": resource}
    if status == "queued" and resource["from"] is None:
        resource["from"] = _pool_sender(store, resource["messaging_service_sid"])
    if status == "sent":
        doc["sent_at"] = now
        resource["date_sent"] = rfc2822(now)
        unit = MMS_PRICE if int(resource["num_media"]) else SMS_PRICE
        resource["price"] = price(unit * int(resource["num_segments"]))
    if error_code is not None:
        resource["error_code"] = error_code
        resource["error_message"] = ERROR_MESSAGES.get(error_code)
    store.save("message", doc, before)
    if status not in SILENT and doc.get("status_callback"):
        _callback(store, doc)
    return doc


def _pool_sender(store: Store, service_sid: str | None) -> str | None:
    service = store.get("messaging_service", service_sid) if service_sid else None
    senders = service["senders"] if service else []
    return senders[0] if senders else None


def _callback(store: Store, doc: Document) -> None:
    resource = doc["resource"]
    account = store.get("account", doc["account"])
    if account is None:
        return
    params = {
        "SmsSid": resource["sid"],
        "SmsStatus": resource["status"],
        "MessageStatus": resource["status"],
        "To": resource["to"],
        "MessagingServiceSid": resource["messaging_service_sid"],
        "MessageSid": resource["sid"],
        "AccountSid": resource["account_sid"],
        "From": resource["from"],
        "ApiVersion": API_VERSION,
    }
    if resource["error_code"] is not None:
        params["ErrorCode"] = str(resource["error_code"])
    if resource["status"] in ("delivered", "undelivered"):
        params["RawDlrDoneDate"] = _dlr_date(store.now())
    callbacks.send(store, account, doc["status_callback"], params, f"message.{resource['status']}", resource["sid"])


def _dlr_date(timestamp: float) -> str:
    return time.strftime("%y%m%d%H%M", time.gmtime(timestamp))


def advance(store: Store, sid: str) -> None:
    """The message's next step, run at its due time (`store.now()`); schedules the one after from
    that time, so one clock advance runs every step that falls within it."""
    doc = store.get("message", sid)
    if doc is None:
        return
    current = doc["resource"]["status"]
    if current == "scheduled":
        doc = transition(store, doc, "queued")
        current = "queued"
    elif current in STEPS:
        outcome = doc["outcome"]
        _, following = STEPS[current]
        if current in ("queued", "sending") and outcome["status"] == "failed":
            transition(store, doc, "failed", outcome["error_code"])
            return
        if current == "accepted" and _pool_sender(store, doc["resource"]["messaging_service_sid"]) is None and doc["resource"]["from"] is None:
            transition(store, doc, "failed", 21703)
            return
        doc = transition(store, doc, following or outcome["status"], None if following else outcome["error_code"])
        current = doc["resource"]["status"]
    else:
        return
    if current in STEPS:
        store.session.jobs.schedule(store.uow, MIRROR, ADVANCE_JOB, store.now() + STEPS[current][0], {"message": sid})


def plan_outcome(store: Store, sid: str, status: str, error_code: int) -> Document:
    """Make a message that is still on its way end `undelivered` or `failed` (a simulation)."""
    before = store.get("message", sid)
    if before is None:
        raise TwilioError(20404, f"The requested resource {message_path('', sid)} was not found", 404)
    if before["resource"]["status"] in FINAL or before["resource"]["status"] == "sent" and status == "failed":
        raise TwilioError(20001, f"Message {sid} is already {before['resource']['status']}")
    return store.save("message", {**before, "outcome": {"status": status, "error_code": error_code}}, before)
