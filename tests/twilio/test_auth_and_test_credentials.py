"""Credentials: auth token, API keys, subaccounts, wrong ones (Twilio's 401 bodies), the path's
AccountSid; test credentials with the magic numbers, and 403 / 20008 wherever Twilio refuses them."""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from mirra.testing.server import MirraProcess
from tests.twilio.conftest import ClientFactory, Mirror
from tests.webhook_receiver import Receiver


def raw(session: dict[str, Any], mirra: MirraProcess, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """A plain HTTPS request through the proxy, to see Twilio's exact bytes and headers."""
    trust = ssl.create_default_context(cafile=str(mirra.ca_bundle))
    with httpx.Client(proxy=session["proxyUrl"], verify=trust, trust_env=False) as http:
        return http.request(method, url, **kwargs)


def refusal(action: Callable[[], object]) -> tuple[int, int, str]:
    """(HTTP status, Twilio code, message) of a refused SDK call; list pages raise a plain
    TwilioException holding the response, single records a TwilioRestException."""
    try:
        action()
    except TwilioRestException as error:
        return error.status, error.code, error.msg.partition(": ")[2]
    except TwilioException as error:
        body = json.loads(error.args[1].text)
        return error.args[1].status_code, body["code"], body["message"]
    raise AssertionError("not refused")


def test_wrong_and_missing_credentials_get_twilios_401(
    twilio_session: dict[str, Any], mirra: MirraProcess, account: dict[str, Any], make_client: ClientFactory
) -> None:
    url = f"https://api.twilio.com/2010-04-01/Accounts/{account['accountSid']}/Messages.json"
    missing = raw(twilio_session, mirra, "GET", url)
    assert missing.status_code == 401
    assert missing.content == (
        b'{"code": 20003, "detail": "Your AccountSid or AuthToken was incorrect.", "message": "Authentication Error - '
        b'No credentials provided", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401}'
    )
    assert missing.headers["Twilio-Request-Id"].startswith("RQ") and len(missing.headers["Twilio-Request-Id"]) == 34
    assert missing.headers["X-Powered-By"] == "AT-5000" and missing.headers["Content-Type"] == "application/json"
    assert refusal(make_client(account["accountSid"], "wrong").messages.list) == (401, 20003, "Authenticate")
    with pytest.raises(TwilioRestException) as unknown:
        make_client("AC" + "0" * 32, "x").messages.create(to="+14155550100", from_="+15005550006", body="x")
    assert unknown.value.msg == "Unable to create record: Authentication Error - invalid username"


def test_api_keys_and_subaccounts(make_client: ClientFactory, client: Client, account: dict[str, Any]) -> None:
    key = client.new_keys.create(friendly_name="ci")
    assert key.sid.startswith("SK") and key.secret
    keyed = make_client(key.sid, key.secret, account["accountSid"])
    assert keyed.api.v2010.account.fetch().sid == account["accountSid"]
    assert [k.sid for k in keyed.keys.list()] == [key.sid]
    assert refusal(make_client(key.sid, "nope", account["accountSid"]).messages.list)[:2] == (401, 20003)

    sub = client.api.v2010.accounts.create(friendly_name="tenant")
    assert sub.owner_account_sid == account["accountSid"] and sub.auth_token
    as_parent = make_client(account["accountSid"], account["authToken"], sub.sid)
    assert as_parent.messages.list() == []  # the parent may act on its subaccount
    as_sub = make_client(sub.sid, sub.auth_token, account["accountSid"])
    assert refusal(as_sub.messages.list)[:2] == (401, 20003)  # but not the other way
    assert {a.sid for a in client.api.v2010.accounts.list()} == {account["accountSid"], sub.sid}
    keyed.keys(key.sid).delete()
    assert refusal(keyed.messages.list)[:2] == (401, 20003)


MESSAGE_CASES = [
    ("+15005550001", "+14155550100", 21212, "The 'From' number +15005550001 is not a valid phone number, shortcode, or alphanumeric sender ID."),
    ("+15005550007", "+14155550100", 21606, "The From phone number +15005550007 is not a valid, SMS-capable inbound phone number or short code for your account."),
    ("+15005550008", "+14155550100", 21611, "This 'From' number has exceeded the maximum number of queued messages"),
    ("+14155550111", "+14155550100", 21606, "The From phone number +14155550111 is not a valid, SMS-capable inbound phone number or short code for your account."),
    ("+15005550006", "+15005550001", 21211, "The 'To' number +15005550001 is not a valid phone number."),
    ("+15005550006", "+15005550002", 21612, "The 'To' phone number: +15005550002, is not currently reachable using the 'From' phone number: +15005550006 via SMS."),
    ("+15005550006", "+15005550003", 21408, "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: +15005550003."),
    ("+15005550006", "+15005550004", 21610, "The message From/To pair violates a blacklist rule."),
    ("+15005550006", "+15005550009", 21614, "To number: +15005550009, is not a mobile number"),
]


@pytest.fixture
def test_client(make_client: ClientFactory, account: dict[str, Any]) -> Client:
    return make_client(account["testAccountSid"], account["testAuthToken"])


def test_magic_numbers_for_messages(test_client: Client, mirror: Mirror) -> None:
    for sender, to, code, message in MESSAGE_CASES:
        with pytest.raises(TwilioRestException) as error:
            test_client.messages.create(to=to, from_=sender, body="magic")
        assert (error.value.status, error.value.code, error.value.msg) == (400, code, f"Unable to create record: {message}"), sender + to


def test_test_credentials_send_nothing_keep_nothing_and_reach_only_three_resources(
    test_client: Client, account: dict[str, Any], mirror: Mirror, receiver: Receiver
) -> None:
    sent = test_client.messages.create(to="+14155550100", from_="+15005550006", body="ok", status_callback=f"{receiver.url}/s")
    assert sent.status == "queued" and sent.account_sid == account["testAccountSid"]
    call = test_client.calls.create(to="+14155550100", from_="+15005550006", url="https://example.com/twiml")
    assert call.status == "queued" and call.sid.startswith("CA")
    bought = test_client.incoming_phone_numbers.create(area_code="500")
    assert bought.phone_number == "+15005550006" and bought.friendly_name == "(500) 555-0006"
    for calls in ((("+15005550006", "+15005550001"), 21217), (("+15005550001", "+14155550100"), 21212),
                  (("+14155550111", "+14155550100"), 21210), (("+15005550006", "+15005550002"), 21214),
                  (("+15005550006", "+15005550003"), 21215), (("+15005550006", "+15005550004"), 21216)):
        (sender, to), code = calls
        with pytest.raises(TwilioRestException) as refused_call:
            test_client.calls.create(to=to, from_=sender, url="https://example.com/twiml")
        assert refused_call.value.code == code
    for number, area, code in (("+15005550000", None, 21422), ("+15005550001", None, 21421), (None, "533", 21452)):
        with pytest.raises(TwilioRestException) as refused_number:
            test_client.incoming_phone_numbers.create(phone_number=number, area_code=area)
        assert refused_number.value.code == code
    for forbidden in (lambda: test_client.messages(sent.sid).fetch(), lambda: test_client.messages.list(),
                      lambda: test_client.verify.v2.services.create(friendly_name="x"),
                      lambda: test_client.lookups.v2.phone_numbers("+14155550100").fetch()):
        assert refusal(forbidden) == (403, 20008, "Resource not accessible with Test Account Credentials")
    mirror.advance(30)
    state = mirror.state()
    assert "message" not in state["objects"] and "call" not in state["objects"]
    assert state["deliveries"] == [] and receiver.attempts == []


def test_rate_limit_is_twilios_429(client: Client, mirror: Mirror) -> None:
    assert mirror.post("settings", {"rateLimitPerSecond": 1}).status_code == 200
    assert refusal(lambda: [client.messages.list(limit=1) for _ in range(3)]) == (429, 20429, "Too many requests")
    with pytest.raises(TwilioRestException) as limited:
        client.api.v2010.account.fetch()
        client.api.v2010.account.fetch()
    assert (limited.value.status, limited.value.code) == (429, 20429)
    assert limited.value.msg == "Unable to fetch record: Too many requests"
    assert mirror.post("settings", {"rateLimitPerSecond": 0}).status_code == 400
    assert mirror.post("settings", {"rateLimitPerSecond": None}).status_code == 200
    client.api.v2010.account.fetch()


def test_twilios_headers_404_405_and_204(
    twilio_session: dict[str, Any], mirra: MirraProcess, account: dict[str, Any], client: Client, number: str, mirror: Mirror
) -> None:
    auth = (account["accountSid"], account["authToken"])
    base = f"https://api.twilio.com/2010-04-01/Accounts/{account['accountSid']}"
    created = raw(twilio_session, mirra, "POST", f"{base}/Messages.json", auth=auth,
                  data={"To": "+14155550100", "From": number, "Body": "raw"})
    assert created.status_code == 201
    assert created.headers["Content-Type"] == "application/json" and created.headers["X-API-Domain"] == "api.twilio.com"
    assert created.headers["Twilio-Request-Id"].startswith("RQ") and created.headers["Twilio-Concurrent-Requests"] == "1"
    missing = raw(twilio_session, mirra, "GET", f"{base}/Messages/SM{'0' * 32}.json", auth=auth)
    assert missing.json() == {
        "code": 20404, "message": f"The requested resource /2010-04-01/Accounts/{account['accountSid']}/Messages/SM{'0' * 32}.json was not found",
        "more_info": "https://www.twilio.com/docs/errors/20404", "status": 404,
    }
    assert raw(twilio_session, mirra, "PUT", f"{base}/Messages.json", auth=auth).json()["code"] == 20004
    assert raw(twilio_session, mirra, "GET", "https://api.twilio.com/2010-04-01/Accounts//Messages.json", auth=auth).status_code == 404
    mirror.advance(10)
    deleted = raw(twilio_session, mirra, "DELETE", f"{base}/Messages/{created.json()['sid']}.json", auth=auth)
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert "Content-Type" not in deleted.headers and deleted.headers["Twilio-Request-Id"].startswith("RQ")
