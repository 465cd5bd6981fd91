"""`mirra run SCENARIO.md`: run a scenario against fresh sessions, show live progress, print the
result (a table, `--json`, `--junit-xml`), and exit 0 only on a passing verdict."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from mirra.cli.client import CliError, ControlClient
from mirra.cli.server import ensure_server
from mirra.scenarios.markdown import parse_scenario
from mirra.scenarios.model import TAG_MARKS, Scenario, ScenarioError
from mirra.scenarios.report import junit_xml

LONG_POLL_SECONDS = 10
_MARKS = {"passed": "[green]✓[/]", "failed": "[red]✗[/]", "ungraded": "[yellow]?[/]"}


def run(
    scenario_file: Path = typer.Argument(..., metavar="SCENARIO.md", help="The markdown scenario to run."),
    runs: int | None = typer.Option(None, "--runs", min=1, help="How many runs (overrides the scenario's config)."),
    parallel: int | None = typer.Option(None, "--parallel", min=1, help="At most this many runs at once (default: all)."),
    timeout: float | None = typer.Option(None, "--timeout", min=0.001, help="Seconds before a run's command is killed."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout (progress stays on stderr)."),
    junit: Path | None = typer.Option(None, "--junit-xml", help="Also write the result as JUnit XML to this file."),
) -> None:
    """Run a markdown scenario: each run gets a fresh session seeded by the scenario's fixture,
    runs the scenario's command (in the scenario's directory, with the session's environment and
    the prompt in MIRRA_PROMPT), then grades its criteria: [D] checks are JMESPath expressions
    over the session; [P] criteria go to the judge (MIRRA_JUDGE_COMMAND, or MIRRA_JUDGE_URL and
    MIRRA_JUDGE_MODEL) and are "ungraded" without one. Exits 0 only on a passing verdict."""
    scenario = _load(scenario_file)
    overrides = {k: v for k, v in {"runs": runs, "parallel": parallel, "timeout": timeout}.items() if v is not None}
    scenario = dataclasses.replace(scenario, config=dataclasses.replace(scenario.config, **overrides))
    console = Console(stderr=True, highlight=False)
    client = ControlClient(ensure_server(quiet=True))
    started = client.call("POST", "/v1/runs", json={
        "scenario": scenario.to_json(),
        "cwd": str(scenario_file.resolve().parent),
        "env": dict(os.environ),
    })
    console.print(f"[bold]{scenario.title}[/] · run {started['runId']} · {scenario.config.runs} run(s)")
    result = _follow(client, started["runId"], console)
    if junit is not None:
        junit.write_text(junit_xml(result))
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        _print_result(result, Console(highlight=False))
    raise typer.Exit(0 if result["verdict"] == "pass" else 1)


def _load(path: Path) -> Scenario:
    try:
        text = path.read_text()
    except OSError as error:
        raise CliError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        return parse_scenario(text)
    except ScenarioError as error:
        raise CliError(f"{path} {error.message} — {error.hint}") from None


def _follow(client: ControlClient, run_id: str, console: Console) -> dict[str, Any]:
    """Long-poll the run, printing each run's start and each grade once, as they happen."""
    revision, shown = -1, set()
    with console.status("starting…") as status:
        while True:
            result = client.call("GET", f"/v1/runs/{run_id}", params={"after": revision, "wait": LONG_POLL_SECONDS})
            revision = result["revision"]
            for run in result["results"]:
                for position, grade in enumerate(run["criteria"]):
                    if (run["run"], position) not in shown:
                        shown.add((run["run"], position))
                        console.print(f"  {_MARKS[grade['result']]} run {run['run']} {TAG_MARKS[grade['kind']]} {grade['label']}")
            states = [f"{run['run']}: {run['status']}" for run in result["results"]]
            status.update("runs " + " · ".join(states))
            if result["status"] == "complete":
                return result


def _print_result(result: dict[str, Any], console: Console) -> None:
    table = Table(title=result["scenario"]["title"], title_justify="left")
    for column in ("criterion", "passed", "failed", "ungraded"):
        table.add_column(column, justify="left" if column == "criterion" else "right")
    for tally in result["criteria"]:
        table.add_row(f"{TAG_MARKS[tally['kind']]} {tally['label']}", str(tally["passed"]), str(tally["failed"]), str(tally["ungraded"]))
    console.print(table)
    for run in result["results"]:
        for grade in run["criteria"]:
            if grade["result"] != "passed":
                console.print(f"  run {run['run']} {TAG_MARKS[grade['kind']]} {grade['label']}: [dim]{grade['reason']}[/]")
        problem = run.get("error") or ("timed out" if run.get("timedOut") else None)
        if problem is None and run.get("exitCode"):
            problem = f"the command exited with {run['exitCode']}"
        if problem:
            console.print(f"  run {run['run']}: [red]{problem}[/]; the end of its output:")
            console.print(run.get("output", "")[-800:].rstrip() or "(no output)", markup=False)
    score = result["satisfactionScore"]
    verdict = "[green]PASS[/]" if result["verdict"] == "pass" else "[red]FAIL[/]"
    console.print(
        f"satisfaction {'n/a' if score is None else f'{score:.2f}'} (threshold {result['threshold']:g}) · "
        f"{result['runs']} run(s) · {result['durationMs'] / 1000:.1f} s · judge: {result['judge'] or 'none'} · {verdict}"
    )
    for reason in result.get("verdictReasons", []):
        console.print(f"  [red]•[/] {reason}")
    console.print(f"[dim]inspect a run's session: mirra state <mirror> --session {result['results'][0]['sessionId']}[/]")
