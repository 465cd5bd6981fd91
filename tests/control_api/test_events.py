"""The live event stream: every event type in order, resumable with Last-Event-ID, filterable."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import stripe

from mirra.testing.server import MirraProcess


def sse(lines: Iterator[str]) -> Iterator[dict[str, Any]]:
    event: dict[str, str] = {}
    for line in lines:
        if not line:
            if "data" in event:
                yield {"id": int(event["id"]), "type": event["event"], **json.loads(event["data"])}
            event = {}
        elif not line.startswith(":"):
            key, _, value = line.partition(":")
            event[key] = value.strip()


def follow(mirra: MirraProcess, session_id: str, count: int, **params: str) -> list[dict[str, Any]]:
    """The first `count` events of the live stream (run it in a thread with a deadline)."""
    got: list[dict[str, Any]] = []
    with mirra.control() as control, control.stream(
        "GET", f"/v1/sessions/{session_id}/events", params=params, timeout=httpx.Timeout(30)
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for event in sse(response.iter_lines()):
            got.append(event)
            if len(got) == count:
                break
    return got


def read(mirra: MirraProcess, session_id: str, count: int, **params: str) -> list[dict[str, Any]]:
    """The log once it holds `count` events (events are logged just after their request ends)."""
    deadline = time.monotonic() + 30
    while True:
        with mirra.control() as control, control.stream(
            "GET", f"/v1/sessions/{session_id}/events", params={**params, "follow": "false"}
        ) as response:
            got = list(sse(response.iter_lines()))
        if len(got) >= count or time.monotonic() > deadline:
            return got
        time.sleep(0.01)


def test_stream_has_lifecycle_traffic_and_state_in_order(
    mirra: MirraProcess, session: dict[str, Any], stripe_client: stripe.StripeClient
) -> None:
    customer = stripe_client.v1.customers.create({"email": "a@example.com"})
    stripe_client.v1.customers.update(customer.id, {"name": "Ann"})
    events = read(mirra, session["sessionId"], 5)
    assert [e["type"] for e in events] == [
        "session.lifecycle", "state.changed", "traffic.request_completed",
        "state.changed", "traffic.request_completed",
    ]
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)
    start, created, post, updated, _ = events
    assert start["action"] == "start" and start["at"].endswith("Z")
    assert created == {**created, "mirror": "stripe", "entity": "customer", "entityId": customer.id, "before": None}
    assert created["after"]["email"] == "a@example.com"
    assert post == {**post, "mirror": "stripe", "method": "POST", "path": "/v1/customers", "status": 200}
    assert post["requestId"].startswith("req_") and post["durationMs"] > 0
    assert updated["before"] == {"name": None} and updated["after"] == {"name": "Ann"}


def test_resume_with_last_event_id_misses_nothing(
    mirra: MirraProcess, session: dict[str, Any], stripe_client: stripe.StripeClient
) -> None:
    for n in range(3):
        stripe_client.v1.customers.create({"name": f"n{n}"})
    first = read(mirra, session["sessionId"], 7)[:3]
    rest = []
    with mirra.control() as control, control.stream(
        "GET", f"/v1/sessions/{session['sessionId']}/events",
        headers={"Last-Event-ID": str(first[-1]["id"])}, params={"follow": "false"},
    ) as response:
        rest = list(sse(response.iter_lines()))
    everything = read(mirra, session["sessionId"], 7)  # start, and 3 x (state, traffic)
    assert first + rest == everything
    assert len(everything) == 7


def test_live_events_arrive_while_following(
    mirra: MirraProcess, session: dict[str, Any], stripe_client: stripe.StripeClient
) -> None:
    import threading

    got: list[dict[str, Any]] = []
    done = threading.Event()

    def listen() -> None:
        got.extend(follow(mirra, session["sessionId"], 2, types="traffic.request_completed"))
        done.set()

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    stripe_client.v1.customers.create({"name": "live 1"})
    stripe_client.v1.customers.list()
    assert done.wait(30)
    thread.join()
    assert [(e["method"], e["path"]) for e in got] == [("POST", "/v1/customers"), ("GET", "/v1/customers")]


def test_filters_and_bad_parameters(mirra: MirraProcess, session: dict[str, Any], stripe_client: stripe.StripeClient) -> None:
    stripe_client.v1.customers.create({"name": "x"})
    only_state = read(mirra, session["sessionId"], 1, types="state.changed", mirrors="stripe")
    assert only_state[0]["type"] == "state.changed"
    with mirra.control() as control:
        bad_type = control.get(f"/v1/sessions/{session['sessionId']}/events", params={"types": "nope"})
        bad_since = control.get(f"/v1/sessions/{session['sessionId']}/events", params={"since": "x"})
        missing = control.get("/v1/sessions/ses_nope/events")
    assert bad_type.json()["error"]["code"] == "mirra.events.unknown_type"
    assert bad_since.status_code == 400 and missing.status_code == 404


def test_session_stats_count_requests_and_errors(
    mirra: MirraProcess, session: dict[str, Any], stripe_client: stripe.StripeClient
) -> None:
    stripe_client.v1.customers.create({"name": "x"})
    try:
        stripe_client.v1.customers.retrieve("cus_missing")
    except stripe.InvalidRequestError:
        pass
    read(mirra, session["sessionId"], 4)  # start, state, and the two requests are in the log
    with mirra.control() as control:
        body = control.get(f"/v1/sessions/{session['sessionId']}").json()
    assert body["stats"] == {"requests": 2, "webhooks": 0, "errors": 1}


def test_traffic_events_carry_the_exchange_with_credentials_redacted(
    mirra: MirraProcess, session: dict[str, Any], stripe_client: stripe.StripeClient
) -> None:
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.customers.retrieve("cus_missing")
    stripe_client.v1.customers.create({"email": "x@example.com"})
    missing, created = read(mirra, session["sessionId"], 2, types="traffic.request_completed")[:2]
    assert (missing["host"], missing["path"], missing["status"]) == ("api.stripe.com", "/v1/customers/cus_missing", 404)
    assert json.loads(missing["responseBody"])["error"]["code"] == "resource_missing"
    assert missing["requestHeaders"]["authorization"] == "Bearer sk_test_mirr..."  # never the whole key
    assert created["requestBody"] == "email=x%40example.com"
    assert json.loads(created["responseBody"])["email"] == "x@example.com"
    assert created["responseHeaders"]["Request-Id"] == created["requestId"]
