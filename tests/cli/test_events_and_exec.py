"""`mirra events` prints a session's log for a person; `mirra exec` runs a command in a fresh session."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import stripe
import svix.webhooks

from mirra.testing.server import MirraProcess
from tests.cli.conftest import Run, assert_one_line_error
from tests.webhook_receiver import Receiver, receiving


def wait_for(condition: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_events_prints_the_log(
    run_cli: Run, mirra: MirraProcess, session: dict[str, Any], stripe_client: stripe.StripeClient
) -> None:
    customer = stripe_client.v1.customers.create({"name": "Ann"})
    session_id = session["sessionId"]

    def logged() -> list[dict[str, Any]]:
        out = run_cli(mirra.home, "events", "--session", session_id, "--json").stdout
        return [json.loads(line) for line in out.splitlines()]

    wait_for(lambda: len(logged()) >= 3)
    text = run_cli(mirra.home, "events", "--session", session_id).stdout
    assert "session start" in text
    assert f"customer {customer.id} created" in text
    assert "POST /v1/customers -> 200" in text
    only = run_cli(mirra.home, "events", "--session", session_id, "--type", "state.changed", "--json").stdout
    assert [json.loads(line)["event"] for line in only.splitlines()] == ["state.changed"]
    assert_one_line_error(run_cli(mirra.home, "events", "--session", "ses_nope"), "No session 'ses_nope'")


def test_events_follow_streams_new_events(
    mirra: MirraProcess, session: dict[str, Any], stripe_client: stripe.StripeClient
) -> None:
    follower = subprocess.Popen(
        [sys.executable, "-m", "mirra", "events", "--session", session["sessionId"], "--follow", "--json",
         "--type", "traffic.request_completed"],
        env={**os.environ, "MIRRA_HOME": str(mirra.home)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        stripe_client.v1.customers.create({"name": "live"})
        assert follower.stdout is not None
        line = follower.stdout.readline()
        assert json.loads(line)["path"] == "/v1/customers"
    finally:
        follower.terminate()
        follower.wait(30)
        assert follower.stdout is not None
        follower.stdout.close()


APP = textwrap.dedent(
    """
    import os, stripe
    stripe.api_key = "sk_test_exec"
    print(os.environ["MIRRA_SESSION"], stripe.Customer.create(name="from exec").id, flush=True)
    raise SystemExit(3)
    """
)


def test_exec_runs_a_command_in_a_fresh_session_and_ends_it(run_cli: Run, mirra: MirraProcess) -> None:
    result = run_cli(mirra.home, "exec", "--seed", "stripe:customers", "--", sys.executable, "-c", APP)
    assert result.returncode == 3, result.stderr  # the command's exit code
    session_id, customer_id = result.stdout.split()
    assert customer_id.startswith("cus_")
    assert f"mirra events --session {session_id} --follow" in result.stderr
    with mirra.control() as control:
        assert control.get(f"/v1/sessions/{session_id}").status_code == 404  # ended


def test_exec_keep_and_mistakes(run_cli: Run, mirra: MirraProcess, tmp_path: Path) -> None:
    kept = run_cli(mirra.home, "exec", "--keep", "--", sys.executable, "-c", "print('ok')")
    assert kept.returncode == 0 and kept.stdout.strip() == "ok"
    session_id = kept.stderr.split("kept session ")[1].split()[0]
    with mirra.control() as control:
        assert control.get(f"/v1/sessions/{session_id}").status_code == 200
        control.delete(f"/v1/sessions/{session_id}")
    assert_one_line_error(run_cli(mirra.home, "exec", "--", "no-such-command-here"), "command not found")
    assert_one_line_error(run_cli(mirra.home, "exec", "--seed", "customers", "--", "true"), "MIRROR:SEED")


@contextlib.contextmanager
def listening(mirra: MirraProcess, session_id: str, *args: str) -> Iterator[tuple[subprocess.Popen[str], Receiver]]:
    """`mirra listen` forwarding to a local receiver; interrupted (Ctrl-C) at the end."""
    with receiving() as receiver:
        listener = subprocess.Popen(
            [sys.executable, "-m", "mirra", "listen", "--session", session_id, "--forward-to", f"{receiver.url}/hook", *args],
            env={**os.environ, "MIRRA_HOME": str(mirra.home), "COLUMNS": "200"},
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            yield listener, receiver
        finally:
            listener.send_signal(signal.SIGINT)
            listener.wait(30)
            assert listener.stdout is not None
            listener.stdout.close()


def test_listen_forwards_webhooks_with_a_signing_secret(
    mirra: MirraProcess, session: dict[str, Any], stripe_client: stripe.StripeClient
) -> None:
    with listening(mirra, session["sessionId"]) as (listener, receiver):
        assert listener.stdout is not None
        secret = listener.stdout.readline().split("signing secret is ")[1].split()[0]
        stripe_client.v1.customers.create({"name": "listened"})
        delivery = listener.stdout.readline()
        assert "customer.created" in delivery and "200" in delivery
        (delivered,) = receiver.wait(1)
        event = stripe.Webhook.construct_event(delivered.body, delivered.headers["stripe-signature"], secret)
        assert event.data.object.name == "listened"
    assert stripe_client.v1.webhook_endpoints.list().data == []  # removed on Ctrl-C


def test_listen_forwards_resend_webhooks_signed_for_svix(mirra: MirraProcess, new_session: Any, run_cli: Run) -> None:
    session_id = new_session(mirrors=["resend"])["sessionId"]
    with httpx.Client(base_url=mirra.urls.mirror_url(session_id, "resend"), trust_env=False,
                      headers={"Authorization": "Bearer re_cli_test"}) as direct:
        with listening(mirra, session_id, "--mirror", "resend", "--events", "email.sent") as (listener, receiver):
            assert listener.stdout is not None
            secret = listener.stdout.readline().split("signing secret is ")[1].split()[0]
            sent = direct.post("/emails", json={"from": "onboarding@resend.dev", "to": "delivered@resend.dev",
                                                "subject": "Hi", "text": "Hello"})
            assert sent.status_code == 200, sent.text
            assert "email.sent" in listener.stdout.readline()
            (delivered,) = receiver.wait(1)
            svix.webhooks.Webhook(secret).verify(delivered.body, delivered.headers)  # raises if forged
            event = json.loads(delivered.body)
            assert event["type"] == "email.sent" and event["data"]["email_id"] == sent.json()["id"]
        assert direct.get("/webhooks").json()["data"] == []  # removed on Ctrl-C
    assert_one_line_error(run_cli(mirra.home, "listen", "--mirror", "twilio", "--forward-to", "http://x"),
                          "forwards the webhooks of stripe and resend")
