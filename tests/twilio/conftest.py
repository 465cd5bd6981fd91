"""Twilio fixtures: a session with the Twilio mirror, its default account's credentials, an
unmodified twilio-python client through the proxy (verifying mirra's CA). Twilio's webhooks go to
the shared `receiver` fixture."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from mirra.testing.server import MirraProcess
from tests.conftest import SessionFactory


@dataclass
class Mirror:
    """The session's Twilio mirror, through its admin routes."""

    session: dict[str, Any]

    @property
    def admin(self) -> str:
        return f"{self.session['mirrors'][0]['url']}/_mirra"

    def state(self) -> dict[str, Any]:
        return httpx.get(f"{self.admin}/state", trust_env=False).json()  # type: ignore[no-any-return]

    def post(self, route: str, body: dict[str, Any]) -> httpx.Response:
        return httpx.post(f"{self.admin}/{route}", json=body, trust_env=False, timeout=30)

    def advance(self, seconds: float) -> None:
        assert self.post("clock/advance", {"seconds": seconds}).status_code == 200

    def simulate(self, event: str, **params: Any) -> dict[str, Any]:
        response = self.post("simulate", {"event": event, **params})
        assert response.status_code == 200, response.text
        return response.json()["result"]  # type: ignore[no-any-return]


@pytest.fixture
def twilio_session(new_session: SessionFactory) -> dict[str, Any]:
    return new_session(mirrors=["twilio"])


@pytest.fixture
def mirror(twilio_session: dict[str, Any]) -> Mirror:
    return Mirror(twilio_session)


@pytest.fixture
def account(mirror: Mirror) -> dict[str, Any]:
    """The default account: accountSid, authToken, testAccountSid, testAuthToken."""
    return mirror.state()["account"]  # type: ignore[no-any-return]


@pytest.fixture
def trusts_mirra(mirra: MirraProcess, monkeypatch: pytest.MonkeyPatch) -> None:
    """requests (under twilio-python) reads REQUESTS_CA_BUNDLE: verification stays on, against mirra's CA."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(mirra.ca_bundle))


ClientFactory = Callable[..., Client]


@pytest.fixture
def make_client(twilio_session: dict[str, Any], trusts_mirra: None) -> ClientFactory:
    def make(username: str, password: str, account_sid: str | None = None) -> Client:
        http_client = TwilioHttpClient(proxy={"https": twilio_session["proxyUrl"]}, timeout=30)
        return Client(username, password, account_sid, http_client=http_client)

    return make


@pytest.fixture
def client(make_client: ClientFactory, account: dict[str, Any]) -> Client:
    return make_client(account["accountSid"], account["authToken"])


@pytest.fixture
def number(client: Client) -> str:
    """A phone number the default account owns (the `From` of live messages and calls)."""
    return client.incoming_phone_numbers.create(phone_number="+15017122661").phone_number  # type: ignore[no-any-return]
