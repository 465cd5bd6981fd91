"""Calls (2010-04-01): place, fetch, list, hang up or cancel, delete.

A call moves on the session clock: queued -> ringing -> in-progress -> completed, or ends
`busy` / `no-answer` / `failed` when its planned outcome says so (the `call.outcome` simulation)
or `canceled` when the app cancels it before it is answered. Status callbacks go to
`StatusCallback` for the `StatusCallbackEvent`s asked for (default: `completed` only). When the
call is answered its `Url` is POSTed for TwiML (signed); mirra acts on a leading `<Hangup/>` and
plays nothing else.
"""

from __future__ import annotations

import math
from typing import Any
from xml.etree import ElementTree

from mirra.mirrors.documents import Document
from mirra.mirrors.twilio import callbacks, magic
from mirra.mirrors.twilio.context import MIRROR, RequestContext, Store
from mirra.mirrors.twilio.errors import TwilioError
from mirra.mirrors.twilio.formats import (
    API_VERSION,
    friendly_number,
    is_phone_number,
    price,
    rfc2822,
)
from mirra.mirrors.twilio.numbers import owner_of
from mirra.mirrors.twilio.paging import page_2010, within

ADVANCE_JOB = "twilio.call.advance"
TWIML_REQUESTED = "call.answered"  # the delivery that asks the call's Url for TwiML
PRICE_PER_MINUTE = 0.0140
DEFAULT_TALK_SECONDS = 10
FINAL = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
# state -> (seconds it lasts, the next state when the outcome is `completed`)
STEPS = {"queued": (1.0, "ringing"), "ringing": (3.0, "in-progress")}
EVENTS = {"queued": "initiated", "ringing": "ringing", "in-progress": "answered"}  # others: completed
SUBRESOURCES = {
    "feedback": "Feedback", "feedback_summaries": "FeedbackSummary", "notifications": "Notifications",
    "recordings": "Recordings", "streams": "Streams", "payments": "Payments", "siprec": "Siprec",
    "events": "Events", "transcriptions": "Transcriptions",
    "user_defined_message_subscriptions": "UserDefinedMessageSubscriptions", "user_defined_messages": "UserDefinedMessages",
}


def call_path(account: str, sid: str) -> str:
    return f"/{API_VERSION}/Accounts/{account}/Calls/{sid}.json"


def create_call(ctx: RequestContext) -> tuple[int, Any]:
    p = ctx.params
    to, caller = p.get("To"), p.get("From")
    if not to:
        raise TwilioError(21201, "No 'To' number is specified")
    if not caller:
        raise TwilioError(21213, "No 'From' number is specified")
    if not (p.get("Url") or p.get("Twiml") or p.get("ApplicationSid")):
        raise TwilioError(21205, "Url parameter is required.")
    if (twiml := p.get("Twiml")) and len(twiml) > 4000:
        raise TwilioError(21237, "Twiml parameter exceeds 4000 characters")
    events = p.all("StatusCallbackEvent") or ["completed"]
    if any(event not in ("initiated", "ringing", "answered", "completed") for event in events):
        raise TwilioError(21626, "Invalid StatusCallbackEvent")
    if ctx.test:
        if error := magic.call_from_error(caller) or magic.call_to_error(to):
            raise error
    else:
        _check_numbers(ctx, to, caller)
    now, sid = ctx.now(), ctx.store.sid("CA")
    account_sid = ctx.account["test_account_sid"] if ctx.test else ctx.account_sid
    owned = None if ctx.test else owner_of(ctx.store, caller)
    resource = {
        "sid": sid,
        "date_created": rfc2822(now),
        "date_updated": rfc2822(now),
        "parent_call_sid": None,
        "account_sid": account_sid,
        "to": to,
        "to_formatted": friendly_number(to),
        "from": caller,
        "from_formatted": friendly_number(caller),
        "phone_number_sid": owned["id"] if owned else None,
        "status": "queued",
        "start_time": None,
        "end_time": None,
        "duration": None,
        "price": None,
        "price_unit": "USD",
        "direction": "outbound-api",
        "answered_by": None,
        "api_version": API_VERSION,
        "forwarded_from": None,
        "group_sid": None,
        "caller_name": None,
        "queue_time": "0",
        "trunk_sid": None,
        "uri": call_path(account_sid, sid),
        "subresource_uris": {name: f"/{API_VERSION}/Accounts/{account_sid}/Calls/{sid}/{path}.json" for name, path in SUBRESOURCES.items()},
    }
    if ctx.test:
        return 201, resource
    doc = {
        "id": sid,
        "created": int(now),
        "account": ctx.account_sid,
        "resource": resource,
        "status_callback": p.get("StatusCallback"),
        "url": p.get("Url"),
        "events": events,
        "sequence": 0,
        "outcome": {"status": "completed", "talk_seconds": DEFAULT_TALK_SECONDS},
        "answered_at": None,
    }
    ctx.store.insert("call", doc)
    _callback(ctx.store, doc, "initiated")
    ctx.store.session.jobs.schedule(ctx.store.uow, MIRROR, ADVANCE_JOB, now + STEPS["queued"][0], {"call": sid})
    return 201, resource


