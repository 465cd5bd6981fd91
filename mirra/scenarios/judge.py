"""The judge of `[P]` criteria, pluggable and configured by environment variables:

    MIRRA_JUDGE_COMMAND   a command that reads one JSON request on stdin and prints
                          {"passed": true|false, "reason": "..."}
    MIRRA_JUDGE_URL       an OpenAI-compatible API base (e.g. http://localhost:11434/v1), with
    MIRRA_JUDGE_MODEL     the model to ask, and optionally
    MIRRA_JUDGE_API_KEY   its bearer token

The request: {"scenario": {title, setup, prompt, expectedBehavior}, "criterion": "...",
"evidence": {...}} (evidence as `[D]` expressions see it). With no judge, `[P]` criteria are
ungraded: left out of the score, never counted as passed. A judge that fails or answers
nonsense leaves its criterion ungraded too, with the reason.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from mirra.errors import MirraError

JUDGE_TIMEOUT_SECONDS = 120.0
SYSTEM_PROMPT = (
    "You grade one criterion of an integration test scenario. You get the scenario, the criterion "
    "and the evidence: the vendor API state, the traffic and webhooks the integration caused, and "
    "the output of the command that exercised it. Answer only with a JSON object "
    '{"passed": true or false, "reason": "<one sentence>"}.'
)


@dataclass(frozen=True)
class Verdict:
    passed: bool | None  # None: ungraded
    reason: str


class Judge(Protocol):
    description: str

    async def grade(self, request: dict[str, Any]) -> Verdict: ...


@dataclass(frozen=True)
class CommandJudge:
    command: str
    cwd: str | None = None
    env: Mapping[str, str] | None = None

    @property
    def description(self) -> str:
        return f"command {self.command!r}"

    async def grade(self, request: dict[str, Any]) -> Verdict:
        process = await asyncio.create_subprocess_shell(
            self.command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=self.cwd,
            env=dict(self.env) if self.env is not None else None,
        )
        try:
            out, err = await asyncio.wait_for(process.communicate(json.dumps(request).encode()), JUDGE_TIMEOUT_SECONDS)
        except TimeoutError:
            process.kill()
            await process.wait()
            return Verdict(None, f"the judge command took longer than {JUDGE_TIMEOUT_SECONDS:g} s")
        if process.returncode != 0:
            detail = err.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
            return Verdict(None, f"the judge command exited with {process.returncode}: {detail[0]}")
        return parse_answer(out.decode(errors="replace"))


@dataclass(frozen=True)
class HttpJudge:
    """An OpenAI-compatible chat completions endpoint."""

    base_url: str
    model: str
    api_key: str | None = None

    @property
    def description(self) -> str:
        return f"{self.model} at {self.base_url}"

    async def grade(self, request: dict[str, Any]) -> Verdict:
        body = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": json.dumps(request)},
            ],
            "response_format": {"type": "json_object"},
            "temperature": 0,
        }
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        try:
            async with httpx.AsyncClient(trust_env=False, timeout=JUDGE_TIMEOUT_SECONDS) as client:
                response = await client.post(f"{self.base_url.rstrip('/')}/chat/completions", json=body, headers=headers)
            response.raise_for_status()
            content = response.json()["choices"][0]["message"]["content"]
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as error:
            return Verdict(None, f"the judge endpoint failed: {type(error).__name__}: {error}")
        return parse_answer(content)


def parse_answer(text: str) -> Verdict:
    try:
        answer = json.loads(text)
    except ValueError:
        return Verdict(None, f"the judge did not answer JSON: {text.strip()[:120]!r}")
    if not isinstance(answer, dict) or not isinstance(answer.get("passed"), bool):
        return Verdict(None, 'the judge\'s answer has no boolean "passed"')
    return Verdict(answer["passed"], str(answer.get("reason", "")))


def judge_from_environment(env: Mapping[str, str], cwd: str | None) -> Judge | None:
    if command := env.get("MIRRA_JUDGE_COMMAND"):
        return CommandJudge(command, cwd, env)
    if url := env.get("MIRRA_JUDGE_URL"):
        model = env.get("MIRRA_JUDGE_MODEL")
        if not model:
            raise MirraError(400, "mirra.judge.model_required", "MIRRA_JUDGE_URL is set but MIRRA_JUDGE_MODEL is not.",
                             "Set MIRRA_JUDGE_MODEL to the model the endpoint should use.")
        return HttpJudge(url, model, env.get("MIRRA_JUDGE_API_KEY"))
    return None


def judge_request(scenario: dict[str, Any], criterion: str, evidence: dict[str, Any]) -> dict[str, Any]:
    keys = ("title", "setup", "prompt", "expectedBehavior")
    return {"scenario": {key: scenario[key] for key in keys}, "criterion": criterion, "evidence": evidence}

