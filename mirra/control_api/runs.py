"""`/v1/runs`: run a scenario (JSON or markdown form) and follow it.

    POST /v1/runs          {"scenario": {...}} or {"scenarioMarkdown": "..."}, optional "cwd"
                           (where the command runs) and "env" (the environment it starts from)
    GET  /v1/runs          every run the server knows, newest first
    GET  /v1/runs/{id}     progress, then the verdict; `?after=<revision>&wait=<seconds>` answers
                           as soon as the run changes past that revision (live progress, no polling)
"""

from __future__ import annotations

import os

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mirra.control_api.sessions import json_object
from mirra.errors import MirraError
from mirra.scenarios.markdown import parse_scenario
from mirra.scenarios.model import scenario_from_json
from mirra.scenarios.runs import RunManager, ScenarioRun

MAX_WAIT_SECONDS = 30.0


async def start_run(request: Request) -> Response:
    payload = await json_object(request)
    if isinstance(payload.get("scenarioMarkdown"), str):
        scenario = parse_scenario(payload["scenarioMarkdown"])
    elif "scenario" in payload:
        scenario = scenario_from_json(payload["scenario"])
    else:
        raise MirraError(400, "mirra.run.scenario_required", "Send a scenario to run.",
                         'Send {"scenario": {...}} (the JSON form) or {"scenarioMarkdown": "# Title ..."}.')
    env = payload.get("env", dict(os.environ))
    if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
        raise MirraError(400, "mirra.run.invalid_env", "'env' must map variable names to strings.",
                         'Send e.g. {"env": {"PATH": "/usr/bin"}}, or omit it to use the server\'s environment.')
    cwd = payload.get("cwd", os.getcwd())
    if not isinstance(cwd, str):
        raise MirraError(400, "mirra.run.invalid_cwd", "'cwd' must be a directory path.", "Send an absolute path.")
    run = _runs(request).start(scenario, cwd, env)
    body = run.to_json()
    answer = {key: body[key] for key in ("runId", "status", "sessionId", "revision")}
    return JSONResponse({**answer, "dashboardUrl": f"{request.app.state.urls.api_url}/#/runs/{run.id}"}, 201)


async def get_run(request: Request) -> Response:
    run_id = request.path_params["run_id"]
    found = _runs(request).get(run_id)
    if found is None:
        raise MirraError(404, "mirra.run.not_found", f"No run '{run_id}'.", "GET /v1/runs lists the runs this server knows.")
    if isinstance(found, ScenarioRun):
        after, wait = _wait_params(request)
        if wait > 0:
            await found.wait_past(after, wait)
        return JSONResponse(found.to_json())
    return JSONResponse(found)


async def list_runs(request: Request) -> Response:
    return JSONResponse({"data": _runs(request).list()})


def _wait_params(request: Request) -> tuple[int, float]:
    try:
        after = int(request.query_params.get("after", "-1"))
        wait = float(request.query_params.get("wait", "0"))
    except ValueError:
        raise MirraError(400, "mirra.request.invalid_query", "'after' must be a whole number and 'wait' a number of seconds.",
                         "E.g. ?after=3&wait=10.") from None
    return after, min(max(wait, 0.0), MAX_WAIT_SECONDS)


def _runs(request: Request) -> RunManager:
    runs: RunManager = request.app.state.runs
    return runs

