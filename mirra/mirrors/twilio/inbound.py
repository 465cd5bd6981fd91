"""Inbound messages: a text arrives at one of the account's numbers, as if from a handset.

The message is stored (`direction: inbound`, `status: received`) and POSTed to the number's
`SmsUrl` with Twilio's fields, signed with the owning account's auth token. When the app answers
with TwiML, each `<Message>` is sent back as an `outbound-reply` message, as Twilio does.
"""

from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

from mirra.mirrors.twilio import callbacks, messages
from mirra.mirrors.twilio.context import Store
from mirra.mirrors.twilio.errors import TwilioError
from mirra.mirrors.twilio.formats import API_VERSION, is_phone_number
from mirra.mirrors.twilio.numbers import owner_of

RECEIVED = "message.received"


def receive(store: Store, to: str, sender: str, body: str, media: list[str]) -> dict[str, Any]:
    number = owner_of(store, to)
    if number is None:
        raise TwilioError(21606, f"{to} is not a phone number of any account in this session")
    if not is_phone_number(sender):
        raise TwilioError(21212, f"The 'From' number {sender} is not a valid phone number.")
    account = store.get("account", number["account"])
    assert account is not None
    account_sid = account["id"]
    resource = messages.new_resource(store, account_sid, to, sender, body, media, "received", "inbound")
    resource["date_sent"] = resource["date_created"]
    sid = resource["sid"]
    doc = {"id": sid, "created": int(store.now()), "account": account_sid, "resource": resource,
           "status_callback": None, "outcome": None, "sent_at": store.now()}
    store.insert("message", doc)
    for url in media:
        messages.add_media(store, doc, url)
    url = number["resource"]["sms_url"]
    if url:
        params = {
            "ToCountry": "US" if to.startswith("+1") else "", "ToState": "", "SmsMessageSid": sid, "NumMedia": str(len(media)),
            "ToCity": "", "FromZip": "", "SmsSid": sid, "FromState": "", "SmsStatus": "received", "FromCity": "", "Body": body,
            "FromCountry": "US" if sender.startswith("+1") else "", "To": to, "ToZip": "", "NumSegments": resource["num_segments"],
            "MessageSid": sid, "AccountSid": account_sid, "From": sender, "ApiVersion": API_VERSION,
        }
        for index, media_url in enumerate(media):
            params[f"MediaContentType{index}"] = mimetypes.guess_type(urlsplit(media_url).path)[0] or "application/octet-stream"
            params[f"MediaUrl{index}"] = media_url
        callbacks.send(store, account, url, params, RECEIVED, sid)
    return resource


def answer_twiml(store: Store, delivery: dict[str, Any]) -> None:
    """After an inbound message's webhook succeeded: send the `<Message>`s of the app's TwiML."""
    inbound = store.get("message", delivery["object_id"])
    try:
        root = ElementTree.fromstring(delivery["response_body"])
    except ElementTree.ParseError:
        return  # Twilio logs 12100 (document parse failure) and sends nothing
    if inbound is None or root.tag != "Response":
        return
    received = inbound["resource"]
    for verb in root.iter("Message"):
        body_element = verb.find("Body")
        body = (body_element.text if body_element is not None else verb.text) or ""
        media = [(element.text or "").strip() for element in verb.iter("Media")]
        to, sender = verb.get("to", received["from"]), verb.get("from", received["to"])
        reply = messages.new_resource(store, inbound["account"], to, sender, body.strip(), media, "queued", "outbound-reply")
        messages.send(store, inbound["account"], reply, verb.get("statusCallback") or verb.get("action"), media,
                      store.now() + messages.STEPS["queued"][0])
