"""Shared fixtures: one real `mirra proxy` per test run, sessions per test, SDK clients per session.

Every client verifies certificates against mirra's CA; nothing reaches the internet (mirra
refuses unmirrored hosts and never connects upstream).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import stripe

from mirra.testing.server import MirraProcess, running_mirra
from tests.webhook_receiver import Receiver, receiving

SessionFactory = Callable[..., dict[str, Any]]


@pytest.fixture(scope="session")
def mirra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MirraProcess]:
    with running_mirra(tmp_path_factory.mktemp("mirra-home")) as server:
        yield server


@pytest.fixture
def new_session(mirra: MirraProcess) -> Iterator[SessionFactory]:
    """Create sessions through the control API; each is ended after the test."""
    created: list[str] = []
    with mirra.control() as control:

        def create(**body: Any) -> dict[str, Any]:
            response = control.post("/v1/sessions", json={"mirrors": ["stripe"], **body})
            assert response.status_code == 201, response.text
            created.append(response.json()["sessionId"])
            return response.json()  # type: ignore[no-any-return]

        yield create
        for session_id in created:
            control.delete(f"/v1/sessions/{session_id}")


@pytest.fixture
def session(new_session: SessionFactory) -> dict[str, Any]:
    return new_session()


@pytest.fixture
def stripe_trusts_mirra(mirra: MirraProcess, monkeypatch: pytest.MonkeyPatch) -> None:
    """The documented one-line alternative to mirra's trust hook, for in-process SDK clients."""
    monkeypatch.setattr(stripe, "ca_bundle_path", str(mirra.ca_bundle))


@pytest.fixture
def stripe_client(
    mirra: MirraProcess, session: dict[str, Any], stripe_trusts_mirra: None
) -> stripe.StripeClient:
    return stripe_client_for(session)


def stripe_client_for(session: dict[str, Any], api_key: str = "sk_test_mirra") -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key, http_client=stripe.RequestsClient(proxy=session["proxyUrl"]), max_network_retries=0
    )



@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A local webhook endpoint (see tests/webhook_receiver.py)."""
    with receiving() as endpoint:
        yield endpoint
