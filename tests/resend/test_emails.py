"""Sending through the unmodified resend SDK: test recipients and their lifecycles, batches,
schedules, validation errors, idempotency and the rate limit."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
import resend.exceptions

from tests.resend.conftest import ResendMirror, verified_domain

SENDER = "Acme <onboarding@resend.dev>"


def send(sdk: Any, to: str | list[str], **extra: Any) -> str:
    params = {"from": SENDER, "to": to, "subject": "Hi", "html": "<p>Hello</p>", **extra}
    return str(sdk.Emails.send(params)["id"])


@pytest.mark.parametrize(
    ("address", "events", "last_event"),
    [
        ("delivered@resend.dev", ["email.sent", "email.delivered"], "delivered"),
        ("bounced+signup@resend.dev", ["email.sent", "email.bounced"], "bounced"),
        ("complained@resend.dev", ["email.sent", "email.delivered", "email.complained"], "complained"),
        ("suppressed@resend.dev", ["email.sent", "email.suppressed"], "suppressed"),
    ],
)
def test_test_addresses_reach_their_outcome(
    sdk: Any, resend_mirror: ResendMirror, address: str, events: list[str], last_event: str
) -> None:
    email_id = send(sdk, address)
    assert sdk.Emails.get(email_id)["last_event"] == "sent"
    resend_mirror.advance(3)
    resend_mirror.advance(3)
    email = sdk.Emails.get(email_id)
    assert email["last_event"] == last_event
    assert email["object"] == "email" and email["to"] == [address] and email["html"] == "<p>Hello</p>"
    history = resend_mirror.email_state(email_id)
    assert [event["type"] for event in history["events"]] == events
    assert history["recipients"] == [{"email": address, "type": "to", "last_event": last_event}]


def test_send_answers_resend_shapes(sdk: Any, resend_mirror: ResendMirror) -> None:
    sent = sdk.Emails.send({"from": SENDER, "to": "delivered@resend.dev", "subject": "Hi", "text": "Hello",
                            "cc": ["delivered+cc@resend.dev"], "tags": [{"name": "kind", "value": "welcome"}]})
    assert set(sent) == {"id", "http_headers"}
    headers = {name.lower(): value for name, value in sent["http_headers"].items()}
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert headers["ratelimit-policy"] == "1000;w=1" and "ratelimit-remaining" in headers
    email = sdk.Emails.get(sent["id"])
    assert email["cc"] == ["delivered+cc@resend.dev"] and email["bcc"] is None and email["reply_to"] is None
    assert email["tags"] == [{"name": "kind", "value": "welcome"}]
    assert email["created_at"].endswith("+00") and email["created_at"][10] == " "
    listed = sdk.Emails.list()
    assert listed["object"] == "list" and listed["data"][0]["id"] == sent["id"]


def test_validation_errors_are_resends_and_change_nothing(sdk: Any, resend_mirror: ResendMirror) -> None:
    cases = [
        ({"from": SENDER, "subject": "x", "html": "x"}, 422, "missing_required_field", "Missing `to` field."),
        ({"from": SENDER, "to": "delivered@resend.dev", "subject": "x"}, 422, "validation_error", "Missing `html` or `text` field."),
        ({"from": "not an address", "to": "delivered@resend.dev", "subject": "x", "html": "x"}, 422, "validation_error",
         "Invalid `from` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format."),
        ({"from": SENDER, "to": "someone@gmail.com", "subject": "x", "html": "x"}, 403, "validation_error",
         ("You can only send testing emails to your own email address (owner@mirra.dev). To send emails to other "
          "recipients, please verify a domain at resend.com/domains, and change the `from` address to an email using this domain.")),
        ({"from": "me@unverified.dev", "to": "delivered@resend.dev", "subject": "x", "html": "x"}, 403, "validation_error",
         "The unverified.dev domain is not verified. Please, add and verify your domain on https://resend.com/domains"),
        ({"from": SENDER, "to": "delivered@resend.dev", "subject": "x", "html": "x", "attachments": [{"filename": "a.txt"}]},
         422, "invalid_attachment", "Attachment must have either a `content` or `path`."),
        ({"from": SENDER, "to": "delivered@resend.dev", "subject": "x", "html": "x", "scheduled_at": "in 40 days"},
         422, "validation_error", "The `scheduled_at` field must be within the next 30 days."),
    ]
    for params, status, name, message in cases:
        with pytest.raises(resend.exceptions.ResendError) as raised:
            sdk.Emails.send(params)
        assert (raised.value.code, raised.value.error_type, raised.value.message) == (status, name, message), params
    assert resend_mirror.state()["objects"]["email"] == []


def test_batch_strict_and_permissive(sdk: Any, resend_mirror: ResendMirror) -> None:
    good = {"from": SENDER, "to": "delivered@resend.dev", "subject": "a", "text": "a"}
    bad = {"from": SENDER, "subject": "b", "text": "b"}
    sent = sdk.Batch.send([good, {**good, "to": "bounced@resend.dev"}])
    ids = [item["id"] for item in sent["data"]]
    assert len(ids) == 2 and "errors" not in sent
    with pytest.raises(resend.exceptions.ResendError) as raised:
        sdk.Batch.send([good, bad])
    assert raised.value.message == "Missing `to` field."
    permissive = sdk.Batch.send([good, bad], options={"batch_validation": "permissive"})
    assert len(permissive["data"]) == 1
    assert permissive["errors"] == [{"index": 1, "message": "Missing `to` field."}]
    resend_mirror.advance(3)
    assert [sdk.Emails.get(i)["last_event"] for i in ids] == ["delivered", "bounced"]
    history = [event["type"] for event in resend_mirror.email_state(ids[0])["events"]]
    assert history == ["email.queued", "email.sent", "email.delivered"]


def test_schedule_reschedule_and_cancel(sdk: Any, resend_mirror: ResendMirror) -> None:
    later = send(sdk, "delivered@resend.dev", scheduled_at="in 1 hour")
    email = sdk.Emails.get(later)
    assert email["last_event"] == "scheduled" and email["scheduled_at"].endswith("+00")
    sdk.Emails.update({"id": later, "scheduled_at": "in 2 hours"})
    resend_mirror.advance(3700)
    assert sdk.Emails.get(later)["last_event"] == "scheduled"  # moved to two hours
    resend_mirror.advance(3600)
    email = sdk.Emails.get(later)
    assert email["last_event"] == "delivered"  # sent at its time, delivered deliverySeconds later
    times = {event["type"]: datetime.fromisoformat(event["at"]) for event in resend_mirror.email_state(later)["events"]}
    assert times["email.sent"] == datetime.fromisoformat(email["scheduled_at"])
    assert times["email.delivered"] - times["email.sent"] == timedelta(seconds=resend_mirror.settings()["deliverySeconds"])

    canceled = send(sdk, "delivered@resend.dev", scheduled_at="in 10 min")
    assert sdk.Emails.cancel(canceled)["object"] == "email"
    resend_mirror.advance(1200)
    assert sdk.Emails.get(canceled)["last_event"] == "canceled"
    with pytest.raises(resend.exceptions.ResendError) as raised:
        sdk.Emails.update({"id": canceled, "scheduled_at": "in 1 hour"})
    assert raised.value.code == 403


def test_domain_create_verify_then_send(sdk: Any, resend_mirror: ResendMirror) -> None:
    domain = sdk.Domains.create({"name": "mail.acme.dev"})
    assert domain["status"] == "not_started"
    assert {(r["record"], r["type"]) for r in domain["records"]} == {("SPF", "MX"), ("SPF", "TXT"), ("DKIM", "TXT")}
    with pytest.raises(resend.exceptions.ResendError):
        send(sdk, "customer@gmail.com", **{"from": "Acme <hello@mail.acme.dev>"})
    assert sdk.Domains.verify(domain["id"])["object"] == "domain"
    assert sdk.Domains.get(domain["id"])["status"] == "pending"
    resend_mirror.advance(6)
    fetched = sdk.Domains.get(domain["id"])
    assert fetched["status"] == "verified" and {r["status"] for r in fetched["records"]} == {"verified"}
    email_id = send(sdk, "customer@gmail.com", **{"from": "Acme <hello@mail.acme.dev>"})
    resend_mirror.advance(3)
    assert sdk.Emails.get(email_id)["last_event"] == "delivered"
    assert sdk.Domains.remove(domain["id"])["deleted"] is True


def test_idempotent_retry(sdk: Any, resend_mirror: ResendMirror) -> None:
    params = {"from": SENDER, "to": "delivered@resend.dev", "subject": "Hi", "html": "x"}
    first = sdk.Emails.send(params, options={"idempotency_key": "welcome-user/1"})
    again = sdk.Emails.send(params, options={"idempotency_key": "welcome-user/1"})
    assert first["id"] == again["id"] and len(resend_mirror.state()["objects"]["email"]) == 1
    with pytest.raises(resend.exceptions.ResendError) as raised:
        sdk.Emails.send({**params, "subject": "Changed"}, options={"idempotency_key": "welcome-user/1"})
    assert (raised.value.code, raised.value.error_type) == (409, "invalid_idempotent_request")
    with pytest.raises(resend.exceptions.ResendError) as raised:
        sdk.Emails.send(params, options={"idempotency_key": "k" * 257})
    assert (raised.value.code, raised.value.error_type) == (400, "invalid_idempotency_key")
    batch = [params, {**params, "to": "bounced@resend.dev"}]
    sent = sdk.Batch.send(batch, options={"idempotency_key": "batch/1"})
    assert sdk.Batch.send(batch, options={"idempotency_key": "batch/1"})["data"] == sent["data"]
    assert len(resend_mirror.state()["objects"]["email"]) == 3
    resend_mirror.advance(24 * 3600 + 1)
    assert sdk.Emails.send(params, options={"idempotency_key": "welcome-user/1"})["id"] != first["id"]


def test_rate_limit_then_success_after_retry_after(sdk: Any, resend_mirror: ResendMirror) -> None:
    resend_mirror.settings(rateLimitPerSecond=2)
    resend_mirror.advance(1)
    sdk.Domains.list()
    sdk.Domains.list()
    with pytest.raises(resend.exceptions.RateLimitError) as raised:
        sdk.Domains.list()
    assert raised.value.error_type == "rate_limit_exceeded"
    assert raised.value.headers["ratelimit-remaining"] == "0"
    retry_after = int(raised.value.headers["retry-after"])
    resend_mirror.advance(retry_after)
    assert sdk.Domains.list()["object"] == "list"


def test_attachments_are_kept_and_listed(sdk: Any, resend_mirror: ResendMirror) -> None:
    email_id = send(sdk, "delivered@resend.dev", attachments=[{"filename": "hi.txt", "content": list(b"hello")}])
    listed = sdk.Emails.Attachments.list(email_id=email_id)
    attachment = listed["data"][0]
    assert (attachment["filename"], attachment["content_type"], attachment["size"]) == ("hi.txt", "text/plain", 5)
    assert attachment["download_url"] == "data:text/plain;base64,aGVsbG8="
    one = sdk.Emails.Attachments.get(email_id=email_id, attachment_id=attachment["id"])
    assert one["object"] == "attachment"


def test_invalid_key_status_is_a_setting(sdk: Any, resend_mirror: ResendMirror, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sdk, "api_key", "not-a-resend-key")
    with pytest.raises(resend.exceptions.ResendError) as raised:
        sdk.Domains.list()
    assert (raised.value.code, raised.value.error_type, raised.value.message) == (401, "validation_error", "API key is invalid")
    resend_mirror.settings(invalidApiKeyStatus=403)
    with pytest.raises(resend.exceptions.InvalidApiKeyError):
        sdk.Domains.list()


def test_verified_domain_helper(sdk: Any, resend_mirror: ResendMirror) -> None:
    assert verified_domain(sdk, resend_mirror, "news.acme.dev")["status"] == "verified"
