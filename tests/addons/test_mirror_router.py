"""The proxy answers a mirrored call before the call's signals go out."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import stripe

from mirra import signals
from tests.addons.conftest import ConnectSpy


def test_a_calls_signals_go_out_once_its_answer_is_written(
    proxy: tuple[int, ConnectSpy, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, _, bundle = proxy
    answered = threading.Event()
    written_first: list[bool] = []
    delivered = threading.Event()

    def receiver(_session_id: str, **_fields: Any) -> None:
        # Runs on the proxy's loop: had the answer not been written yet, it could not arrive
        # while this waits, and the wait would time out.
        written_first.append(answered.wait(10))
        delivered.set()

    monkeypatch.setattr(stripe, "ca_bundle_path", str(bundle))
    client = stripe.StripeClient(
        "sk_test_router", http_client=stripe.RequestsClient(proxy=f"http://default:mirra@127.0.0.1:{port}")
    )
    signals.request_completed.connect(receiver)
    try:
        client.v1.customers.create({"email": "first@example.com"})
        answered.set()
        assert delivered.wait(30)
    finally:
        signals.request_completed.disconnect(receiver)
    assert written_first == [True]
