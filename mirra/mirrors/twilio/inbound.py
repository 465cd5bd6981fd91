"""Inbound messages: a text arrives at one of the account's numbers, as if from a handset.

The message is stored (`direction: inbound`, `status: received`) and POSTed to the number's
`SmsUrl` with Twilio's fields, signed with the owning account's auth token.
"""

from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import urlsplit

from mirra.mirrors.twilio import callbacks
from mirra.mirrors.twilio.context import Store
from mirra.mirrors.twilio.errors import TwilioError
from mirra.mirrors.twilio.formats import API_VERSION, is_phone_number, rfc2822
from mirra.mirrors.twilio.messages import message_path
from mirra.mirrors.twilio.numbers import owner_of
from mirra.mirrors.twilio.segments import count_segments


def receive(store: Store, to: str, sender: str, body: str, media: list[str]) -> dict[str, Any]:
    number = owner_of(store, to)
    if number is None:
        raise TwilioError(21606, f"{to} is not a phone number of any account in this session")
    if not is_phone_number(sender):
        raise TwilioError(21212, f"The 'From' number {sender} is not a valid phone number.")
    account = store.get("account", number["account"])
    assert account is not None
    now, sid = store.now(), store.sid("MM" if media else "SM")
    account_sid = account["id"]
    resource = {
        "account_sid": account_sid, "api_version": API_VERSION, "body": body, "date_created": rfc2822(now),
        "date_sent": rfc2822(now), "date_updated": rfc2822(now), "direction": "inbound", "error_code": None,
        "error_message": None, "from": sender, "messaging_service_sid": None, "num_media": str(len(media)),
        "num_segments": str(count_segments(body)), "price": None, "price_unit": "USD", "sid": sid, "status": "received",
        "subresource_uris": {"media": f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}/Media.json",
                             "feedback": f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}/Feedback.json"},
        "to": to, "uri": message_path(account_sid, sid),
    }
    store.insert("message", {"id": sid, "created": int(now), "account": account_sid, "resource": resource,
                             "status_callback": None, "outcome": None, "sent_at": now})
    url = number["resource"]["sms_url"]
    if url:
        params = {
            "ToCountry": "US", "ToState": "", "SmsMessageSid": sid, "NumMedia": str(len(media)), "ToCity": "",
            "FromZip": "", "SmsSid": sid, "FromState": "", "SmsStatus": "received", "FromCity": "", "Body": body,
            "FromCountry": "US" if sender.startswith("+1") else "", "To": to, "ToZip": "",
            "NumSegments": resource["num_segments"], "MessageSid": sid, "AccountSid": account_sid, "From": sender,
            "ApiVersion": API_VERSION,
        }
        for index, media_url in enumerate(media):
            params[f"MediaContentType{index}"] = mimetypes.guess_type(urlsplit(media_url).path)[0] or "application/octet-stream"
            params[f"MediaUrl{index}"] = media_url
        callbacks.send(store, account, url, params, "message.received", sid)
    return resource
