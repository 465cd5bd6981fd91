"""Segments, contacts (by id and by email), topics, templates, broadcasts and API keys through
the unmodified resend SDK."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
import resend.exceptions

from tests.resend.conftest import ResendMirror, verified_domain


def test_segments_and_contacts_by_id_and_email(sdk: Any, resend_mirror: ResendMirror) -> None:
    segment = sdk.Segments.create({"name": "Beta users"})
    assert segment["object"] == "segment" and segment["name"] == "Beta users"
    created = sdk.Contacts.create({"email": "ada+beta@acme.dev", "first_name": "Ada", "audience_id": segment["id"]})
    by_email = sdk.Contacts.get(email="ada+beta@acme.dev")
    assert by_email["id"] == created["id"] and by_email["first_name"] == "Ada" and by_email["properties"] == {}
    assert sdk.Contacts.get(audience_id=segment["id"], id=created["id"])["email"] == "ada+beta@acme.dev"
    sdk.Contacts.update({"email": "ada+beta@acme.dev", "last_name": "Lovelace", "unsubscribed": True})
    assert sdk.Contacts.get(id=created["id"])["last_name"] == "Lovelace"
    listed = sdk.Contacts.list(segment_id=segment["id"])
    assert [c["id"] for c in listed["data"]] == [created["id"]] and listed["has_more"] is False

    other = sdk.Segments.create({"name": "VIP"})
    sdk.Contacts.Segments.add({"contact_id": created["id"], "segment_id": other["id"]})
    assert {s["id"] for s in sdk.Contacts.Segments.list({"contact_id": created["id"]})["data"]} == {segment["id"], other["id"]}
    sdk.Contacts.Segments.remove({"email": "ada+beta@acme.dev", "segment_id": other["id"]})

    removed = sdk.Contacts.remove(email="ada+beta@acme.dev")
    assert removed == {**removed, "object": "contact", "contact": "ada+beta@acme.dev", "deleted": True}
    with pytest.raises(resend.exceptions.ResendError) as raised:
        sdk.Contacts.get(id=created["id"])
    assert (raised.value.code, raised.value.message) == (404, "Contact not found")
    assert sdk.Contacts.remove(id=created["id"])["deleted"] is True  # Resend: unknown contacts delete fine
    assert sdk.Segments.remove(segment["id"])["deleted"] is True
    with pytest.raises(resend.exceptions.ResendError) as raised:
        sdk.Segments.get(segment["id"])
    assert raised.value.message == "Audience not found"
    with pytest.raises(resend.exceptions.ResendError) as raised:
        sdk.Contacts.create({})
    assert (raised.value.code, raised.value.error_type, raised.value.message) == (422, "missing_required_field", "Missing `email` field.")


def test_topics_and_subscriptions(sdk: Any, resend_mirror: ResendMirror) -> None:
    topic = sdk.Topics.create({"name": "Product updates", "default_subscription": "opt_in"})
    contact = sdk.Contacts.create({"email": "grace@acme.dev"})
    sdk.Contacts.Topics.update({"email": "grace@acme.dev", "topics": [{"id": topic["id"], "subscription": "opt_out"}]})
    topics = sdk.Contacts.Topics.list(contact["id"])["data"]
    assert [(t["id"], t["subscription"]) for t in topics] == [(topic["id"], "opt_out")]
    sdk.Topics.update(topic["id"], {"description": "Monthly"})
    assert sdk.Topics.get(topic["id"])["description"] == "Monthly"
    assert sdk.Topics.remove(topic["id"])["deleted"] is True


def test_contact_properties(sdk: Any, resend_mirror: ResendMirror) -> None:
    prop = sdk.ContactProperties.create({"key": "plan", "type": "string", "fallback_value": "free"})
    contact = sdk.Contacts.create({"email": "alan@acme.dev", "properties": {"plan": "pro"}})
    assert sdk.Contacts.get(id=contact["id"])["properties"] == {"plan": "pro"}
    with pytest.raises(resend.exceptions.ResendError):
        sdk.Contacts.create({"email": "bob@acme.dev", "properties": {"plan": 3}})
    assert sdk.ContactProperties.remove(prop["id"])["deleted"] is True


def test_template_send(sdk: Any, resend_mirror: ResendMirror) -> None:
    verified_domain(sdk, resend_mirror)
    template = sdk.Templates.create({
        "name": "welcome", "alias": "welcome", "from": "Acme <hi@mail.acme.dev>", "subject": "Hi {{{NAME}}}",
        "html": "<p>Welcome, {{{NAME}}} ({{{PLAN|free}}})</p>",
        "variables": [{"key": "NAME", "type": "string"}, {"key": "PLAN", "type": "string", "fallback_value": "free"}],
    })
    params = {"to": "delivered@resend.dev", "template": {"id": "welcome", "variables": {"NAME": "Ada"}}}
    with pytest.raises(resend.exceptions.ResendError):
        sdk.Emails.send(params)  # not published yet
    sdk.Templates.publish(template["id"])
    email = sdk.Emails.get(sdk.Emails.send(params)["id"])
    assert (email["subject"], email["html"], email["from"]) == ("Hi Ada", "<p>Welcome, Ada (free)</p>", "Acme <hi@mail.acme.dev>")
    assert sdk.Templates.get("welcome")["status"] == "published"


def test_broadcast_to_a_segment(sdk: Any, resend_mirror: ResendMirror) -> None:
    verified_domain(sdk, resend_mirror)
    segment = sdk.Segments.create({"name": "Everyone"})
    for address, name in (("delivered+ada@resend.dev", "Ada"), ("bounced@resend.dev", None)):
        sdk.Contacts.create({"email": address, "first_name": name, "audience_id": segment["id"]})
    broadcast = sdk.Broadcasts.create({"segment_id": segment["id"], "from": "Acme <news@mail.acme.dev>",
                                       "subject": "News", "html": "<p>Hi {{{FIRST_NAME|there}}}</p>"})
    assert sdk.Broadcasts.get(broadcast["id"])["status"] == "draft"
    sdk.Broadcasts.send({"broadcast_id": broadcast["id"], "scheduled_at": "in 1 hour"})
    assert sdk.Broadcasts.cancel(broadcast["id"])["object"] == "broadcast"
    assert sdk.Broadcasts.get(broadcast["id"])["status"] == "draft"  # a canceled schedule is a draft again
    sdk.Broadcasts.send({"broadcast_id": broadcast["id"]})
    resend_mirror.advance(3)
    assert sdk.Broadcasts.get(broadcast["id"])["status"] == "sent"
    emails = {e["to"][0]: e for e in resend_mirror.state()["objects"]["email"]}
    assert emails["delivered+ada@resend.dev"]["html"] == "<p>Hi Ada</p>"
    assert emails["bounced@resend.dev"]["html"] == "<p>Hi there</p>"
    bounced = sdk.Broadcasts.recipients(broadcast["id"], {"type": "bounced"})["data"]
    assert [(r["email"], r["bounce_type"]) for r in bounced] == [("bounced@resend.dev", "permanent")]
    with pytest.raises(resend.exceptions.ResendError) as raised:
        sdk.Broadcasts.cancel(broadcast["id"])
    assert (raised.value.code, raised.value.message) == (403, "Only queued or scheduled broadcasts can be canceled")


def test_one_advance_past_a_scheduled_broadcast_runs_every_step_at_its_time(sdk: Any, resend_mirror: ResendMirror) -> None:
    """The send falls due inside the advance: its emails are sent at the scheduled time and reach
    their outcomes two session seconds later, still inside the same advance."""
    verified_domain(sdk, resend_mirror)
    segment = sdk.Segments.create({"name": "Everyone"})
    sdk.Contacts.create({"email": "bounced@resend.dev", "audience_id": segment["id"]})
    broadcast = sdk.Broadcasts.create({"segment_id": segment["id"], "from": "Acme <news@mail.acme.dev>",
                                       "subject": "News", "html": "<p>Hi</p>"})
    sdk.Broadcasts.send({"broadcast_id": broadcast["id"], "scheduled_at": "in 1 hour"})
    resend_mirror.advance(2 * 3600)
    assert sdk.Broadcasts.get(broadcast["id"])["status"] == "sent"
    bounced = sdk.Broadcasts.recipients(broadcast["id"], {"type": "bounced"})["data"]
    assert [r["email"] for r in bounced] == ["bounced@resend.dev"]
    (email,) = resend_mirror.state()["objects"]["email"]
    times = {event["type"]: datetime.fromisoformat(event["at"]) for event in email["events"]}
    scheduled = datetime.fromisoformat(sdk.Broadcasts.get(broadcast["id"])["scheduled_at"])
    assert times["email.sent"] == scheduled
    assert times["email.bounced"] - scheduled == timedelta(seconds=resend_mirror.settings()["deliverySeconds"])


def test_api_keys_permissions_and_revocation(sdk: Any, resend_mirror: ResendMirror, monkeypatch: pytest.MonkeyPatch) -> None:
    sending = sdk.ApiKeys.create({"name": "sender", "permission": "sending_access"})
    assert set(sending) - {"http_headers"} == {"id", "object", "token"} and sending["token"].startswith("re_")
    assert [k["name"] for k in sdk.ApiKeys.list()["data"]] == ["sender"]
    with pytest.raises(resend.exceptions.ResendError) as raised:
        sdk.ApiKeys.create({"name": "x", "permission": "admin"})
    assert raised.value.error_type == "invalid_access"
    monkeypatch.setattr(sdk, "api_key", sending["token"])
    sdk.Emails.send({"from": "onboarding@resend.dev", "to": "delivered@resend.dev", "subject": "x", "text": "x"})
    with pytest.raises(resend.exceptions.ResendError) as raised:
        sdk.Domains.list()
    assert (raised.value.code, raised.value.error_type) == (401, "restricted_api_key")
    monkeypatch.setattr(sdk, "api_key", "re_mirra_test_key")
    assert sdk.ApiKeys.remove(sending["id"])["deleted"] is True
    monkeypatch.setattr(sdk, "api_key", sending["token"])
    with pytest.raises(resend.exceptions.ResendError) as raised:
        sdk.Emails.send({"from": "onboarding@resend.dev", "to": "delivered@resend.dev", "subject": "x", "text": "x"})
    assert (raised.value.code, raised.value.message) == (401, "API key is invalid")


def test_domain_restricted_sending_key(sdk: Any, resend_mirror: ResendMirror, monkeypatch: pytest.MonkeyPatch) -> None:
    news = verified_domain(sdk, resend_mirror, "news.acme.dev")
    verified_domain(sdk, resend_mirror, "billing.acme.dev")
    key = sdk.ApiKeys.create({"name": "news only", "permission": "sending_access", "domain_id": news["id"]})
    monkeypatch.setattr(sdk, "api_key", key["token"])
    sdk.Emails.send({"from": "hi@news.acme.dev", "to": "delivered@resend.dev", "subject": "x", "text": "x"})
    with pytest.raises(resend.exceptions.ResendError) as raised:
        sdk.Emails.send({"from": "hi@billing.acme.dev", "to": "delivered@resend.dev", "subject": "x", "text": "x"})
    assert (raised.value.code, raised.value.error_type) == (403, "validation_error")


def test_cursor_pagination(sdk: Any, resend_mirror: ResendMirror) -> None:
    ids = [sdk.Segments.create({"name": f"s{n}"})["id"] for n in range(5)]  # listed newest first
    assert [s["id"] for s in sdk.Segments.list()["data"]] == ids[::-1]  # legacy list: everything without a limit
    first = sdk.Segments.list({"limit": 2})
    assert [s["id"] for s in first["data"]] == [ids[4], ids[3]] and first["has_more"] is True
    second = sdk.Segments.list({"limit": 2, "after": ids[3]})
    assert [s["id"] for s in second["data"]] == [ids[2], ids[1]] and second["has_more"] is True
    back = sdk.Segments.list({"limit": 2, "before": ids[1]})
    assert [s["id"] for s in back["data"]] == [ids[3], ids[2]] and back["has_more"] is True
    with pytest.raises(resend.exceptions.ResendError) as raised:
        sdk.Segments.list({"limit": 101})
    assert (raised.value.code, raised.value.error_type) == (422, "validation_error")
