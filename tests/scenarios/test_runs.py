"""Scenario runs through the real server: `POST /v1/runs` in both forms, parallel runs in
isolated sessions, timeouts, the judges, graded events; and `mirra run` on the examples."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mirra.cli.client import parse_stream
from mirra.testing.server import MirraProcess
from tests.cli.conftest import assert_one_line_error

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CREATE_CUSTOMER = """
import os, stripe
stripe.api_key = "sk_test_scenario"
stripe.Customer.create(email="alice@example.com", description=os.environ["MIRRA_PROMPT"])
print("created for run", os.environ["MIRRA_RUN_INDEX"])
"""


def scenario(command: str, criteria: str, config: str = "") -> str:
    return (
        "# Create a customer\n\n## Prompt\nSign alice up.\n\n## Expected Behavior\nOne customer.\n\n"
        f"## Criteria\n{criteria}\n\n## Config\nmirrors: stripe\ncommand: {command}\n{config}\n"
    )


ONE_CUSTOMER = (
    "- [D] Exactly one customer, for alice\n"
    "  expect: length(state.stripe.objects.customer[?email == 'alice@example.com']) == `1`\n"
    "- [D] The prompt reached the command\n"
    "  expect: state.stripe.objects.customer[0].description == 'Sign alice up.'\n"
)


@pytest.fixture
def control(mirra: MirraProcess) -> Iterator[httpx.Client]:
    with mirra.control() as client:
        yield client


@pytest.fixture
def app(tmp_path: Path) -> str:
    (tmp_path / "app.py").write_text(CREATE_CUSTOMER)
    return f"{sys.executable} app.py"


def start(control: httpx.Client, cwd: Path, **body: Any) -> dict[str, Any]:
    response = control.post("/v1/runs", json={"cwd": str(cwd), **body})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def finish(control: httpx.Client, run_id: str) -> dict[str, Any]:
    """Follow the run with long polls until it completes."""
    revision = -1
    while True:
        body = control.get(f"/v1/runs/{run_id}", params={"after": revision, "wait": 10}, timeout=30).json()
        if body["status"] == "complete":
            return body  # type: ignore[no-any-return]
        assert body["revision"] > revision or revision == -1
        revision = body["revision"]


def test_parallel_runs_each_get_a_fresh_session_and_stream_their_grades(
    control: httpx.Client, app: str, tmp_path: Path
) -> None:
    started = start(control, tmp_path, scenarioMarkdown=scenario(app, ONE_CUSTOMER, "runs: 3\nparallel: 3"))
    assert started["status"] == "running" and started["sessionId"].startswith("ses_")
    assert started["dashboardUrl"].endswith(f"/#/runs/{started['runId']}")
    result = finish(control, started["runId"])

    assert result["verdict"] == "pass" and result["verdictReasons"] == []
    assert result["satisfactionScore"] == 1.0
    assert [c["passed"] for c in result["criteria"]] == [3, 3]
    sessions = {run["sessionId"] for run in result["results"]}
    assert len(sessions) == 3  # each run in its own session, each with exactly its own customer
    assert all(run["exitCode"] == 0 and not run["timedOut"] for run in result["results"])
    assert sorted(run["output"].strip() for run in result["results"]) == [f"created for run {i}" for i in (1, 2, 3)]

    session = result["results"][0]["sessionId"]
    with control.stream("GET", f"/v1/sessions/{session}/events",
                        params={"follow": "false", "types": "evaluation.criterion_graded"}) as stream:
        graded = list(parse_stream(stream.iter_lines()))
    assert [(e["label"], e["result"], e["runId"]) for e in graded] == [
        ("Exactly one customer, for alice", "passed", started["runId"]),
        ("The prompt reached the command", "passed", started["runId"]),
    ]
    listed = control.get("/v1/runs").json()["data"]
    assert started["runId"] in [run["runId"] for run in listed]


def test_the_json_form_runs_like_the_markdown_form(control: httpx.Client, app: str, tmp_path: Path) -> None:
    body = {
        "title": "Create a customer",
        "prompt": "Sign alice up.",
        "criteria": [{"tag": "check", "text": "One customer", "expect": "length(state.stripe.objects.customer) == `1`"},
                     {"tag": "check", "text": "No subscriptions", "expect": "length(state.stripe.objects.subscription) == `0`"}],
        "config": {"mirrors": ["stripe"], "command": app, "fixture": "stripe:customers"},
    }
    result = finish(control, start(control, tmp_path, scenario=body)["runId"])
    # the fixture's three customers plus alice: the first check fails, and says what it saw
    assert [c["passed"] for c in result["criteria"]] == [0, 1]
    assert result["verdict"] == "fail"
    assert "gave False" in result["results"][0]["criteria"][0]["reason"]
    assert result["verdictReasons"][0] == "[D] One customer: passed in 0 of 1 runs"


def test_a_command_past_its_timeout_is_killed_with_its_children(control: httpx.Client, tmp_path: Path) -> None:
    command = "sh -c 'sleep 120 & echo $! > child.pid; wait'"
    result = finish(control, start(control, tmp_path, scenarioMarkdown=scenario(
        command, "- [D] The command finished\n  expect: run.exitCode == `0`", "timeout: 0.5"))["runId"])
    run = result["results"][0]
    assert run["timedOut"] is True and run["exitCode"] is None
    assert result["verdict"] == "fail" and "run 1 timed out after 0.5 s" in result["verdictReasons"]
    child = Path(f"/proc/{int((tmp_path / 'child.pid').read_text())}/status")
    assert not child.exists() or "State:\tZ" in child.read_text()  # gone, or dead and not yet reaped




JUDGE = """
import json, sys
request = json.load(sys.stdin)
with open("judge-requests.jsonl", "a") as log:
    log.write(json.dumps(request) + "\\n")