def _check_numbers(ctx: RequestContext, to: str, caller: str) -> None:
    if not is_phone_number(to) and not to.startswith(("client:", "sip:")):
        raise TwilioError(21211, f"The 'To' number {to} is not a valid phone number.")
    owner = owner_of(ctx.store, caller)
    if owner is None or owner["account"] != ctx.account_sid:
        raise magic.caller_id_not_verified(caller)


def _call(ctx: RequestContext) -> Document:
    sid = ctx.path["Sid"]
    return ctx.store.owned("call", sid, ctx.account_sid, call_path(ctx.account_sid, sid))


def fetch_call(ctx: RequestContext) -> tuple[int, Any]:
    return 200, _call(ctx)["resource"]


def update_call(ctx: RequestContext) -> tuple[int, Any]:
    """`Status=canceled` before the call is answered, `Status=completed` to hang up; `Url`/`Twiml`
    redirect a live call."""
    before = _call(ctx)
    status, current = ctx.params.get("Status"), before["resource"]["status"]
    if status not in (None, "canceled", "completed"):
        raise TwilioError(20001, f"Invalid parameter Status: {status}")
    if current in FINAL:
        raise TwilioError(21220, "Call is not in-progress. Cannot redirect.")
    if status is None:
        if not (ctx.params.get("Url") or ctx.params.get("Twiml")):
            raise TwilioError(21205, "Url parameter is required.")
        return 200, before["resource"]
    if status == "canceled" and current == "in-progress":
        return 200, before["resource"]  # Twilio ignores a cancel once the call is answered
    return 200, finish(ctx.store, before, "completed" if current == "in-progress" else "canceled")["resource"]


def delete_call(ctx: RequestContext) -> tuple[int, Any]:
    doc = _call(ctx)
    if doc["resource"]["status"] not in FINAL:
        raise TwilioError(20009, "Cannot delete call because it is still in progress.", 409)
    ctx.store.delete("call", doc)
    return 204, None


def list_calls(ctx: RequestContext) -> tuple[int, Any]:
    docs = list(reversed(ctx.store.of_account("call", ctx.account_sid)))
    for name, key in (("To", "to"), ("From", "from"), ("Status", "status"), ("ParentCallSid", "parent_call_sid")):
        if (wanted := ctx.params.get(name)) is not None:
            docs = [doc for doc in docs if doc["resource"][key] == wanted]
    docs = [doc for doc in docs if within(ctx.params, "StartTime", doc.get("started_at"))
            and within(ctx.params, "EndTime", doc.get("ended_at"))]
    return page_2010(ctx, "calls", [doc["resource"] for doc in docs])


def advance(store: Store, sid: str) -> None:
    """The call's next step, run at its due time (`store.now()`); schedules the one after."""
    doc = store.get("call", sid)
    if doc is None or doc["resource"]["status"] in FINAL:
        return
    current, outcome = doc["resource"]["status"], doc["outcome"]
    if current == "in-progress":
        finish(store, doc, "completed")
        return
    if outcome["status"] == "failed" or (current == "ringing" and outcome["status"] in ("busy", "no-answer")):
        finish(store, doc, outcome["status"])
        return
    following = STEPS[current][1]
    doc = _move(store, doc, following)
    wait = STEPS[following][0] if following in STEPS else outcome["talk_seconds"]
    store.session.jobs.schedule(store.uow, MIRROR, ADVANCE_JOB, store.now() + wait, {"call": sid})


