"""Scenario runs inside the server: each run gets a fresh session seeded by the fixture, runs the
scenario's command with the session's environment (and the prompt in MIRRA_PROMPT, so a coding
agent can be the command), lets due jobs such as webhook deliveries finish, then grades every
criterion and streams each grade as an `evaluation.criterion_graded` event of the run's session.

Runs of one scenario execute in parallel (at most `config.parallel` at once); a run whose
command outlives `config.timeout` has its process group killed and is marked timed out.
A finished run's result is written to MIRRA_HOME/runs/<runId>.json.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mirra.cli.environment import session_environment
from mirra.control_api.urls import ServerUrls
from mirra.errors import MirraError
from mirra.mirrors.catalog import MirrorCatalog
from mirra.scenarios.evidence import (
    OUTPUT_TAIL_BYTES,
    CommandOutcome,
    check,
    collect_evidence,
)
from mirra.scenarios.judge import Judge, judge_from_environment, judge_request
from mirra.scenarios.model import CHECK, Criterion, Scenario
from mirra.sessions import events
from mirra.sessions.ids import IdGenerator
from mirra.sessions.registry import SessionRegistry
from mirra.sessions.runner import JobRunner

KILL_GRACE_SECONDS = 2.0
SESSION_LINGER_SECONDS = 3600  # run sessions stay inspectable this long after their run
PASSED, FAILED, UNGRADED = "passed", "failed", "ungraded"


@dataclass
class Grade:
    criterion: Criterion
    result: str  # PASSED | FAILED | UNGRADED
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"label": self.criterion.text, "kind": self.criterion.tag, "result": self.result, "reason": self.reason}


@dataclass
class RunAttempt:
    """One execution of the scenario: a session, a command, its grades."""

    index: int
    session_id: str
    status: str = "pending"  # pending | running | grading | complete
    outcome: CommandOutcome | None = None
    grades: list[Grade] = field(default_factory=list)
    error: str | None = None  # why the run could not be carried out (e.g. the command did not start)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"run": self.index, "status": self.status, "sessionId": self.session_id}
        if self.outcome is not None:
            body.update(self.outcome.to_json())
        if self.error:
            body["error"] = self.error
        body["criteria"] = [grade.to_json() for grade in self.grades]
        return body


@dataclass
class ScenarioRun:
    id: str
    scenario: Scenario
    attempts: list[RunAttempt]
    judge: str | None
    started: float = field(default_factory=time.time)
    finished: float | None = None
    revision: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def touch(self) -> None:
        """Something changed: wake whoever waits on this run's progress."""
        self.revision += 1
        self.changed.set()
        self.changed = asyncio.Event()

    async def wait_past(self, revision: int, timeout: float) -> None:
        """Return once the run changed after `revision`, or after `timeout` seconds."""
        if self.revision > revision or self.finished is not None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.changed.wait(), timeout)

    def to_json(self) -> dict[str, Any]:
        config = self.scenario.config
        tallies = [_tally(criterion, position, self.attempts) for position, criterion in enumerate(self.scenario.criteria)]
        graded = sum(t["passed"] + t["failed"] for t in tallies)
        score = round(sum(t["passed"] for t in tallies) / graded, 4) if graded else None
        complete = self.finished is not None
        body: dict[str, Any] = {
            "runId": self.id,
            "status": "complete" if complete else "running",
            "startedAt": events.iso_timestamp(self.started),
            "revision": self.revision,
            "scenario": {"title": self.scenario.title},
            "sessionId": self.attempts[0].session_id,
            "satisfactionScore": score,
            "threshold": config.threshold,
            "runs": config.runs,
            "judge": self.judge,
            "criteria": tallies,
            "results": [attempt.to_json() for attempt in self.attempts],
            "durationMs": round(((self.finished or time.time()) - self.started) * 1000),
        }
        if complete:
            reasons = _failures(self, tallies, score)
            body["verdict"] = "fail" if reasons else "pass"
            body["verdictReasons"] = reasons
        return body


