"""`mirra mcp` as an agent sees it: one `mirra mcp` subprocess for the module, driven through the
MCP SDK's own stdio client, against the session-scoped mirra server; Stripe calls go through the
proxy with the stripe SDK, webhooks to a local endpoint and are verified with stripe's verifier."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import stripe
from mcp import Client, StdioServerParameters
from mcp.shared.exceptions import MCPError

from mirra.testing.server import MirraProcess
from tests.conftest import stripe_client_for
from tests.e2e.test_stripe_webhooks import endpoint
from tests.webhook_receiver import Receiver

REPOSITORY = Path(__file__).resolve().parents[2]
EXAMPLE = REPOSITORY / "examples" / "stripe-payment-webhook" / "scenario.md"
pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
async def agent(mirra: MirraProcess) -> AsyncIterator[Client]:
    """`mirra mcp` over stdio, as an agent config launches it, with this venv's bin first on PATH
    (the scenario's `python checkout.py` needs the SDKs)."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    command = StdioServerParameters(
        command=sys.executable,
        args=["-m", "mirra", "mcp"],
        env={**os.environ, "MIRRA_HOME": str(mirra.home), "PATH": path},
    )
    async with Client(command, cache=None) as client:
        yield client


async def call(agent: Client, tool: str, **arguments: Any) -> Any:
    result = await agent.call_tool(tool, arguments)
    text = result.content[0].text  # type: ignore[union-attr]
    assert not result.is_error, text
    return json.loads(text)


async def error(agent: Client, tool: str, **arguments: Any) -> str:
    result = await agent.call_tool(tool, arguments)
    assert result.is_error, result.content
    return result.content[0].text  # type: ignore[union-attr, no-any-return]


async def mirra_error(agent: Client, tool: str, **arguments: Any) -> dict[str, str]:
    """mirra's error body, after the SDK's `Error executing tool <name>: ` prefix."""
    text = await error(agent, tool, **arguments)
    assert text.startswith(f"Error executing tool {tool}: {{")
    return json.loads(text[text.index("{"):])["error"]  # type: ignore[no-any-return]


async def test_tools_have_descriptions_and_typed_schemas(agent: Client) -> None:
    tools = {tool.name: tool for tool in (await agent.list_tools()).tools}
    assert set(tools) >= {
        "create_session", "list_sessions", "get_session", "end_session", "session_environment", "mirror_state",
        "mirror_info", "list_events", "wait_for_webhook", "simulate_event", "reset_state", "advance_clock",
        "snapshot_state", "restore_snapshot", "list_snapshots", "run_scenario",
    }
    assert all(tool.description and len(tool.description) > 40 for tool in tools.values())
    events = tools["list_events"].input_schema
    assert events["required"] == ["session_id"]
    type_items = events["properties"]["types"]["anyOf"][0]["items"]
    assert "webhook.dispatched" in type_items["enum"] and "traffic.request_completed" in type_items["enum"]
    assert tools["advance_clock"].input_schema["properties"]["seconds"]["exclusiveMinimum"] == 0
    assert tools["mirror_state"].annotations.read_only_hint is True  # type: ignore[union-attr]


async def test_a_stripe_call_shows_in_state_and_traffic(agent: Client, stripe_trusts_mirra: None) -> None:
    session = await call(agent, "create_session", mirrors=["stripe"])
    session_id = session["sessionId"]
    assert session["env"]["HTTPS_PROXY"] == session["proxyUrl"] and session_id in session["proxyUrl"]
    listed = await call(agent, "list_sessions")
    assert {"sessionId": session_id, "mirrors": ["stripe"]}.items() <= next(
        row for row in listed["sessions"] if row["sessionId"] == session_id).items()

    customer = stripe_client_for(session).v1.customers.create({"email": "agent@example.com"})

    kind = await call(agent, "mirror_state", session_id=session_id, kind="customer")
    assert kind["count"] == 1 and kind["objects"][0]["email"] == "agent@example.com"
    one = await call(agent, "mirror_state", session_id=session_id, object_id=customer.id)
    assert one["id"] == customer.id and one["object"] == "customer"
    whole = await call(agent, "mirror_state", session_id=session_id)
    assert [c["id"] for c in whole["objects"]["customer"]] == [customer.id]

    traffic = await call(agent, "list_events", session_id=session_id, types=["traffic.request_completed"])
    request = traffic["events"][-1]
    assert (request["method"], request["path"], request["status"]) == ("POST", "/v1/customers", 200)
    assert "requestHeaders" not in request  # compact unless detail=true
    later = await call(agent, "list_events", session_id=session_id, since=traffic["lastSeq"])
    assert later["events"] == []
    changes = await call(agent, "list_events", session_id=session_id, types=["state.changed"], mirrors=["stripe"])
    assert any(e["entityId"] == customer.id and e["before"] is None for e in changes["events"])

    environment = await call(agent, "session_environment", session_id=session_id)
    assert environment["env"]["MIRRA_SESSION"] == session_id
    assert (await agent.call_tool("session_environment", {"session_id": session_id, "format": "sh"})).content[0].text.startswith("export ")  # type: ignore[union-attr]
    assert (await call(agent, "end_session", session_id=session_id))["status"] == "ended"
    assert (await mirra_error(agent, "get_session", session_id=session_id))["code"] == "mirra.session.not_found"


