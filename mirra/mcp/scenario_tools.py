"""The scenario tool: run a markdown scenario (`mirra run`) through `/v1/runs`, follow it by long
poll, and answer its verdict with what an agent needs to act on a failure."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp_types import ToolAnnotations
from pydantic import Field

from mirra.mcp.answers import compact
from mirra.mcp.control import ApiError, ControlApi
from mirra.scenarios.markdown import parse_scenario
from mirra.scenarios.model import Scenario, ScenarioError

LONG_POLL_SECONDS = 25
OUTPUT_TAIL = 1500  # characters of a failed run's output kept in the answer


def register(server: MCPServer, api: ControlApi) -> None:
    @server.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False),
                 structured_output=False)
    async def run_scenario(
        ctx: Context,
        path: Annotated[str | None, Field(description="A scenario markdown file (relative to where `mirra mcp` runs); its command runs in the file's directory.")] = None,
        markdown: Annotated[str | None, Field(description="The scenario's markdown itself, instead of `path` (title, ## Prompt, ## Criteria, ## Config).")] = None,
        cwd: Annotated[str | None, Field(description="Where the command runs; default: the file's directory, or where `mirra mcp` runs.")] = None,
        env: Annotated[dict[str, str] | None, Field(description="Variables added to the command's environment (over the environment `mirra mcp` runs in).")] = None,
        runs: Annotated[int | None, Field(ge=1, le=50, description="How many runs, overriding the scenario's `runs`.")] = None,
        timeout_seconds: Annotated[float | None, Field(gt=0, description="Seconds before a run's command is killed, overriding the scenario's `timeout`.")] = None,
    ) -> str:
        """Run a scenario as `mirra run` does and answer its verdict: each run gets a fresh session
        (seeded by the scenario's fixture) and runs the scenario's command with that session's
        environment; then its [D] criteria (JMESPath checks over state, traffic, webhooks and the
        run's output) and [P] criteria (the judge, if one is configured) are graded. The answer
        has the verdict (pass/fail), satisfaction score, each criterion's tally, and per run its
        sessionId (inspect it with mirror_state and list_events), exit code, failed criteria with
        reasons and, when it failed, the end of its output."""
        scenario, directory = _load(path, markdown, cwd)
        overrides = {k: v for k, v in {"runs": runs, "timeout": timeout_seconds}.items() if v is not None}
        scenario = dataclasses.replace(scenario, config=dataclasses.replace(scenario.config, **overrides))
        started = await api.call("POST", "/v1/runs", json={
            "scenario": scenario.to_json(), "cwd": directory, "env": {**os.environ, **(env or {})},
        })
        revision = -1
        while True:
            result = await api.call("GET", f"/v1/runs/{started['runId']}", wait=LONG_POLL_SECONDS,
                                    params={"after": revision, "wait": LONG_POLL_SECONDS})
            revision = result["revision"]
            done = sum(run["status"] == "complete" for run in result["results"])
            await ctx.report_progress(done, result["runs"], f"{done} of {result['runs']} run(s) graded")
            if result["status"] == "complete":
                return compact(summary(result))


def _load(path: str | None, markdown: str | None, cwd: str | None) -> tuple[Scenario, str]:
    """The parsed scenario and the directory its command runs in."""
    if (path is None) == (markdown is None):
        raise ApiError(400, "mirra.mcp.scenario_required", "Give exactly one of `path` and `markdown`.",
                       "E.g. path='examples/stripe-payment-webhook/scenario.md'.")
    if path is not None:
        file = Path(path).expanduser().resolve()
        try:
            markdown = file.read_text()
        except OSError as error:
            raise ApiError(400, "mirra.mcp.scenario_unreadable", f"Cannot read {file}: {error.strerror or error}.",
                           f"Paths are relative to {os.getcwd()}, where `mirra mcp` runs; pass an absolute path.") from None
        cwd = cwd or str(file.parent)
    assert markdown is not None
    try:
        return parse_scenario(markdown), cwd or os.getcwd()
    except ScenarioError as error:
        raise ApiError(error.status, error.code, error.message, error.hint) from None


def summary(result: dict[str, Any]) -> dict[str, Any]:
    """The run's result without the per-run grades that passed, and with output only for runs that failed."""
    keys = ("runId", "verdict", "verdictReasons", "satisfactionScore", "threshold", "judge", "durationMs")
    runs = []
    for run in result["results"]:
        failed = [{"label": g["label"], "result": g["result"], "reason": g["reason"]}
                  for g in run["criteria"] if g["result"] != "passed"]
        row = {key: run.get(key) for key in ("run", "sessionId", "exitCode", "timedOut", "durationMs") if key in run}
        if run.get("error"):
            row["error"] = run["error"]
        row["notPassed"] = failed
        if any(g["result"] == "failed" for g in failed) or run.get("error") or run.get("exitCode") or run.get("timedOut"):
            row["outputTail"] = run.get("output", "")[-OUTPUT_TAIL:]
        runs.append(row)
    tallies = [{key: t[key] for key in ("label", "kind", "passed", "failed", "ungraded")} for t in result["criteria"]]
    return {**{key: result.get(key) for key in keys}, "title": result["scenario"]["title"], "criteria": tallies, "runs": runs}
