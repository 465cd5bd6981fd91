"""An inbound text answered by a small app (TwiML reply), calls and their status callbacks,
Messaging Services and scheduled messages, through the unmodified SDK."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape

import httpx
import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from tests.twilio.conftest import Mirror
from tests.webhook_receiver import Attempt, Receiver


def test_inbound_sms_is_answered_by_the_app(
    client: Client, number: str, account: dict[str, Any], mirror: Mirror, receiver: Receiver
) -> None:
    """The app checks Twilio's signature and answers with TwiML; Twilio sends the reply."""
    validator = RequestValidator(account["authToken"])
    sms_url = f"{receiver.url}/sms"
    owned = client.incoming_phone_numbers.list(phone_number=number)[0]
    client.incoming_phone_numbers(owned.sid).update(sms_url=sms_url)

    def app(request: Attempt) -> str:
        return f"<Response><Message>You said: {escape(request.form()['Body'])}</Message></Response>"

    receiver.reply = app
    inbound = mirror.simulate("message.inbound", to=number, **{"from": "+14155550123"}, body="STOP & go")
    mirror.advance(0.001)  # runs the due webhook now, and the app's answer with it
    (webhook,) = receiver.wait(1)
    fields = webhook.form()
    assert webhook.path == "/sms" and validator.validate(sms_url, fields, webhook.headers["x-twilio-signature"])
    assert (fields["Body"], fields["From"], fields["To"], fields["SmsStatus"]) == ("STOP & go", "+14155550123", number, "received")
    assert fields["MessageSid"] == inbound["sid"] and fields["AccountSid"] == account["accountSid"]
    replies = client.messages.list(to="+14155550123")
    assert (replies[0].body, replies[0].from_, replies[0].direction) == ("You said: STOP & go", number, "outbound-reply")
    mirror.advance(10)
    assert client.messages(replies[0].sid).fetch().status == "delivered"
    assert client.messages(inbound["sid"]).fetch().direction == "inbound"


def test_call_progresses_with_signed_callbacks(
    client: Client, number: str, account: dict[str, Any], mirror: Mirror, receiver: Receiver
) -> None:
    callback = f"{receiver.url}/call-status"
    call = client.calls.create(to="+14155550124", from_=number, twiml="<Response><Say>Hi</Say></Response>",
                               status_callback=callback, status_callback_event=["initiated", "ringing", "answered", "completed"])
    assert call.sid.startswith("CA") and call.status == "queued" and call.to_formatted == "(415) 555-0124"
    mirror.advance(30)
    received = receiver.wait(4)
    validator = RequestValidator(account["authToken"])
    assert all(validator.validate(callback, a.form(), a.headers["x-twilio-signature"]) for a in received)
    assert [a.form()["CallStatus"] for a in received] == ["initiated", "ringing", "in-progress", "completed"]
    assert [a.form()["SequenceNumber"] for a in received] == ["0", "1", "2", "3"]
    assert received[3].form()["CallDuration"] == "10"
    done = client.calls(call.sid).fetch()
    assert (done.status, done.duration, done.price) == ("completed", "10", "-0.01400")
    with pytest.raises(TwilioRestException) as finished:
        client.calls(call.sid).update(status="completed")
    assert finished.value.code == 21220
    assert [c.sid for c in client.calls.list(status="completed")] == [call.sid]
    yesterday = datetime.now(UTC) - timedelta(days=1)
    assert [c.sid for c in client.calls.list(start_time_after=yesterday, end_time_after=yesterday)] == [call.sid]
    assert client.calls.list(end_time_before=yesterday) == []


def test_calls_canceled_busy_and_refused(client: Client, number: str, mirror: Mirror) -> None:
    canceled = client.calls.create(to="+14155550125", from_=number, url="https://example.com/twiml")
    assert client.calls(canceled.sid).update(status="canceled").status == "canceled"
    busy = client.calls.create(to="+14155550126", from_=number, url="https://example.com/twiml")
    mirror.simulate("call.outcome", sid=busy.sid, status="busy")
    mirror.advance(10)
    assert client.calls(busy.sid).fetch().status == "busy"
    with pytest.raises(TwilioRestException) as no_url:
        client.calls.create(to="+14155550126", from_=number)
    assert no_url.value.code == 21205
    with pytest.raises(TwilioRestException) as not_ours:
        client.calls.create(to="+14155550126", from_="+14155550999", url="https://example.com/twiml")
    assert not_ours.value.code == 21210


