"""Fixtures for the Resend mirror's tests: a session with the resend mirror, the unmodified
`resend` SDK pointed at it through the proxy (certificates verified against mirra's CA), the
mirror's admin routes, and a local webhook receiver."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
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


@dataclass
class Attempt:
    body: bytes
    headers: dict[str, str]
    status: int


@dataclass
class Receiver:
    """A local webhook endpoint: records every attempt, answers 500 to the first `failures`."""

    url: str = ""
    failures: int = 0
    attempts: list[Attempt] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def delivered(self) -> list[Attempt]:
        return [attempt for attempt in self.attempts if attempt.status == 200]

    def wait(self, count: int, timeout: float = 20) -> list[Attempt]:
        """The first `count` successful deliveries, once they have arrived."""
        deadline = time.monotonic() + timeout
        while len(self.delivered()) < count:
            assert time.monotonic() < deadline, f"{len(self.delivered())} of {count} webhooks arrived"
            time.sleep(0.01)
        return self.delivered()[:count]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with state.lock:
                status = 500 if len(state.attempts) < state.failures else 200
                state.attempts.append(Attempt(body, {k.lower(): v for k, v in self.headers.items()}, status))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/resend/webhooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


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
