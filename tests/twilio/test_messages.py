"""Messages through the unmodified twilio SDK: send, follow the status callbacks to delivered,
list with paging, redact, cancel, delete, media."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from mirra.mirrors.twilio.callbacks import signature
from tests.twilio.conftest import Mirror
from tests.webhook_receiver import Receiver


def test_send_and_follow_to_delivered_with_signed_callbacks(
    client: Client, number: str, account: dict[str, Any], mirror: Mirror, receiver: Receiver
) -> None:
    callback = f"{receiver.url}/status?order=42"
    sent = client.messages.create(to="+14155550100", from_=number, body="Hello from mirra", status_callback=callback + "#rc=3")
    assert sent.sid.startswith("SM") and len(sent.sid) == 34
    assert (sent.status, sent.price, sent.price_unit, sent.num_segments, sent.num_media) == ("queued", None, "USD", "1", "0")
    assert sent.date_sent is None and sent.direction == "outbound-api" and sent.error_code is None
    assert sent.uri == f"/2010-04-01/Accounts/{account['accountSid']}/Messages/{sent.sid}.json"
    mirror.advance(10)
    statuses = receiver.wait(2)
    validator = RequestValidator(account["authToken"])
    for status in statuses:
        assert status.path == "/status?order=42"
        assert validator.validate(callback, status.form(), status.headers["x-twilio-signature"])
        assert status.headers["content-type"] == "application/x-www-form-urlencoded"
        assert status.headers["user-agent"] == "TwilioProxy/1.1"
        assert len(status.headers["i-twilio-idempotency-token"]) == 36
    assert not RequestValidator("wrong").validate(callback, statuses[0].form(), statuses[0].headers["x-twilio-signature"])
    assert [status.form()["MessageStatus"] for status in statuses] == ["sent", "delivered"]
    delivered = statuses[1].form()
    assert delivered["MessageSid"] == delivered["SmsSid"] == sent.sid
    assert delivered["AccountSid"] == account["accountSid"] and delivered["From"] == number
    assert delivered["To"] == "+14155550100" and delivered["ApiVersion"] == "2010-04-01"
    fetched = client.messages(sent.sid).fetch()
    assert (fetched.status, fetched.price, fetched.price_unit) == ("delivered", "-0.00790", "USD")
    assert fetched.date_sent is not None and fetched.date_sent.tzinfo is not None


def test_signature_matches_twilios_published_vector() -> None:
    params = [("CallSid", "CA1234567890ABCDE"), ("Caller", "+14158675309"), ("Digits", "1234"), ("From", "+14158675309"), ("To", "+18005551212")]
    assert signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_a_failing_callback_is_retried_with_the_same_token(
    client: Client, number: str, mirror: Mirror, receiver: Receiver
) -> None:
    receiver.failures = 1
    client.messages.create(to="+14155550101", from_=number, body="retry", status_callback=f"{receiver.url}/s")
    mirror.advance(3)  # sent: the first attempt fails
    mirror.advance(10)  # the retry, and the delivered callback
    received = receiver.wait(2)
    deliveries = mirror.state()["deliveries"]
    assert [d["eventType"] for d in deliveries] == ["message.sent", "message.delivered"]
    assert [a["status"] for a in deliveries[0]["attempts"]] == [500, 200]
    sent_token = next(a.headers["i-twilio-idempotency-token"] for a in received if a.form()["MessageStatus"] == "sent")
    assert sent_token == deliveries[0]["eventId"]  # one token per callback, the same on its retry
    assert {a.form()["MessageStatus"] for a in received} == {"sent", "delivered"}


def test_long_and_unicode_bodies_count_segments(client: Client, number: str, mirror: Mirror) -> None:
    assert client.messages.create(to="+14155550102", from_=number, body="a" * 161).num_segments == "2"
    assert client.messages.create(to="+14155550102", from_=number, body="é" * 160).num_segments == "1"
    unicode = client.messages.create(to="+14155550102", from_=number, body="привет" * 12)
    assert unicode.num_segments == "2"
    mirror.advance(10)
    assert client.messages(unicode.sid).fetch().price == "-0.01580"


def test_list_pages_through_next_page_uri(client: Client, number: str, mirror: Mirror) -> None:
    sids = [client.messages.create(to="+14155550103", from_=number, body=f"n{i}").sid for i in range(5)]
    client.messages.create(to="+14155550199", from_=number, body="other")
    page = client.messages.page(to="+14155550103", page_size=2)
    assert [m.sid for m in page] == sids[::-1][:2]
    assert page.next_page_url is not None and "PageToken=PA" in page.next_page_url and "To=%2B14155550103" in page.next_page_url
    second = page.next_page()
    assert [m.sid for m in second] == sids[::-1][2:4]
    assert [m.sid for m in client.messages.list(to="+14155550103", page_size=2)] == sids[::-1]
    assert len(client.messages.list(limit=3)) == 3
    assert len(client.messages.list()) == 6
    assert client.messages.list(date_sent_after=datetime.now(UTC) - timedelta(days=1)) == []  # none sent yet
    mirror.advance(10)
    today = client.messages.list(date_sent_after=datetime.now(UTC) - timedelta(days=1), date_sent_before=datetime.now(UTC) + timedelta(days=1))
    assert len(today) == 6
    assert client.messages.list(date_sent_before=datetime.now(UTC) - timedelta(days=1)) == []


def test_redact_only_after_delivery(client: Client, number: str, mirror: Mirror) -> None:
    message = client.messages.create(to="+14155550104", from_=number, body="code 123456")
    with pytest.raises(TwilioRestException) as early:
        client.messages(message.sid).update(body="")
    assert (early.value.status, early.value.code) == (409, 20009)
    assert early.value.msg == "Unable to update record: Cannot delete message because delivery has not been completed."
    assert client.messages(message.sid).fetch().body == "code 123456"
    with pytest.raises(TwilioRestException) as early_delete:
        client.messages(message.sid).delete()
    assert early_delete.value.code == 20009
    mirror.advance(10)
    with pytest.raises(TwilioRestException) as not_empty:
        client.messages(message.sid).update(body="x")
    assert (not_empty.value.status, not_empty.value.code) == (400, 30400)
    assert client.messages(message.sid).update(body="").body == ""
    assert client.messages(message.sid).fetch().body == ""
    assert client.messages(message.sid).delete() is True
    with pytest.raises(TwilioRestException) as gone:
        client.messages(message.sid).fetch()
    assert gone.value.status == 404 and gone.value.code == 20404


def test_media_sub_resources(client: Client, number: str, mirror: Mirror) -> None:
    message = client.messages.create(to="+14155550105", from_=number, media_url=["https://example.com/cat.jpg", "https://example.com/a.png"])
    assert message.sid.startswith("MM") and message.num_media == "2"
    media = client.messages(message.sid).media.list()
    assert sorted(m.content_type for m in media) == ["image/jpeg", "image/png"]
    assert all(m.parent_sid == message.sid and m.sid.startswith("ME") for m in media)
    assert client.messages(message.sid).media(media[0].sid).fetch().sid == media[0].sid
    assert client.messages(message.sid).media(media[0].sid).delete() is True
    assert len(client.messages(message.sid).media.list()) == 1


def test_create_errors_change_nothing(client: Client, number: str, mirror: Mirror) -> None:
    cases = [
        ({"to": "+14155550106", "from_": number}, 21602, "Message body is required."),
        ({"to": "+14155550106", "body": "x"}, 21603, "A 'From' phone number is required."),
        ({"to": "nope", "from_": number, "body": "x"}, 21211, "The 'To' number nope is not a valid phone number."),
        ({"to": "+14155550106", "from_": "+14155559999", "body": "x"}, 21606,
         "The From phone number +14155559999 is not a valid, SMS-capable inbound phone number or short code for your account."),
    ]
    for params, code, message in cases:
        with pytest.raises(TwilioRestException) as error:
            client.messages.create(**params)
        assert (error.value.status, error.value.code, error.value.msg) == (400, code, f"Unable to create record: {message}")
    assert "message" not in mirror.state()["objects"]


def test_undelivered_and_failed_messages_carry_their_error_code(
    client: Client, number: str, account: dict[str, Any], mirror: Mirror, receiver: Receiver
) -> None:
    lost = client.messages.create(to="+14155550107", from_=number, body="lost", status_callback=f"{receiver.url}/s")
    mirror.simulate("message.undelivered", sid=lost.sid, errorCode=30005)
    failed = client.messages.create(to="+14155550108", from_=number, body="failed", status_callback=f"{receiver.url}/s")
    mirror.simulate("message.failed", sid=failed.sid)
    mirror.advance(10)
    received = receiver.wait(3)
    statuses = {(a.form()["MessageSid"], a.form()["MessageStatus"]): a.form().get("ErrorCode") for a in received}
    assert statuses == {(lost.sid, "sent"): None, (lost.sid, "undelivered"): "30005", (failed.sid, "failed"): "30008"}
    lost_now = client.messages(lost.sid).fetch()
    assert (lost_now.status, lost_now.error_code, lost_now.error_message) == ("undelivered", 30005, "Unknown destination handset")
    failed_now = client.messages(failed.sid).fetch()
    assert (failed_now.status, failed_now.error_code, failed_now.price) == ("failed", 30008, None)
    assert mirror.post("simulate", {"event": "message.failed", "sid": failed.sid}).status_code == 400  # already final
