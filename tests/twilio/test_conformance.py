"""Every answer the SDK gets has the keys of that operation's schema in Twilio's OpenAPI specs
(`../shared/vendors/twilio/oai/`), nested objects included: no key missing, none extra."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from tests.twilio.conftest import Mirror

SPECS = Path(__file__).resolve().parents[2].parent / "shared" / "vendors" / "twilio" / "oai"
SPEC_FILES = {
    "api.twilio.com": "twilio_api_v2010.json",
    "verify.twilio.com": "twilio_verify_v2.json",
    "lookups.twilio.com": "twilio_lookups_v2.json",
    "messaging.twilio.com": "twilio_messaging_v1.json",
}
pytestmark = pytest.mark.skipif(not SPECS.is_dir(), reason=f"Twilio's OpenAPI specs are not at {SPECS} (../shared is absent)")


class RecordingClient(TwilioHttpClient):
    """The SDK's own HTTP client, keeping each (method, url, response) it saw."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seen: list[tuple[str, str, Response]] = []

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        response = super().request(method, url, *args, **kwargs)
        self.seen.append((method, url, response))
        return response


@cache
def spec(host: str) -> dict[str, Any]:
    return json.loads((SPECS / SPEC_FILES[host]).read_text())  # type: ignore[no-any-return]


def operation_schema(method: str, url: str, status: int) -> dict[str, Any]:
    parts = urlsplit(url)
    document = spec(parts.netloc)
    for template, operations in document["paths"].items():
        pattern = "^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, parts.path) and method.lower() in operations:
            responses = operations[method.lower()]["responses"]
            content = responses.get(str(status), {}).get("content", {})
            return resolve(document, content["application/json"]["schema"])
    raise AssertionError(f"no operation {method} {parts.path} in {SPEC_FILES[parts.netloc]}")


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = document["components"]["schemas"][name]
    return schema


def mismatches(document: dict[str, Any], value: Any, schema: dict[str, Any], where: str) -> list[str]:
    schema = resolve(document, schema)
    found: list[str] = []
    if isinstance(value, dict) and "properties" in schema:
        expected = set(schema["properties"])
        if set(value) != expected:
            found.append(f"{where}: missing {sorted(expected - set(value))}, extra {sorted(set(value) - expected)}")
        for key, inner in schema["properties"].items():
            if key in value:
                found += mismatches(document, value[key], inner, f"{where}.{key}")
    elif isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += mismatches(document, item, schema["items"], f"{where}[{index}]")
    return found


def test_every_response_has_its_operations_keys(
    twilio_session: dict[str, Any], trusts_mirra: None, account: dict[str, Any], mirror: Mirror
) -> None:
    http = RecordingClient(proxy={"https": twilio_session["proxyUrl"]}, timeout=30)
    client = Client(account["accountSid"], account["authToken"], http_client=http)
    number = client.incoming_phone_numbers.create(phone_number="+15017122661", sms_url="https://example.com/sms")
    client.incoming_phone_numbers(number.sid).update(friendly_name="main")
    client.incoming_phone_numbers(number.sid).fetch()
    client.incoming_phone_numbers.list()
    client.api.v2010.account.fetch()
    client.api.v2010.accounts.list()
    sub = client.api.v2010.accounts.create(friendly_name="sub")
    client.api.v2010.accounts(sub.sid).update(friendly_name="renamed")
    key = client.new_keys.create(friendly_name="k")
    client.keys(key.sid).fetch()
    client.keys.list()
    message = client.messages.create(to="+14155550100", from_=number.phone_number, body="hi", media_url=["https://example.com/a.png"])
    client.messages(message.sid).fetch()
    client.messages.list(page_size=1)
    media = client.messages(message.sid).media.list()
    client.messages(message.sid).media(media[0].sid).fetch()
    mirror.advance(10)
    client.messages(message.sid).update(body="")
    call = client.calls.create(to="+14155550100", from_=number.phone_number, url="https://example.com/twiml")
    client.calls(call.sid).fetch()
    client.calls.list()
    client.calls(call.sid).update(status="canceled")
    service = client.messaging.v1.services.create(friendly_name="svc")
    client.messaging.v1.services(service.sid).update(friendly_name="svc2")
    client.messaging.v1.services(service.sid).fetch()
    client.messaging.v1.services.list()
    client.messaging.v1.services(service.sid).phone_numbers.create(phone_number_sid=number.sid)
    client.messaging.v1.services(service.sid).phone_numbers(number.sid).fetch()
    client.messaging.v1.services(service.sid).phone_numbers.list()
    client.messages.create(to="+14155550101", messaging_service_sid=service.sid, body="later",
                           schedule_type="fixed", send_at=datetime.now(UTC) + timedelta(hours=1))
    verify = client.verify.v2.services.create(friendly_name="v")
    client.verify.v2.services(verify.sid).update(code_length=8)
    client.verify.v2.services(verify.sid).fetch()
    client.verify.v2.services.list()
    started = client.verify.v2.services(verify.sid).verifications.create(to="+14155550100", channel="sms")
    client.verify.v2.services(verify.sid).verifications(started.sid).fetch()
    client.verify.v2.services(verify.sid).verification_checks.create(to="+14155550100", code="00000000")
    client.verify.v2.services(verify.sid).verifications(started.sid).update(status="approved")
    client.lookups.v2.phone_numbers("+14159929960").fetch(fields="line_type_intelligence")
    client.lookups.v2.phone_numbers("+1415").fetch()

    checked, problems = 0, []
    for method, url, response in http.seen:
        if response.status_code == 204:
            continue
        assert 200 <= response.status_code < 300, (method, url, response.text)
        schema = operation_schema(method, url, response.status_code)
        problems += mismatches(spec(urlsplit(url).netloc), json.loads(response.text), schema, f"{method} {urlsplit(url).path}")
        checked += 1
    assert checked == len(http.seen) == 39
    assert problems == []
