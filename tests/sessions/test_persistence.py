"""State that must outlive the process: restarts, expiry, and kill -9 during concurrent writes."""

from __future__ import annotations

import contextlib
import signal
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import stripe

from mirra.testing.server import MirraProcess, start_mirra
from tests.conftest import stripe_client_for


def wait_for(condition: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def create_session(mirra: MirraProcess, **body: Any) -> dict[str, Any]:
    with mirra.control() as control:
        response = control.post("/v1/sessions", json={"mirrors": ["stripe"], **body})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.fixture
def trust(monkeypatch: pytest.MonkeyPatch) -> Any:
    def use(mirra: MirraProcess) -> None:
        monkeypatch.setattr(stripe, "ca_bundle_path", str(mirra.ca_bundle))

    return use


def test_persistent_sessions_survive_a_restart(tmp_path: Path, trust: Any) -> None:
    first = start_mirra(tmp_path)
    trust(first)
    session = create_session(first, persistent=True, name="staging")
    client = stripe_client_for(session)
    made = [client.v1.customers.create({"email": f"p{n}@example.com"}).id for n in range(3)]
    with httpx.Client(trust_env=False) as http:
        http.post(f"{session['mirrors'][0]['url']}/_mirra/clock/advance", json={"seconds": 3600})
    first.stop()

    second = start_mirra(tmp_path)
    try:
        trust(second)
        with second.control() as control:
            again = control.get(f"/v1/sessions/{session['sessionId']}").json()
            assert again["name"] == "staging" and again["persistent"] is True
            assert again["stats"]["requests"] == 3
            assert again["clock"]["offsetSeconds"] == 3600
        session["proxyUrl"] = second.urls.proxy_url(session["sessionId"])
        client = stripe_client_for(session)
        assert sorted(c.id for c in client.v1.customers.list().auto_paging_iter()) == sorted(made)
    finally:
        second.stop()


def test_ephemeral_sessions_expire_and_their_files_go(mirra: MirraProcess) -> None:
    session = create_session(mirra, timeoutSeconds=1)
    database = mirra.home / "sessions" / f"{session['sessionId']}.db"
    assert database.exists()
    with mirra.control() as control:
        wait_for(lambda: control.get(f"/v1/sessions/{session['sessionId']}").status_code == 404)
    assert not database.exists()


def test_kill_9_during_concurrent_writes_loses_no_acknowledged_write(tmp_path: Path, trust: Any) -> None:
    mirra = start_mirra(tmp_path)
    trust(mirra)
    session = create_session(mirra, persistent=True, name="crash")
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(number: int) -> None:
        client = stripe_client_for(session)
        n = 0
        while not stop.is_set():
            try:
                customer = client.v1.customers.create({"name": f"w{number}-{n}"})
            except stripe.StripeError:
                return  # the server is gone
            with lock:
                acknowledged.append(customer.id)
            n += 1

    threads = [threading.Thread(target=writer, args=(i,), daemon=True) for i in range(20)]
    for thread in threads:
        thread.start()
    wait_for(lambda: len(acknowledged) >= 200)
    mirra.process.send_signal(signal.SIGKILL)
    mirra.process.wait()
    stop.set()
    for thread in threads:
        thread.join(30)

    database = tmp_path / "sessions" / f"{session['sessionId']}.db"
    with contextlib.closing(sqlite3.connect(database)) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    (tmp_path / "server.json").unlink()  # a killed server cannot remove it
    again = start_mirra(tmp_path)
    try:
        trust(again)
        session["proxyUrl"] = again.urls.proxy_url(session["sessionId"])
        stored = {c.id for c in stripe_client_for(session).v1.customers.list({"limit": 100}).auto_paging_iter()}
        assert set(acknowledged) <= stored
        assert len(stored) - len(acknowledged) <= 20  # at most one unacknowledged write per writer
    finally:
        again.stop()