class RunManager:
    """Starts runs, keeps them while the server lives, and finds finished ones on disk."""

    def __init__(
        self, registry: SessionRegistry, catalog: MirrorCatalog, runner: JobRunner, urls: ServerUrls, home: Path
    ) -> None:
        self.registry = registry
        self.catalog = catalog
        self.runner = runner
        self.urls = urls
        self.home = home
        self.results_dir = home / "runs"
        self.runs: dict[str, ScenarioRun] = {}
        self.tasks: set[asyncio.Task[None]] = set()

    def start(self, scenario: Scenario, cwd: str, env: Mapping[str, str]) -> ScenarioRun:
        """Check everything that can be checked before any run begins, then run in the background."""
        config = scenario.config
        self.registry.check_request(list(config.mirrors), None, False, SESSION_LINGER_SECONDS, config.seeds)
        if not Path(cwd).is_dir():
            raise MirraError(400, "mirra.run.invalid_cwd", f"The working directory '{cwd}' does not exist.",
                             "Pass the directory the scenario's command runs in as 'cwd'.")
        judge = judge_from_environment(env, cwd)
        run_id = IdGenerator().new("run_", 16)
        attempts = [
            RunAttempt(index, session_id=self.registry.create(
                list(config.mirrors),
                name=f"{run_id}-{index}",
                timeout_seconds=int(config.timeout * config.runs) + SESSION_LINGER_SECONDS,
                seeds=config.seeds,
            ).id)
            for index in range(1, config.runs + 1)
        ]
        run = ScenarioRun(run_id, scenario, attempts, judge.description if judge else None)
        self.runs[run.id] = run
        task = asyncio.create_task(self._execute(run, cwd, dict(env), judge))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return run

    def get(self, run_id: str) -> ScenarioRun | dict[str, Any] | None:
        """A live run, or a finished run's stored result (after a restart)."""
        if run_id in self.runs:
            return self.runs[run_id]
        stored = self.results_dir / f"{Path(run_id).name}.json"
        return json.loads(stored.read_text()) if stored.is_file() else None

    def list(self) -> list[dict[str, Any]]:
        """Every run this server knows, newest first (summaries without per-run details)."""
        found = {run_id: run.to_json() for run_id, run in self.runs.items()}
        if self.results_dir.is_dir():
            for path in self.results_dir.glob("run_*.json"):
                if path.stem not in found:
                    found[path.stem] = json.loads(path.read_text())
        summaries = [{k: v for k, v in body.items() if k != "results"} for body in found.values()]
        return sorted(summaries, key=lambda body: body.get("startedAt", ""), reverse=True)

    async def close(self) -> None:
        """At shutdown: stop the runs still going (their commands are killed)."""
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    async def _execute(self, run: ScenarioRun, cwd: str, env: dict[str, str], judge: Judge | None) -> None:
        limit = asyncio.Semaphore(run.scenario.config.parallel or run.scenario.config.runs)

        async def one(attempt: RunAttempt) -> None:
            async with limit:
                await self._attempt(run, attempt, cwd, env, judge)

        try:
            await asyncio.gather(*(one(attempt) for attempt in run.attempts))
        finally:
            run.finished = time.time()
            run.touch()
            self.results_dir.mkdir(parents=True, exist_ok=True)
            (self.results_dir / f"{run.id}.json").write_text(json.dumps(run.to_json()))

    async def _attempt(self, run: ScenarioRun, attempt: RunAttempt, cwd: str, env: dict[str, str], judge: Judge | None) -> None:
        scenario = run.scenario
        config = scenario.config
        session = self.registry.get(attempt.session_id)
        if session is None:
            attempt.error, attempt.status = "its session was ended before it ran", "complete"
            run.touch()
            return
        attempt.status = "running"
        run.touch()
        # in a thread: finding the Node preload may run `node` once per directory
        overlay = await asyncio.to_thread(session_environment, self.urls, session.id, self.home, environ=env, cwd=cwd)
        command_env = {
            **env,
            **overlay,
            "MIRRA_PROMPT": scenario.prompt,
            "MIRRA_SCENARIO": scenario.title,
            "MIRRA_RUN_ID": run.id,
            "MIRRA_RUN_INDEX": str(attempt.index),
        }
        try:
            attempt.outcome = await run_command(config.command, cwd, command_env, config.timeout)
        except OSError as error:
            attempt.error = f"the command could not start: {error}"
            attempt.outcome = CommandOutcome(None, False, 0.0, "")
        attempt.status = "grading"
        run.touch()
        await self.runner.run_session(session)  # deliveries and other jobs already due
        evidence = collect_evidence(session, self.catalog, attempt.outcome)
        for criterion in scenario.criteria:
            grade = await _grade(criterion, evidence, scenario, judge)
            attempt.grades.append(grade)
            session.events.append(events.GRADED, None, session.clock.now(),
                                  {"runId": run.id, "run": attempt.index, **grade.to_json()})
            run.touch()
        attempt.status = "complete"
        run.touch()


