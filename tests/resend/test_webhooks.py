"""Webhooks registered through the resend SDK: email.*, contact.*, domain.* deliveries signed
with Svix's scheme (checked with the svix library and resend's own verifier), retried with the
same svix-id, listed and replayed through the webhook events API."""

from __future__ import annotations

import json
from typing import Any

import svix.webhooks

from tests.resend.conftest import ResendMirror
from tests.webhook_receiver import Attempt, Receiver

SENDER = "Acme <onboarding@resend.dev>"


def verified(secret: str, attempt: Attempt, sdk: Any) -> dict[str, Any]:
    """The payload, after both verifiers accepted the signature."""
    svix.webhooks.Webhook(secret).verify(attempt.body, attempt.headers)
    return sdk.Webhooks.verify({  # type: ignore[no-any-return]
        "payload": attempt.body.decode(),
        "headers": {"id": attempt.headers["svix-id"], "timestamp": attempt.headers["svix-timestamp"],
                    "signature": attempt.headers["svix-signature"]},
        "webhook_secret": secret,
    })


def test_email_events_are_signed_and_shaped(sdk: Any, resend_mirror: ResendMirror, receiver: Receiver) -> None:
    hook = sdk.Webhooks.create({"endpoint": receiver.url, "events": ["email.sent", "email.delivered", "email.opened", "email.clicked"]})
    secret = hook["signing_secret"]
    assert hook["object"] == "webhook" and secret.startswith("whsec_") and len(secret) == 38
    assert sdk.Webhooks.get(hook["id"])["status"] == "enabled"

    email_id = sdk.Emails.send({"from": SENDER, "to": "delivered@resend.dev", "subject": "Welcome", "html": "<p>hi</p>",
                                "tags": [{"name": "flow", "value": "signup"}]})["id"]
    resend_mirror.advance(3)
    assert resend_mirror.simulate("email.opened", email_id=email_id).status_code == 200
    clicked = resend_mirror.simulate("email.clicked", email_id=email_id, link="https://acme.dev/start")
    assert clicked.json()["result"]["last_event"] == "clicked"
    payloads = [verified(secret, attempt, sdk) for attempt in receiver.wait(4)]
    assert [p["type"] for p in payloads] == ["email.sent", "email.delivered", "email.opened", "email.clicked"]
    data = payloads[1]["data"]
    assert data["email_id"] == email_id and data["to"] == ["delivered@resend.dev"] and data["subject"] == "Welcome"
    assert data["tags"] == {"flow": "signup"} and data["created_at"].endswith("Z")
    assert payloads[3]["data"]["click"]["link"] == "https://acme.dev/start"
    first = receiver.delivered()[0]
    assert first.body == json.dumps(json.loads(first.body), sort_keys=True, separators=(",", ":")).encode()
    assert first.headers["svix-id"].startswith("msg_") and len(first.headers["svix-id"]) == 31


def test_failed_delivery_is_retried_with_the_same_svix_id(sdk: Any, resend_mirror: ResendMirror, receiver: Receiver) -> None:
    receiver.failures = 2
    hook = sdk.Webhooks.create({"endpoint": receiver.url, "events": ["email.sent"]})
    sdk.Emails.send({"from": SENDER, "to": "delivered@resend.dev", "subject": "x", "text": "x"})
    resend_mirror.wait_for(lambda: len(receiver.attempts) >= 1)
    resend_mirror.advance(5)
    resend_mirror.wait_for(lambda: len(receiver.attempts) >= 2)
    resend_mirror.advance(30)
    [success] = receiver.wait(1)
    assert [a.status for a in receiver.attempts] == [500, 500, 200]
    assert len({a.headers["svix-id"] for a in receiver.attempts}) == 1
    verified(hook["signing_secret"], success, sdk)

    events = sdk.Webhooks.list_events(hook["id"])["data"]
    assert [(e["type"], e["status"]) for e in events] == [("email.sent", "success")]
    assert events[0]["id"] == success.headers["svix-id"]
    attempts = sdk.Webhooks.list_event_attempts(hook["id"], events[0]["id"])["data"]
    assert sorted(a["http_status_code"] for a in attempts) == [200, 500, 500]
    assert sdk.Webhooks.replay_event(hook["id"], events[0]["id"])["object"] == "webhook_event"
    replayed = receiver.wait(2)[1]
    assert replayed.headers["svix-id"] == success.headers["svix-id"] and replayed.body == success.body


def test_contact_and_domain_events(sdk: Any, resend_mirror: ResendMirror, receiver: Receiver) -> None:
    hook = sdk.Webhooks.create({"endpoint": receiver.url, "events": ["contact.created", "contact.deleted", "domain.created", "domain.updated"]})
    contact = sdk.Contacts.create({"email": "Ada@Lovelace.dev", "first_name": "Ada"})
    sdk.Contacts.remove(email="ada@lovelace.dev")
    domain = sdk.Domains.create({"name": "acme.dev"})
    sdk.Domains.verify(domain["id"])
    resend_mirror.advance(6)
    payloads = [verified(hook["signing_secret"], attempt, sdk) for attempt in receiver.wait(5)]
    assert [p["type"] for p in payloads] == ["contact.created", "contact.deleted", "domain.created", "domain.updated", "domain.updated"]
    assert payloads[0]["data"]["id"] == contact["id"] and payloads[0]["data"]["first_name"] == "Ada"
    assert set(payloads[0]["data"]) == {"id", "audience_id", "segment_ids", "created_at", "updated_at", "email",
                                        "first_name", "last_name", "unsubscribed"}
    assert [p["data"]["status"] for p in payloads[2:]] == ["not_started", "pending", "verified"]
    assert payloads[4]["data"]["records"][0]["status"] == "verified"


def test_disabled_and_rotated_webhooks(sdk: Any, resend_mirror: ResendMirror, receiver: Receiver) -> None:
    hook = sdk.Webhooks.create({"endpoint": receiver.url, "events": ["contact.created"]})
    sdk.Webhooks.update({"webhook_id": hook["id"], "status": "disabled"})
    sdk.Contacts.create({"email": "quiet@acme.dev"})
    rotated = sdk.Webhooks.rotate_signing_secret(hook["id"])
    assert rotated["signing_secret"] != hook["signing_secret"]
    sdk.Webhooks.update({"webhook_id": hook["id"], "status": "enabled"})
    sdk.Contacts.create({"email": "loud@acme.dev"})
    [attempt] = receiver.wait(1)
    assert verified(rotated["signing_secret"], attempt, sdk)["data"]["email"] == "loud@acme.dev"
    assert [w["id"] for w in sdk.Webhooks.list()["data"]] == [hook["id"]]
    assert sdk.Webhooks.remove(hook["id"])["deleted"] is True
