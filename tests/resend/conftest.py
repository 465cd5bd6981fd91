"""Fixtures for the Resend mirror's tests: a session with the resend mirror, the unmodified
`resend` SDK pointed at it through the proxy (certificates verified against mirra's CA), the
mirror's admin routes (webhooks go to the shared `receiver` fixture)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import resend

from mirra.testing.server import MirraProcess
from tests.conftest import SessionFactory

API_KEY = "re_mirra_test_key"


@dataclass
class ResendMirror:
    """One session's resend mirror: its admin routes and clock, for a test to drive."""

    session: dict[str, Any]
    admin: httpx.Client

    @property
    def session_id(self) -> str:
        return str(self.session["sessionId"])

    def settings(self, **changes: Any) -> dict[str, Any]:
        response = self.admin.post("/_mirra/settings", json=changes)
        assert response.status_code == 200, response.text
        return response.json()["settings"]  # type: ignore[no-any-return]

    def advance(self, seconds: float) -> dict[str, Any]:
        response = self.admin.post("/_mirra/clock/advance", json={"seconds": seconds})
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def state(self) -> dict[str, Any]:
        response = self.admin.get("/_mirra/state")
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def simulate(self, event: str, **params: Any) -> httpx.Response:
        return self.admin.post("/_mirra/simulate", json={"event": event, **params})

    def email_state(self, email_id: str) -> dict[str, Any]:
        return next(e for e in self.state()["objects"]["email"] if e["id"] == email_id)

    def wait_for(self, condition: Callable[[], Any], timeout: float = 20) -> Any:
        """Poll `condition` until it is truthy (deliveries run on the server's loop)."""
        deadline = time.monotonic() + timeout
        while not (result := condition()):
            assert time.monotonic() < deadline, "condition not met in time"
            time.sleep(0.02)
        return result


@pytest.fixture
def resend_mirror(mirra: MirraProcess, new_session: SessionFactory) -> Iterator[ResendMirror]:
    """A resend session whose rate limit is out of the way (tests of the limit lower it)."""
    session = new_session(mirrors=["resend"])
    with httpx.Client(base_url=mirra.urls.mirror_url(session["sessionId"], "resend"), trust_env=False, timeout=30) as admin:
        mirror = ResendMirror(session, admin)
        mirror.settings(rateLimitPerSecond=1000)
        yield mirror


@pytest.fixture
def sdk(mirra: MirraProcess, resend_mirror: ResendMirror, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The unmodified resend module, reaching api.resend.com through the session's proxy."""
    monkeypatch.setenv("HTTPS_PROXY", resend_mirror.session["proxyUrl"])
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(mirra.ca_bundle))
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.setattr(resend, "api_key", API_KEY)
    monkeypatch.setattr(resend, "api_url", "https://api.resend.com")
    return resend


def verified_domain(sdk: Any, mirror: ResendMirror, name: str = "mail.acme.dev") -> dict[str, Any]:
    """Create a domain and let its verification finish on the session clock."""
    domain = sdk.Domains.create({"name": name})
    sdk.Domains.verify(domain["id"])
    mirror.advance(mirror.settings()["domainVerificationSeconds"] + 1)
    return dict(sdk.Domains.get(domain["id"]))
