"""mirra's pytest plugin: run tests inside mirra sessions without changing the code under test.

Inactive unless asked for: `pytest --mirra` puts every test in a fresh session, and
`@pytest.mark.mirra(mirrors=["stripe"], seeds={"stripe": "customers"})` puts one test there. A
test may also ask for the `mirra` fixture directly. Inside, the session's environment is applied
to the test process (HTTPS_PROXY with the session's credentials, the CA variables, and stripe-python's
CA bundle), so the unmodified SDKs reach the session's mirrors. The fixture also inspects and
steers the session: `mirra.state("stripe")`, `mirra.simulate(...)`, `mirra.advance_clock(...)`,
`mirra.events()`, `mirra.wait_for_webhook(type=...)`.

The plugin uses a running mirra server if there is one (MIRRA_HOME's server.json), and otherwise
starts one for the test run in a temporary MIRRA_HOME and stops it afterwards; under pytest-xdist
each worker does so on its own, and every test's session is its own either way.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from mirra.cli.client import find_server, parse_stream
from mirra.cli.environment import session_environment
from mirra.control_api.auth import TOKEN_FILE
from mirra.control_api.urls import ServerUrls
from mirra.home import mirra_home


class MirraSession:
    """One session of a test, with what a test needs to look into it and steer it."""

    def __init__(self, control: httpx.Client, server: Server, body: dict[str, Any]) -> None:
        self.control = control
        self.urls = server.urls
        self.id: str = body["sessionId"]
        self.body = body
        self.env = session_environment(server.urls, self.id, server.home)

    def state(self, vendor: str = "stripe") -> dict[str, Any]:
        """The mirror's whole state: `objects` by kind (and, for Stripe, `deliveries`)."""
        return self._admin("GET", vendor, "state")

    def simulate(self, event: str, vendor: str = "stripe", **params: Any) -> dict[str, Any]:
        return self._admin("POST", vendor, "simulate", {"event": event, **params})

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        """Move the session's time; due jobs (webhook retries, ...) have run when it returns."""
        response = self.control.post(f"/v1/sessions/{self.id}/clock/advance", json={"seconds": seconds})
        return _json(response)

    def events(self, types: str | None = None) -> list[dict[str, Any]]:
        """Everything the session's event log holds, oldest first."""
        params = {"follow": "false", **({"types": types} if types else {})}
        with self.control.stream("GET", f"/v1/sessions/{self.id}/events", params=params) as response:
            return list(parse_stream(response.iter_lines()))

    def wait_for_webhook(self, type: str, timeout: float = 10.0, delivered: bool = True) -> dict[str, Any]:
        """The first `webhook.dispatched` event for event type `type` (by default: a 2xx
        delivery), waiting on the live event stream for at most `timeout` seconds."""
        deadline = time.monotonic() + timeout
        params = {"types": "webhook.dispatched"}
        try:
            with self.control.stream(
                "GET", f"/v1/sessions/{self.id}/events", params=params, timeout=httpx.Timeout(timeout)
            ) as response:
                for event in parse_stream(response.iter_lines()):
                    status = event.get("status")
                    if event["type"] == type and (not delivered or (status is not None and 200 <= status < 300)):
                        return event
                    if time.monotonic() > deadline:
                        break
        except httpx.ReadTimeout:
            pass
        raise TimeoutError(f"no {type!r} webhook was {'delivered' if delivered else 'attempted'} within {timeout} s")

    def _admin(self, method: str, vendor: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        url = f"{self.urls.mirror_url(self.id, vendor)}/_mirra/{path}"
        return _json(self.control.request(method, url, json=body))


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mirra", "run tests inside mirra sessions")
    group.addoption("--mirra", action="store_true", help="Run every test inside its own mirra session.")
    parser.addini("mirra_mirrors", "Mirrors of each test's session (comma-separated).", default="stripe")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "mirra(mirrors=None, seeds=None, scope='function'): run this test inside a mirra session, its own "
        "or (scope='module', as pytestmark) one shared by the module's tests",
    )


@dataclass(frozen=True)
class Server:
    urls: ServerUrls
    token: str
    home: Path


@pytest.fixture(scope="session")
def mirra_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The running server (MIRRA_HOME's); one is started for the run if none is running."""
    running = find_server()
    if running is not None:
        yield Server(running.urls, (mirra_home() / TOKEN_FILE).read_text().strip(), mirra_home())
        return
    from mirra.testing.server import start_mirra

    started = start_mirra(tmp_path_factory.mktemp("mirra-home"))
    try:
        yield Server(started.urls, started.token, started.home)
    finally:
        started.stop()


@pytest.fixture
def mirra(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[MirraSession]:
    """This test's session, with its environment applied to the test process: a fresh one, or
    the module's when the module is marked `pytest.mark.mirra(scope="module")`."""
    marker = request.node.get_closest_marker("mirra")
    if marker is not None and marker.kwargs.get("scope") == "module":
        session = request.getfixturevalue("mirra_module_session")
        _apply(session, monkeypatch)
        yield session
        return
    with _session(request, request.getfixturevalue("mirra_server")) as session:
        _apply(session, monkeypatch)
        yield session


@pytest.fixture(scope="module")
def mirra_module_session(request: pytest.FixtureRequest, mirra_server: Server) -> Iterator[MirraSession]:
    """One session shared by every test of a module (state carries over from test to test)."""
    with _session(request, mirra_server) as session:
        yield session


@contextlib.contextmanager
def _session(request: pytest.FixtureRequest, server: Server) -> Iterator[MirraSession]:
    marker = request.node.get_closest_marker("mirra")
    options = marker.kwargs if marker else {}
    scope = options.get("scope", "function")
    if scope not in ("function", "module"):
        raise pytest.UsageError(f"pytest.mark.mirra(scope={scope!r}): scope is 'function' (default) or 'module'")
    mirrors = options.get("mirrors") or [m.strip() for m in request.config.getini("mirra_mirrors").split(",") if m.strip()]
    control = httpx.Client(
        base_url=server.urls.api_url, headers={"authorization": f"Bearer {server.token}"}, trust_env=False, timeout=30
    )
    body = _json(control.post("/v1/sessions", json={"mirrors": mirrors, "seeds": options.get("seeds") or {}}))
    try:
        yield MirraSession(control, server, body)
    finally:
        control.delete(f"/v1/sessions/{body['sessionId']}")
        control.close()


def _apply(session: MirraSession, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in session.env.items():
        monkeypatch.setenv(name, value)
    _trust_in_process(monkeypatch, session.env["MIRRA_CA_BUNDLE"])


@pytest.fixture(autouse=True)
def _mirra_when_asked(request: pytest.FixtureRequest) -> None:
    if request.config.getoption("--mirra") or request.node.get_closest_marker("mirra"):
        request.getfixturevalue("mirra")


def _trust_in_process(monkeypatch: pytest.MonkeyPatch, bundle: str) -> None:
    """What the trust hook does for new interpreters, for this one: stripe-python's CA bundle."""
    try:
        import stripe
    except ImportError:
        return
    monkeypatch.setattr(stripe, "ca_bundle_path", bundle)
    monkeypatch.setattr(stripe, "default_http_client", None)  # a client made earlier kept old settings


def _json(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    if response.is_error:
        error = body.get("error", {})
        raise RuntimeError(f"mirra: {error.get('message', response.text)} {error.get('hint', '')}".strip())
    return body  # type: ignore[no-any-return]