async def run_command(command: str, cwd: str, env: dict[str, str], timeout: float) -> CommandOutcome:
    """Run `command` in its own process group; kill the group at the timeout."""
    started = time.perf_counter()
    process = await asyncio.create_subprocess_shell(
        command,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
    )
    tail = bytearray()

    async def read_output() -> None:
        assert process.stdout is not None
        while chunk := await process.stdout.read(65536):
            tail.extend(chunk)
            del tail[:-OUTPUT_TAIL_BYTES]

    reader = asyncio.create_task(read_output())
    timed_out = False
    try:
        await asyncio.wait_for(process.wait(), timeout)
    except TimeoutError:
        timed_out = True
    finally:
        if process.returncode is None:
            await _kill_group(process)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(reader, KILL_GRACE_SECONDS)
    return CommandOutcome(
        None if timed_out else process.returncode,
        timed_out,
        (time.perf_counter() - started) * 1000,
        tail.decode(errors="replace"),
    )


async def _kill_group(process: asyncio.subprocess.Process) -> None:
    """SIGTERM the command's whole process group, then SIGKILL what is left after a grace period."""
    for signum in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)
        try:
            await asyncio.wait_for(process.wait(), KILL_GRACE_SECONDS)
            return
        except TimeoutError:
            continue


async def _grade(criterion: Criterion, evidence: dict[str, Any], scenario: Scenario, judge: Judge | None) -> Grade:
    if criterion.tag == CHECK:
        assert criterion.expect is not None
        passed, detail = check(criterion.expect, evidence)
        return Grade(criterion, PASSED if passed else FAILED, f"{criterion.expect} {detail}")
    if judge is None:
        return Grade(criterion, UNGRADED, "no judge configured (set MIRRA_JUDGE_COMMAND or MIRRA_JUDGE_URL)")
    verdict = await judge.grade(judge_request(scenario.to_json(), criterion.text, evidence))
    result = UNGRADED if verdict.passed is None else PASSED if verdict.passed else FAILED
    return Grade(criterion, result, verdict.reason)


def _tally(criterion: Criterion, position: int, attempts: list[RunAttempt]) -> dict[str, Any]:
    results = [attempt.grades[position].result for attempt in attempts if len(attempt.grades) > position]
    return {
        "label": criterion.text,
        "kind": criterion.tag,
        "passed": results.count(PASSED),
        "failed": results.count(FAILED),
        "ungraded": results.count(UNGRADED),
        "total": len(attempts),
    }


def _failures(run: ScenarioRun, tallies: list[dict[str, Any]], score: float | None) -> list[str]:
    """Why the verdict is `fail`; empty when it passes. Every [D] check must pass in every run,
    no run may time out or fail to start, and the score must reach the threshold."""
    reasons = [
        f"[D] {t['label']}: passed in {t['passed']} of {t['total']} runs"
        for t in tallies
        if t["kind"] == CHECK and t["passed"] < t["total"]
    ]
    reasons += [f"run {a.index} timed out after {run.scenario.config.timeout:g} s"
                for a in run.attempts if a.outcome and a.outcome.timed_out]
    reasons += [f"run {a.index}: {a.error}" for a in run.attempts if a.error]
    if score is None:
        reasons.append("nothing was graded (only [P] criteria, and no judge configured)")
    elif score < run.scenario.config.threshold:
        reasons.append(f"satisfaction score {score:.2f} is below the threshold {run.scenario.config.threshold:g}")
    return reasons