def test_messaging_service_pool_and_scheduled_messages(client: Client, number: str, mirror: Mirror, receiver: Receiver) -> None:
    service = client.messaging.v1.services.create(friendly_name="Alerts", status_callback=f"{receiver.url}/svc")
    owned = client.incoming_phone_numbers.list(phone_number=number)[0]
    client.messaging.v1.services(service.sid).phone_numbers.create(phone_number_sid=owned.sid)
    pooled = client.messages.create(to="+14155550127", messaging_service_sid=service.sid, body="from the pool")
    assert (pooled.status, pooled.from_, pooled.messaging_service_sid) == ("accepted", None, service.sid)
    mirror.advance(10)
    assert client.messages(pooled.sid).fetch().from_ == number
    assert [a.form()["MessageStatus"] for a in receiver.wait(3)] == ["queued", "sent", "delivered"]

    send_at = datetime.now(UTC) + timedelta(hours=1)
    scheduled = client.messages.create(to="+14155550128", messaging_service_sid=service.sid, body="later",
                                       schedule_type="fixed", send_at=send_at)
    assert scheduled.status == "scheduled"
    assert client.messages(scheduled.sid).update(status="canceled").status == "canceled"
    with pytest.raises(TwilioRestException) as again:
        client.messages(scheduled.sid).update(status="canceled")
    assert again.value.code == 30409
    with pytest.raises(TwilioRestException) as too_soon:
        client.messages.create(to="+14155550128", messaging_service_sid=service.sid, body="now-ish",
                               schedule_type="fixed", send_at=datetime.now(UTC) + timedelta(minutes=5))
    assert (too_soon.value.code, too_soon.value.msg) == (35114, "Unable to create record: Scheduling does not support this timestamp")
    kept = client.messages.create(to="+14155550129", messaging_service_sid=service.sid, body="in an hour",
                                  schedule_type="fixed", send_at=send_at)
    mirror.advance(3700)
    assert client.messages(kept.sid).fetch().status == "delivered"


def test_seed_metadata_and_reset(new_session: Any, trusts_mirra: None) -> None:
    session = new_session(mirrors=["twilio"], seeds={"twilio": "starter"})
    mirror = Mirror(session)
    state = mirror.state()
    assert [n["phone_number"] for n in state["objects"]["incoming_phone_number"]] == ["+15017122661"]
    assert [s["friendly_name"] for s in state["objects"]["verify_service"]] == ["mirra"]
    assert state["account"]["accountSid"].startswith("AC") and "auth_token" not in state["objects"]["account"][0]
    metadata = httpx.get(f"{mirror.admin}/metadata", trust_env=False).json()
    assert metadata["hosts"] == ["api.twilio.com", "verify.twilio.com", "lookups.twilio.com", "messaging.twilio.com"]
    assert "message.inbound" in metadata["simulations"] and metadata["seeds"] == ["starter"]
    assert mirror.post("state/reset", {}).status_code == 200
    assert [n["phone_number"] for n in mirror.state()["objects"]["incoming_phone_number"]] == ["+15017122661"]


def test_an_answered_call_asks_its_url_and_hangs_up_on_hangup(
    client: Client, number: str, account: dict[str, Any], mirror: Mirror, receiver: Receiver
) -> None:
    voice_url = f"{receiver.url}/voice"
    receiver.reply = lambda request: "<Response><Hangup/></Response>" if request.form().get("CallStatus") == "in-progress" else ""
    call = client.calls.create(to="+14155550130", from_=number, url=voice_url, status_callback=f"{receiver.url}/status")
    mirror.advance(5)  # ringing after 1 s, answered after 4 s: Twilio asks the Url, the app hangs up
    requests = {a.path: a.form() for a in receiver.wait(2)}
    headers = next(a.headers for a in receiver.delivered() if a.path == "/voice")
    assert RequestValidator(account["authToken"]).validate(voice_url, requests["/voice"], headers["x-twilio-signature"])
    assert (requests["/voice"]["CallSid"], requests["/voice"]["To"], requests["/voice"]["From"]) == (call.sid, "+14155550130", number)
    assert requests["/status"]["CallStatus"] == "completed"
    ended = client.calls(call.sid).fetch()
    assert ended.status == "completed" and int(ended.duration) < 10