async def test_simulated_event_and_a_retried_webhook_are_awaited(
    agent: Client, stripe_trusts_mirra: None, receiver: Receiver
) -> None:
    session = await call(agent, "create_session", mirrors=["stripe"])
    session_id = session["sessionId"]
    stripe_client = stripe_client_for(session)
    hook = endpoint(stripe_client, receiver.url, ["customer.created", "charge.dispute.created"])

    simulated = await call(agent, "simulate_event", session_id=session_id, event="customer.created",
                           params={"email": "sim@example.com"})
    assert simulated["event"] == "customer.created"
    delivery = await call(agent, "wait_for_webhook", session_id=session_id, type="customer.created", timeout_seconds=30)
    assert delivery["status"] == 200 and delivery["url"] == receiver.url and delivery["attempt"] == 1
    last = receiver.delivered()[-1]
    event = stripe.Webhook.construct_event(last.body, last.headers["stripe-signature"], hook.secret)
    assert event.type == "customer.created" and event.data.object.email == "sim@example.com"

    # The handler fails once: the agent sees the failed attempt, moves the clock to Stripe's retry.
    receiver.failures = len(receiver.attempts) + 1
    intent = stripe_client.v1.payment_intents.create({
        "amount": 1500, "currency": "usd", "payment_method": "pm_card_visa", "confirm": True,
        "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
    })
    await call(agent, "simulate_event", session_id=session_id, event="charge.dispute.created",
               params={"charge": intent.latest_charge})
    failed = await call(agent, "wait_for_webhook", session_id=session_id, type="charge.dispute.created",
                        delivered=False, timeout_seconds=30)
    assert failed["status"] == 500 and failed["attempt"] == 1
    advanced = await call(agent, "advance_clock", session_id=session_id, seconds=60)
    assert advanced["jobsRun"] >= 1
    retried = await call(agent, "wait_for_webhook", session_id=session_id, type="charge.dispute.created",
                         since=failed["id"], timeout_seconds=30)
    assert retried["status"] == 200 and retried["attempt"] == 2
    await call(agent, "end_session", session_id=session_id)


async def test_snapshot_reset_and_restore(agent: Client, stripe_trusts_mirra: None) -> None:
    session = await call(agent, "create_session", mirrors=["stripe"])
    session_id = session["sessionId"]
    customer = stripe_client_for(session).v1.customers.create({"name": "Kept"})
    saved = await call(agent, "snapshot_state", session_id=session_id, snapshot_id="before-reset")
    assert saved == {"snapshotId": "before-reset", "mirror": "stripe"}
    assert "before-reset" in json.dumps(await call(agent, "list_snapshots", session_id=session_id))

    await call(agent, "reset_state", session_id=session_id)
    assert (await call(agent, "mirror_state", session_id=session_id, kind="customer"))["count"] == 0
    await call(agent, "reset_state", session_id=session_id, seed="customers")
    assert (await call(agent, "mirror_state", session_id=session_id, kind="customer"))["count"] > 0

    await call(agent, "restore_snapshot", session_id=session_id, snapshot_id="before-reset")
    restored = await call(agent, "mirror_state", session_id=session_id, kind="customer")
    assert [c["id"] for c in restored["objects"]] == [customer.id]
    await call(agent, "end_session", session_id=session_id)


async def test_the_example_scenario_runs_and_passes(agent: Client) -> None:
    progress: list[tuple[float, float | None]] = []

    async def on_progress(done: float, total: float | None, _message: str | None) -> None:
        progress.append((done, total))

    answer = await agent.call_tool("run_scenario", {"path": str(EXAMPLE), "runs": 1}, progress_callback=on_progress)
    assert not answer.is_error, answer.content
    result = json.loads(answer.content[0].text)  # type: ignore[union-attr]
    assert result["verdict"] == "pass", result
    assert result["title"] == "Checkout marks the order paid from Stripe's webhook"
    checks = [c for c in result["criteria"] if c["kind"] == "check"]
    assert checks and all(c["passed"] == 1 for c in checks)
    run = result["runs"][0]
    assert run["exitCode"] == 0 and "outputTail" not in run
    assert [c["result"] for c in run["notPassed"]] == ["ungraded"]  # the [P] criterion, with no judge
    state = await call(agent, "mirror_state", session_id=run["sessionId"], kind="payment_intent")
    assert [pi["status"] for pi in state["objects"]] == ["succeeded"]
    assert progress[-1] == (1, 1)


