"""A scenario, as the JSON form of `POST /v1/runs` spells it; the markdown form parses to the same.

    {"title", "setup", "prompt", "expectedBehavior",
     "criteria": [{"tag": "check", "text", "expect": "<JMESPath>"}, {"tag": "judge", "text"}],
     "config": {"mirrors", "fixture", "timeout", "runs", "parallel", "threshold", "command"}}

A `check` ([D]) criterion carries a JMESPath expression over the run's evidence; it passes when
the expression's value is truthy in JMESPath's sense (not null, false, '', [] or {}).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jmespath
import jmespath.exceptions

from mirra.errors import MirraError

CHECK = "check"  # [D]: deterministic, machine-evaluated
JUDGE = "judge"  # [P]: probabilistic, graded by the judge
TAG_MARKS = {CHECK: "[D]", JUDGE: "[P]"}  # how reports (the table, JUnit XML) write the tags
DEFAULT_TIMEOUT_SECONDS = 60
DEFAULT_THRESHOLD = 0.8
MAX_RUNS = 50
CONFIG_KEYS = ("mirrors", "fixture", "timeout", "runs", "parallel", "threshold", "command")


class ScenarioError(MirraError):
    """A malformed scenario: says where (a markdown line or a JSON field) and how to fix it."""

    def __init__(self, where: str, message: str, hint: str) -> None:
        super().__init__(400, "mirra.scenario.invalid", f"{where}: {message}", hint)


@dataclass(frozen=True)
class Criterion:
    tag: str  # CHECK or JUDGE
    text: str
    expect: str | None = None  # the JMESPath expression of a CHECK

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"tag": self.tag, "text": self.text}
        if self.expect is not None:
            body["expect"] = self.expect
        return body


@dataclass(frozen=True)
class Config:
    command: str  # run by the shell in the scenario's directory, with the session's environment
    mirrors: tuple[str, ...]
    seeds: dict[str, str] = field(default_factory=dict)  # from `fixture: stripe:customers, ...`
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    runs: int = 1
    parallel: int | None = None  # at most this many runs at once; None: all of them
    threshold: float = DEFAULT_THRESHOLD  # the satisfaction score a passing verdict needs

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "command": self.command,
            "mirrors": list(self.mirrors),
            "timeout": self.timeout,
            "runs": self.runs,
            "threshold": self.threshold,
        }
        if self.seeds:
            body["fixture"] = ", ".join(f"{mirror}:{seed}" for mirror, seed in self.seeds.items())
        if self.parallel is not None:
            body["parallel"] = self.parallel
        return body


@dataclass(frozen=True)
class Scenario:
    title: str
    prompt: str
    criteria: tuple[Criterion, ...]
    config: Config
    setup: str = ""
    expected_behavior: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "setup": self.setup,
            "prompt": self.prompt,
            "expectedBehavior": self.expected_behavior,
            "criteria": [criterion.to_json() for criterion in self.criteria],
            "config": self.config.to_json(),
        }


def scenario_from_json(body: Any) -> Scenario:
    """The JSON form, checked field by field."""
    if not isinstance(body, dict):
        raise ScenarioError("scenario", "must be a JSON object", 'Send {"title": ..., "criteria": [...], "config": {...}}.')
    title = _text(body, "title", "scenario", required=True)
    criteria_body = body.get("criteria")
    if not isinstance(criteria_body, list) or not criteria_body:
        raise ScenarioError("scenario.criteria", "must be a non-empty list",
                            'Send e.g. [{"tag": "check", "text": "...", "expect": "length(traffic) > `0`"}].')
    criteria = tuple(criterion_from_json(item, f"scenario.criteria[{index}]") for index, item in enumerate(criteria_body))
    return Scenario(
        title=title,
        setup=_text(body, "setup", "scenario"),
        prompt=_text(body, "prompt", "scenario"),
        expected_behavior=_text(body, "expectedBehavior", "scenario"),
        criteria=criteria,
        config=config_from_values(body.get("config"), lambda key: f"scenario.config.{key}".rstrip(".")),
    )


def criterion_from_json(item: Any, where: str) -> Criterion:
    if not isinstance(item, dict) or item.get("tag") not in (CHECK, JUDGE):
        raise ScenarioError(where, 'needs "tag": "check" ([D]) or "judge" ([P])',
                            'Send {"tag": "check", "text": "...", "expect": "<JMESPath>"} or {"tag": "judge", "text": "..."}.')
    text = _text(item, "text", where, required=True)
    expect = item.get("expect")
    if item["tag"] == JUDGE:
        if expect is not None:
            raise ScenarioError(where, "a judge criterion takes no 'expect' expression",
                                'Make it {"tag": "check", ...} to evaluate the expression, or drop "expect".')
        return Criterion(JUDGE, text)
    if not isinstance(expect, str) or not expect.strip():
        raise ScenarioError(where, "a check criterion needs an 'expect' JMESPath expression",
                            "E.g. \"length(state.stripe.objects.customer) == `1`\"; see the README's scenario reference.")
    return Criterion(CHECK, text, compile_expectation(expect.strip(), where))


def compile_expectation(expression: str, where: str) -> str:
    """Refuse an expression JMESPath cannot parse, at load time rather than after the runs."""
    try:
        jmespath.compile(expression)
    except jmespath.exceptions.JMESPathError as error:
        first_line = str(error).splitlines()[0]
        raise ScenarioError(where, f"the expectation is not valid JMESPath ({first_line})",
                            "Literals go in backticks (`1`, `\"active\"`), strings in single quotes; see jmespath.org.") from None
    return expression


def config_from_values(values: Any, locate: Callable[[str], str]) -> Config:
    """Config from JSON values (the markdown parser converts its `key: value` lines first).
    `locate(key)` names where a key was written, for errors ("scenario.config.runs", "line 12")."""
    if not isinstance(values, dict):
        raise ScenarioError(locate(""), "a config is required", 'Give at least {"command": "python app.py", "mirrors": ["stripe"]}.')
    unknown = sorted(set(values) - set(CONFIG_KEYS))
    if unknown:
        raise ScenarioError(locate(unknown[0]), f"'{unknown[0]}' is not a config key", f"Config keys: {', '.join(CONFIG_KEYS)}.")
    command = values.get("command")
    if not isinstance(command, str) or not command.strip():
        raise ScenarioError(locate("command"), "the config needs the command that exercises the integration",
                            "E.g. command: python signup.py (run in the scenario's directory with the session's environment).")
    mirrors = values.get("mirrors")
    if isinstance(mirrors, str):
        mirrors = [name.strip() for name in mirrors.split(",") if name.strip()]
    if not isinstance(mirrors, list) or not mirrors or not all(isinstance(name, str) for name in mirrors):
        raise ScenarioError(locate("mirrors"), "the config must name at least one mirror", "E.g. mirrors: stripe, resend.")
    parallel = _number(values, "parallel", locate, None, low=1)
    return Config(
        command=command.strip(),
        mirrors=tuple(mirrors),
        seeds=_fixture(values.get("fixture"), locate("fixture")),
        timeout=_number(values, "timeout", locate, DEFAULT_TIMEOUT_SECONDS, low=0, integer=False),
        runs=int(_number(values, "runs", locate, 1, low=1, high=MAX_RUNS)),
        parallel=parallel,
        threshold=_number(values, "threshold", locate, DEFAULT_THRESHOLD, low=0, high=1, integer=False, inclusive=True),
    )


def _fixture(value: Any, where: str) -> dict[str, str]:
    """`"stripe:customers, resend:welcome"` (or a list of such) -> {"stripe": "customers", ...}."""
    if value is None or value == "":
        return {}
    items = value if isinstance(value, list) else str(value).split(",")
    seeds: dict[str, str] = {}
    for item in (str(part).strip() for part in items):
        mirror, colon, seed = item.partition(":")
        if not colon or not mirror or not seed:
            raise ScenarioError(where, f"'{item}' is not <mirror>:<seed>", "E.g. fixture: stripe:customers.")
        seeds[mirror] = seed
    return seeds


def _number(
    values: dict[str, Any],
    key: str,
    locate: Callable[[str], str],
    default: float | None,
    *,
    low: float,
    high: float | None = None,
    integer: bool = True,
    inclusive: bool = False,
) -> Any:
    value = values.get(key, default)
    if value is None:
        return None
    valid_type = not isinstance(value, bool) and isinstance(value, int if integer else int | float)
    if not valid_type or not (value >= low if inclusive or integer else value > low) or (high is not None and value > high):
        kind = "a whole number" if integer else "a number"
        bounds = f"from {low:g} to {high:g}" if high is not None else f"{'at least' if integer else 'above'} {low:g}"
        raise ScenarioError(locate(key), f"'{key}' must be {kind} {bounds}, not {value!r}",
                            f"E.g. {key}: {default if default is not None else 2}.")
    return value


def _text(body: dict[str, Any], key: str, where: str, *, required: bool = False) -> str:
    value = body.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise ScenarioError(f"{where}.{key}", "must be a non-empty string" if required else "must be a string",
                            f'Send "{key}": "..." as text.')
    return value.strip()