passed = "description" in request["criterion"]
print(json.dumps({"passed": passed, "reason": "looked at " + str(len(request["evidence"]["traffic"])) + " requests"}))
"""


def test_a_judge_command_grades_the_p_criteria(control: httpx.Client, app: str, tmp_path: Path) -> None:
    (tmp_path / "judge.py").write_text(JUDGE)
    criteria = ONE_CUSTOMER + "- [P] The customer has a description\n- [P] Bounces are retried\n"
    env = {**os.environ, "MIRRA_JUDGE_COMMAND": f"{sys.executable} judge.py"}
    result = finish(control, start(control, tmp_path, scenarioMarkdown=scenario(app, criteria), env=env)["runId"])

    assert [(c["kind"], c["passed"], c["failed"]) for c in result["criteria"]] == [
        ("check", 1, 0), ("check", 1, 0), ("judge", 1, 0), ("judge", 0, 1)]
    assert result["satisfactionScore"] == 0.75 and result["verdict"] == "fail"
    assert result["results"][0]["criteria"][2]["reason"] == "looked at 1 requests"
    request = json.loads((tmp_path / "judge-requests.jsonl").read_text().splitlines()[0])
    assert request["scenario"]["title"] == "Create a customer" and request["scenario"]["prompt"] == "Sign alice up."
    assert request["evidence"]["state"]["stripe"]["objects"]["customer"][0]["email"] == "alice@example.com"
    assert request["evidence"]["run"]["exitCode"] == 0


@pytest.fixture
def chat_completions() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """An OpenAI-compatible endpoint that passes every criterion and records what it was asked."""
    asked: list[dict[str, Any]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            asked.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
            answer = {"choices": [{"message": {"role": "assistant", "content": '{"passed": true, "reason": "fine"}'}}]}
            payload = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", asked
    server.shutdown()
    server.server_close()


def test_an_openai_compatible_endpoint_can_judge(
    control: httpx.Client, app: str, tmp_path: Path, chat_completions: tuple[str, list[dict[str, Any]]]
) -> None:
    url, asked = chat_completions
    env = {**os.environ, "MIRRA_JUDGE_URL": url, "MIRRA_JUDGE_MODEL": "judge-1", "MIRRA_JUDGE_API_KEY": "k-123"}
    result = finish(control, start(control, tmp_path, env=env,
                                   scenarioMarkdown=scenario(app, "- [P] The signup is correct"))["runId"])
    assert result["judge"] == f"judge-1 at {url}"
    assert result["verdict"] == "pass" and result["criteria"][0]["passed"] == 1
    assert asked[0]["path"] == "/v1/chat/completions" and asked[0]["auth"] == "Bearer k-123"
    assert asked[0]["body"]["model"] == "judge-1"
    assert json.loads(asked[0]["body"]["messages"][1]["content"])["criterion"] == "The signup is correct"


def test_without_a_judge_p_criteria_are_ungraded_never_passed(control: httpx.Client, app: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIRRA_JUDGE")}
    mixed = finish(control, start(control, tmp_path, env=env,
                                  scenarioMarkdown=scenario(app, ONE_CUSTOMER + "- [P] Well written"))["runId"])
    assert mixed["criteria"][2] == {"label": "Well written", "kind": "judge", "passed": 0, "failed": 0, "ungraded": 1, "total": 1}
    assert mixed["satisfactionScore"] == 1.0 and mixed["verdict"] == "pass"  # ungraded left out of the score
    only_judged = finish(control, start(control, tmp_path, env=env,
                                        scenarioMarkdown=scenario(app, "- [P] Well written"))["runId"])
    assert only_judged["satisfactionScore"] is None and only_judged["verdict"] == "fail"
    assert only_judged["verdictReasons"] == ["nothing was graded (only [P] criteria, and no judge configured)"]


@pytest.mark.parametrize(
    ("body", "status", "code", "fragment"),
    [
        ({"scenarioMarkdown": "# T\n## Criteria\n- [D] x\n"}, 400, "mirra.scenario.invalid", "line 3: a [D] criterion needs"),
        ({"scenarioMarkdown": scenario("true", "- [P] x").replace("mirrors: stripe", "mirrors: paypal")}, 400,
         "mirra.session.mirror_not_in_catalog", "Unknown mirror 'paypal'"),
        ({"scenarioMarkdown": scenario("true", "- [P] x", "fixture: stripe:nope")}, 400, "mirra.seed.not_found", "nope"),
        ({"scenarioMarkdown": scenario("true", "- [P] x"), "cwd": "/no/such/dir"}, 400, "mirra.run.invalid_cwd", "/no/such/dir"),
        ({}, 400, "mirra.run.scenario_required", "Send a scenario"),
    ],
)
def test_a_bad_run_request_is_refused_before_anything_runs(
    control: httpx.Client, body: dict[str, Any], status: int, code: str, fragment: str
) -> None:
    before = len(control.get("/v1/sessions", params={"limit": 100}).json()["data"])
    response = control.post("/v1/runs", json=body)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code and fragment in response.json()["error"]["message"]
    assert len(control.get("/v1/sessions", params={"limit": 100}).json()["data"]) == before
    assert control.get("/v1/runs/run_missing").status_code == 404


def mirra_run(mirra: MirraProcess, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`mirra run` as a user runs it from a shell whose PATH starts with this environment's Python."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    env = {**os.environ, "MIRRA_HOME": str(mirra.home), "PATH": path}
    env = {k: v for k, v in env.items() if not k.startswith("MIRRA_JUDGE")}
    return subprocess.run([sys.executable, "-m", "mirra", "run", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)


PASSING_EXAMPLES = ["stripe-payment-webhook", "stripe-subscription", "twilio-verify-login", "resend-welcome-email"]


@pytest.mark.parametrize("example", PASSING_EXAMPLES)
def test_every_example_scenario_passes(mirra: MirraProcess, example: str, tmp_path: Path) -> None:
    result = mirra_run(mirra, str(EXAMPLES / example / "scenario.md"), "--json", "--junit-xml", str(tmp_path / "r.xml"))
    assert result.returncode == 0, result.stdout + result.stderr
    body = json.loads(result.stdout)
    assert body["verdict"] == "pass"
    assert all(c["failed"] == 0 for c in body["criteria"])
    suite = ET.parse(tmp_path / "r.xml").getroot()
    assert suite.get("failures") == "0" and int(suite.get("tests", "0")) == len(body["criteria"]) * body["runs"]


def test_the_broken_example_fails_for_the_right_reason(mirra: MirraProcess, tmp_path: Path) -> None:
    result = mirra_run(mirra, "scenario.md", "--junit-xml", str(tmp_path / "r.xml"),
                       cwd=EXAMPLES / "stripe-payment-webhook-broken")
    assert result.returncode == 1
    assert "FAIL" in result.stdout and "Traceback" not in result.stderr
    suite = ET.parse(tmp_path / "r.xml").getroot()
    failed = sorted(case.get("name", "") for case in suite.iter("testcase") if case.find("failure") is not None)
    assert failed == [
        "[D] The order was marked paid (run 1)",
        "[D] The webhook endpoint acknowledged payment_intent.succeeded (run 1)",
    ]
    assert "(run 1)" in suite.find("testcase/skipped/..").get("name", "")  # the [P] criterion: no judge


def test_a_malformed_scenario_file_is_one_line_naming_the_line(mirra: MirraProcess, tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text("# Title\n\n## Criteria\n- [D] One customer\n\n## Config\ncommand: true\n")
    assert_one_line_error(mirra_run(mirra, str(tmp_path / "bad.md")), "bad.md line 4:", "needs an 'expect:' line")
    assert_one_line_error(mirra_run(mirra, str(tmp_path / "missing.md")), "cannot read", "missing.md")