async def test_a_failing_scenario_answers_what_failed_and_the_output(agent: Client, tmp_path: Path) -> None:
    markdown = """# Refunds are issued

## Prompt
Refund the order.

## Criteria
- [D] One refund exists
  expect: length(state.stripe.objects.refund) == `1`
- [D] The command succeeded
  expect: run.exitCode == `0`

## Config
mirrors: stripe
command: echo "refunding in $PWD"; exit 3
"""
    result = await call(agent, "run_scenario", markdown=markdown, cwd=str(tmp_path))
    assert result["verdict"] == "fail" and result["verdictReasons"]
    run = result["runs"][0]
    assert run["exitCode"] == 3
    assert [c["label"] for c in run["notPassed"]] == ["One refund exists", "The command succeeded"]
    assert all(c["result"] == "failed" and c["reason"] for c in run["notPassed"])
    assert f"refunding in {tmp_path}" in run["outputTail"]


async def test_a_malformed_scenario_says_where(agent: Client) -> None:
    problem = await mirra_error(agent, "run_scenario", markdown="# Title only\n\nno sections\n")
    assert problem["code"] == "mirra.scenario.invalid" and problem["hint"]
    assert (await mirra_error(agent, "run_scenario"))["code"] == "mirra.mcp.scenario_required"


async def test_resources_name_each_sessions_state_and_events(agent: Client, stripe_trusts_mirra: None) -> None:
    session = await call(agent, "create_session", mirrors=["stripe"])
    session_id = session["sessionId"]
    customer = stripe_client_for(session).v1.customers.create({"email": "res@example.com"})
    uris = {str(resource.uri) for resource in (await agent.list_resources()).resources}
    state_uri, events_uri = f"mirra://sessions/{session_id}/state/stripe", f"mirra://sessions/{session_id}/events"
    assert {state_uri, events_uri} <= uris
    templates = {t.uri_template for t in (await agent.list_resource_templates()).resource_templates}
    assert templates == {"mirra://sessions/{session_id}/state/{mirror}", "mirra://sessions/{session_id}/events"}

    state = json.loads((await agent.read_resource(state_uri)).contents[0].text)  # type: ignore[union-attr]
    assert [c["id"] for c in state["objects"]["customer"]] == [customer.id]
    events = json.loads((await agent.read_resource(events_uri)).contents[0].text)  # type: ignore[union-attr]
    assert any(e.get("path") == "/v1/customers" for e in events["events"])
    with pytest.raises(MCPError, match="ses_missing"):
        await agent.read_resource("mirra://sessions/ses_missing/events")
    await call(agent, "end_session", session_id=session_id)


async def test_bad_arguments_get_errors_an_agent_can_act_on(agent: Client) -> None:
    missing = await mirra_error(agent, "mirror_state", session_id="ses_missing")
    assert missing["code"] == "mirra.session.not_found" and "ses_missing" in missing["message"] and missing["hint"]

    unknown = await mirra_error(agent, "simulate_event", session_id="default", event="customer.exploded")
    assert unknown["code"] == "mirra.simulate.unknown_event"
    assert "customer.created" in unknown["hint"] and "charge.dispute.created" in unknown["hint"]

    mirror = await mirra_error(agent, "mirror_state", session_id="default", mirror="paypal")
    assert "paypal" in mirror["message"] and "stripe" in mirror["hint"]

    no_object = await mirra_error(agent, "mirror_state", session_id="default", object_id="cus_nobody")
    assert no_object["code"] == "mirra.mcp.object_not_found"

    timeout = await mirra_error(agent, "wait_for_webhook", session_id="default", type="invoice.paid", timeout_seconds=0.2)
    assert timeout["code"] == "mirra.mcp.webhook_timeout" and "webhook endpoint" in timeout["hint"]

    negative = await error(agent, "advance_clock", session_id="default", seconds=-5)
    assert "seconds" in negative and "greater than 0" in negative
    wrong_type = await error(agent, "list_events", session_id="default", types=["webhooks"])
    assert "types" in wrong_type and "webhook.dispatched" in wrong_type
