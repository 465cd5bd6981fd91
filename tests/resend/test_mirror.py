"""The Resend mirror's own surface: seeds, the state dump, metadata, settings, simulations,
and Resend's answers for unknown endpoints, wrong methods and missing keys."""

from __future__ import annotations

from typing import Any

import pytest
import resend.exceptions

from tests.resend.conftest import ResendMirror


def test_seed_and_state_dump(sdk: Any, resend_mirror: ResendMirror) -> None:
    assert resend_mirror.admin.post("/_mirra/state/reset", json={"seed": "newsletter"}).status_code == 200
    state = resend_mirror.state()
    assert [d["status"] for d in state["objects"]["domain"]] == ["verified"]
    assert {c["first_name"] for c in state["objects"]["contact"]} == {"Ada", "Grace", "Alan"}
    email_id = sdk.Emails.send({"from": "News <news@mail.acme.com>", "to": ["ada@mail.acme.com"],
                                "bcc": "bounced@resend.dev", "subject": "Hello", "text": "Plain", "html": "<b>Rich</b>"})["id"]
    resend_mirror.advance(3)
    [email] = resend_mirror.state()["objects"]["email"]
    assert email["id"] == email_id and (email["html"], email["text"]) == ("<b>Rich</b>", "Plain")
    assert [(r["email"], r["type"], r["last_event"]) for r in email["recipients"]] == [
        ("ada@mail.acme.com", "to", "delivered"), ("bounced@resend.dev", "bcc", "bounced")]
    assert [(e["type"], e["recipients"]) for e in email["events"]] == [
        ("email.sent", ["ada@mail.acme.com", "bounced@resend.dev"]),
        ("email.delivered", ["ada@mail.acme.com"]),
        ("email.bounced", ["bounced@resend.dev"]),
    ]


def test_simulations_follow_the_lifecycle(sdk: Any, resend_mirror: ResendMirror) -> None:
    email_id = sdk.Emails.send({"from": "onboarding@resend.dev", "to": "delivered@resend.dev", "subject": "x", "text": "x"})["id"]
    refused = resend_mirror.simulate("email.opened", email_id=email_id)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "mirra.simulate.illegal_transition"
    resend_mirror.advance(3)
    assert resend_mirror.simulate("email.opened", email_id=email_id).status_code == 200
    assert sdk.Emails.get(email_id)["last_event"] == "opened"
    assert resend_mirror.simulate("email.opened", email_id="nope").status_code == 404
    domain = sdk.Domains.create({"name": "fail.acme.dev"})
    assert resend_mirror.simulate("domain.failed", domain_id=domain["id"]).json()["result"]["status"] == "failed"


def test_metadata_and_settings(resend_mirror: ResendMirror) -> None:
    metadata = resend_mirror.admin.get("/_mirra/metadata").json()
    assert metadata["hosts"] == ["api.resend.com"] and {"method": "POST", "path": "/emails/batch"} in metadata["endpoints"]
    assert "email.delivered" in metadata["webhookEventTypes"] and "verified-domain" in metadata["seeds"]
    bad = resend_mirror.admin.post("/_mirra/settings", json={"invalidApiKeyStatus": 418})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "mirra.settings.invalid"
    assert resend_mirror.settings(webhookRetrySeconds=[1, 2])["webhookRetrySeconds"] == [1, 2]


@pytest.mark.parametrize(
    ("call", "status", "name", "message"),
    [
        (lambda sdk: sdk.Emails.Receiving.list(), 404, "not_found", "The requested endpoint does not exist."),
        (lambda sdk: sdk.Emails.get("4ef9a417-02e9-4d39-ad75-9611e0fcc33c"), 404, "not_found", "Email not found"),
        (lambda sdk: sdk.Domains.get("4ef9a417-02e9-4d39-ad75-9611e0fcc33c"), 404, "not_found", "Domain not found"),
        (lambda sdk: sdk.ApiKeys.remove("4ef9a417-02e9-4d39-ad75-9611e0fcc33c"), 404, "not_found", "API key not found"),
    ],
)
def test_resend_errors_for_missing_things(sdk: Any, resend_mirror: ResendMirror, call: Any, status: int, name: str, message: str) -> None:
    with pytest.raises(resend.exceptions.ResendError) as raised:
        call(sdk)
    assert (raised.value.code, raised.value.error_type, raised.value.message) == (status, name, message)


def test_wrong_method_and_missing_key(resend_mirror: ResendMirror) -> None:
    direct = resend_mirror.admin  # direct mode: the same mirror over plain HTTP
    wrong = direct.put("/emails", headers={"authorization": "Bearer re_x1"})
    assert (wrong.status_code, wrong.json()) == (405, {"statusCode": 405, "message": "Method is not allowed for the requested path.", "name": "method_not_allowed"})
    missing = direct.get("/domains")
    assert missing.status_code == 401 and missing.json()["name"] == "missing_api_key"
    assert missing.headers["content-type"] == "application/json; charset=utf-8" and "ratelimit-limit" in missing.headers
