"""Verify v2 (send, check right and wrong codes, the limits, expiry, 404 after approval) and
Lookups v2 (validation, line type) through the unmodified SDK."""

from __future__ import annotations

from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from tests.twilio.conftest import Mirror


def code_for(mirror: Mirror, to: str) -> str:
    """The code Twilio texted: what a test reads where a user would read their phone."""
    return next(c["code"] for c in mirror.state()["verificationCodes"] if c["to"] == to)


def test_verify_send_then_check_wrong_and_right_code(client: Client, mirror: Mirror, account: dict[str, Any]) -> None:
    service = client.verify.v2.services.create(friendly_name="Login")
    assert service.sid.startswith("VA") and service.code_length == 6
    assert service.url == f"https://verify.twilio.com/v2/Services/{service.sid}"
    started = client.verify.v2.services(service.sid).verifications.create(to="+14155550100", channel="sms")
    assert (started.status, started.valid, started.channel, started.account_sid) == ("pending", False, "sms", account["accountSid"])
    assert started.send_code_attempts[0]["channel"] == "SMS"
    code = code_for(mirror, "+14155550100")
    assert len(code) == 6 and code.isdigit()
    wrong = client.verify.v2.services(service.sid).verification_checks.create(to="+14155550100", code="000000" if code != "000000" else "111111")
    assert (wrong.status, wrong.valid) == ("pending", False)
    fetched = client.verify.v2.services(service.sid).verifications("+14155550100").fetch()  # a raw '+' in the path
    assert fetched.sid == started.sid
    approved = client.verify.v2.services(service.sid).verification_checks.create(to="+14155550100", code=code)
    assert (approved.status, approved.valid, approved.sid) == ("approved", True, started.sid)
    with pytest.raises(TwilioRestException) as after:
        client.verify.v2.services(service.sid).verification_checks.create(to="+14155550100", code=code)
    assert (after.value.status, after.value.code) == (404, 20404)
    assert after.value.msg == f"Unable to create record: The requested resource /Services/{service.sid}/VerificationCheck was not found"


def test_verify_limits_and_expiry(client: Client, mirror: Mirror) -> None:
    service = client.verify.v2.services.create(friendly_name="Limits", code_length=4)
    verifications = client.verify.v2.services(service.sid).verifications
    first = verifications.create(to="+14155550101", channel="sms")
    code = code_for(mirror, "+14155550101")
    for _ in range(4):
        again = verifications.create(to="+14155550101", channel="sms")
        assert again.sid == first.sid
    assert code_for(mirror, "+14155550101") == code and len(code) == 4  # the code is reused while pending
    with pytest.raises(TwilioRestException) as sends:
        verifications.create(to="+14155550101", channel="sms")
    assert (sends.value.status, sends.value.code, sends.value.msg) == (429, 60203, "Unable to create record: Max send attempts reached")
    checks = client.verify.v2.services(service.sid).verification_checks
    wrong = "0000" if code != "0000" else "1111"
    for _ in range(5):
        assert checks.create(verification_sid=first.sid, code=wrong).status == "pending"
    with pytest.raises(TwilioRestException) as used_up:
        checks.create(verification_sid=first.sid, code=code)
    assert (used_up.value.status, used_up.value.code, used_up.value.msg) == (429, 60202, "Unable to create record: Max check attempts reached")
    with pytest.raises(TwilioRestException) as deleted:
        checks.create(verification_sid=first.sid, code=code)
    assert deleted.value.code == 20404

    verifications.create(to="+14155550102", channel="call")
    late = code_for(mirror, "+14155550102")
    mirror.advance(601)  # codes live 10 minutes
    with pytest.raises(TwilioRestException) as expired:
        checks.create(to="+14155550102", code=late)
    assert expired.value.code == 20404
    assert mirror.state()["verificationCodes"] == []


def test_verify_bad_input_and_cancel(client: Client, mirror: Mirror) -> None:
    service = client.verify.v2.services.create(friendly_name="Bad")
    verifications = client.verify.v2.services(service.sid).verifications
    with pytest.raises(TwilioRestException) as bad_to:
        verifications.create(to="12", channel="sms")
    assert (bad_to.value.status, bad_to.value.code, bad_to.value.msg) == (400, 60200, "Unable to create record: Invalid parameter `To`: 12")
    with pytest.raises(TwilioRestException) as bad_channel:
        verifications.create(to="+14155550103", channel="pigeon")
    assert bad_channel.value.msg == "Unable to create record: Invalid parameter: Channel"
    with pytest.raises(TwilioRestException) as no_service:
        client.verify.v2.services("VA" + "0" * 32).verifications.create(to="+14155550103", channel="sms")
    assert no_service.value.code == 20404
    started = verifications.create(to="+14155550103", channel="sms")
    assert client.verify.v2.services(service.sid).verifications(started.sid).update(status="canceled").status == "canceled"
    with pytest.raises(TwilioRestException):
        client.verify.v2.services(service.sid).verifications(started.sid).fetch()
    assert [s.sid for s in client.verify.v2.services.list()] == [service.sid]


def test_lookups_validation_and_line_type(client: Client, mirror: Mirror) -> None:
    valid = client.lookups.v2.phone_numbers("+14159929960").fetch()
    assert (valid.valid, valid.country_code, valid.calling_country_code, valid.national_format) == (True, "US", "1", "(415) 992-9960")
    assert valid.validation_errors is None and valid.line_type_intelligence is None
    national = client.lookups.v2.phone_numbers("(415) 992-9960").fetch(country_code="US")
    assert national.phone_number == "+14159929960"
    too_long = client.lookups.v2.phone_numbers("+1415992996012").fetch()
    assert (too_long.valid, too_long.validation_errors, too_long.country_code) == (False, ["TOO_LONG"], None)
    typed = client.lookups.v2.phone_numbers("+14159929960").fetch(fields="line_type_intelligence")
    assert typed.line_type_intelligence["type"] == "mobile"
    mirror.simulate("lookup.line_type", phoneNumber="+14159929960", type="landline", carrierName="Pacific Bell")
    landline = client.lookups.v2.phone_numbers("+14159929960").fetch(fields="validation,line_type_intelligence")
    assert landline.line_type_intelligence["type"] == "landline" and landline.line_type_intelligence["carrier_name"] == "Pacific Bell"
    with pytest.raises(TwilioRestException) as bad_field:
        client.lookups.v2.phone_numbers("+14159929960").fetch(fields="horoscope")
    assert bad_field.value.status == 400