def _move(store: Store, before: Document, status: str) -> Document:
    now = store.now()
    resource = {**before["resource"], "status": status, "date_updated": rfc2822(now)}
    doc = {**before, "resource": resource}
    if status == "in-progress":
        resource["start_time"] = rfc2822(now)
        doc["answered_at"] = doc["started_at"] = now
    if status in FINAL:
        doc["ended_at"] = now
        doc.setdefault("started_at", now)
    store.save("call", doc, before)
    _callback(store, doc, EVENTS.get(status, "completed"))
    if status == "in-progress" and doc.get("url"):
        _request_twiml(store, doc)
    return doc


def _request_twiml(store: Store, doc: Document) -> None:
    """Once answered, Twilio asks the call's `Url` what to do, signed like every webhook."""
    account = store.get("account", doc["account"])
    if account is None:
        return
    r = doc["resource"]
    params = {
        "AccountSid": r["account_sid"], "ApiVersion": API_VERSION, "CallSid": r["sid"], "CallStatus": r["status"],
        "Called": r["to"], "Caller": r["from"], "Direction": r["direction"], "From": r["from"], "To": r["to"],
        "CalledCity": "", "CalledCountry": "", "CalledState": "", "CalledZip": "", "CallerCity": "", "CallerCountry": "",
        "CallerState": "", "CallerZip": "", "FromCity": "", "FromCountry": "", "FromState": "", "FromZip": "",
        "ToCity": "", "ToCountry": "", "ToState": "", "ToZip": "",
    }
    callbacks.send(store, account, doc["url"], params, TWIML_REQUESTED, r["sid"])


def follow_twiml(store: Store, delivery: dict[str, Any]) -> None:
    """The app's TwiML for an answered call: `<Hangup/>` (or `<Reject/>`) ends it now; mirra does
    not play the other verbs, the call lasts its planned time."""
    doc = store.get("call", delivery["object_id"])
    if doc is None or doc["resource"]["status"] != "in-progress":
        return
    try:
        root = ElementTree.fromstring(delivery["response_body"])
    except ElementTree.ParseError:
        return  # Twilio reports 12100 (document parse failure) and plays an error
    verbs = [element.tag for element in root] if root.tag == "Response" else []
    if verbs[:1] in (["Hangup"], ["Reject"]):
        finish(store, doc, "completed")


def finish(store: Store, before: Document, status: str) -> Document:
    """End the call: duration and price for an answered call, zero otherwise."""
    now = store.now()
    answered = before.get("answered_at")
    seconds = int(now - answered) if answered is not None else 0
    resource = {**before["resource"], "end_time": rfc2822(now), "duration": str(seconds)}
    if answered is None:
        resource["start_time"] = resource["start_time"] or rfc2822(now)
    resource["price"] = price(PRICE_PER_MINUTE * math.ceil(seconds / 60)) if seconds else None
    return _move(store, {**before, "resource": resource}, status)


def _callback(store: Store, doc: Document, event: str) -> None:
    url = doc.get("status_callback")
    if not url or event not in doc["events"]:
        return
    account = store.get("account", doc["account"])
    if account is None:
        return
    r = doc["resource"]
    params = {
        "Called": r["to"], "ToState": "", "CallerCountry": "", "Direction": r["direction"], "Timestamp": rfc2822(store.now()) or "",
        "CallbackSource": "call-progress-events", "CallerState": "", "ToZip": "", "SequenceNumber": str(doc["sequence"]),
        "To": r["to"], "CallSid": r["sid"], "ToCountry": "", "CallerZip": "", "CalledZip": "", "ApiVersion": API_VERSION,
        "CalledCity": "", "CallStatus": "initiated" if event == "initiated" else r["status"], "From": r["from"],
        "AccountSid": r["account_sid"], "CalledCountry": "", "CallerCity": "", "ToCity": "", "FromCountry": "",
        "Caller": r["from"], "FromCity": "", "CalledState": "", "FromZip": "", "FromState": "",
    }
    if event == "completed":
        params["CallDuration"] = params["Duration"] = r["duration"] or "0"
    store.save("call", {**doc, "sequence": doc["sequence"] + 1}, doc)
    callbacks.send(store, account, url, params, f"call.{params['CallStatus']}", r["sid"])


def plan_outcome(store: Store, sid: str, status: str, talk_seconds: int) -> Document:
    """How a call still on its way ends (a simulation): answered for `talk_seconds`, or busy,
    no-answer, failed."""
    before = store.get("call", sid)
    if before is None or before["resource"]["status"] in FINAL:
        raise TwilioError(20404, f"Call {sid} is not on its way", 404)
    return store.save("call", {**before, "outcome": {"status": status, "talk_seconds": talk_seconds}}, before)
