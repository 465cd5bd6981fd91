"""The markdown form of a scenario -> the same `Scenario` as its JSON form.

    # Send a welcome email on signup
    ## Setup
    ## Prompt
    ## Expected Behavior
    ## Criteria
    - [D] Exactly one email goes to the new user
      expect: length(state.resend.objects.email[?contains(to, 'alice@wonderland.dev')]) == `1`
    - [P] Bounces are handled
    ## Config
    mirrors: resend
    fixture: resend:verified-domain
    command: python signup.py alice@wonderland.dev
    timeout: 60
    runs: 3

Every error names the line it is about and says how to fix it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from mirra.scenarios.model import (
    CHECK,
    CONFIG_KEYS,
    JUDGE,
    Criterion,
    Scenario,
    ScenarioError,
    compile_expectation,
    config_from_values,
)

SECTIONS = ("setup", "prompt", "expected behavior", "criteria", "config")
_CRITERION = re.compile(r"^\s*[-*]\s+\[(?P<tag>[A-Za-z])\]\s*(?P<text>.*)$")
_CONFIG_LINE = re.compile(r"^\s*(?:[-*]\s+)?(?P<key>[A-Za-z_]+)\s*:\s*(?P<value>.*)$")
_FENCE = re.compile(r"^\s*```")


@dataclass
class _Section:
    name: str
    line: int
    body: list[tuple[int, str]] = field(default_factory=list)  # (line number, text)


def parse_scenario(text: str) -> Scenario:
    title, sections = _split(text)
    criteria = _criteria(sections.get("criteria"), _last_line(text))
    config_section = sections.get("config")
    if config_section is None:
        raise ScenarioError(f"line {_last_line(text)}", "the scenario has no '## Config' section",
                            "Add '## Config' with at least 'mirrors: <mirror>' and 'command: <how to run the integration>'.")
    values, lines = _config_values(config_section)
    config = config_from_values(values, lambda key: f"line {lines.get(key, config_section.line)}")
    return Scenario(
        title=title,
        setup=_prose(sections.get("setup")),
        prompt=_prose(sections.get("prompt")),
        expected_behavior=_prose(sections.get("expected behavior")),
        criteria=criteria,
        config=config,
    )


def _split(text: str) -> tuple[str, dict[str, _Section]]:
    title: str | None = None
    sections: dict[str, _Section] = {}
    current: _Section | None = None
    in_fence = False
    for number, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line):
            in_fence = not in_fence
        if in_fence or _FENCE.match(line):
            if current is not None:
                current.body.append((number, line))
            continue
        stripped = line.strip()
        if title is None:
            if not stripped:
                continue
            if not stripped.startswith("# ") or not stripped[2:].strip():
                raise ScenarioError(f"line {number}", "a scenario starts with its title", "Make the first line '# <title>'.")
            title = stripped[2:].strip()
            continue
        if stripped.startswith("## "):
            name = " ".join(stripped[3:].split()).lower()
            if name not in SECTIONS:
                raise ScenarioError(f"line {number}", f"unknown section '## {stripped[3:].strip()}'",
                                    "Sections: ## Setup, ## Prompt, ## Expected Behavior, ## Criteria, ## Config.")
            if name in sections:
                raise ScenarioError(f"line {number}", f"'## {stripped[3:].strip()}' appears twice (first on line {sections[name].line})",
                                    "Merge the two sections into one.")
            current = sections[name] = _Section(name, number)
        elif stripped.startswith("# "):
            raise ScenarioError(f"line {number}", "a scenario has one '# ' title", "Make this heading a '## ' section or plain text.")
        elif current is not None:
            current.body.append((number, line))
        elif stripped:
            raise ScenarioError(f"line {number}", "text before the first section",
                                "Put it under '## Setup', '## Prompt' or '## Expected Behavior'.")
    if title is None:
        raise ScenarioError("line 1", "the scenario is empty", "Start with '# <title>', then the sections.")
    return title, sections


def _criteria(section: _Section | None, last_line: int) -> tuple[Criterion, ...]:
    if section is None or not any(text.strip() for _, text in section.body):
        where = f"line {section.line if section else last_line}"
        raise ScenarioError(where, "the scenario has no criteria",
                            "Add '## Criteria' with items like '- [D] <label>' + '  expect: <JMESPath>', or '- [P] <label>'.")
    items: list[tuple[int, str, str, list[str]]] = []  # (line, tag, text, expect lines)
    for number, line in section.body:
        if not line.strip():
            continue
        found = _CRITERION.match(line)
        if found:
            tag = found["tag"].upper()
            if tag not in ("D", "P"):
                raise ScenarioError(f"line {number}", f"[{found['tag']}] is not a criterion kind",
                                    "Use [D] for a deterministic check or [P] for a judged criterion.")
            if not found["text"].strip():
                raise ScenarioError(f"line {number}", "the criterion has no label", "Write what it checks after the tag.")
            items.append((number, tag, found["text"].strip(), []))
        elif items and line[:1].isspace():
            items[-1][3].append(line.strip())
        else:
            raise ScenarioError(f"line {number}", "a criterion is a list item starting with [D] or [P]",
                                "E.g. '- [D] One customer exists' then an indented 'expect: <JMESPath>' line.")
    return tuple(_criterion(*item) for item in items)


def _criterion(number: int, tag: str, text: str, continuation: list[str]) -> Criterion:
    expect_lines = [line for line in continuation if line.lower().startswith("expect:")]
    if tag == "P":
        if expect_lines:
            raise ScenarioError(f"line {number}", "a [P] criterion is judged and takes no 'expect:' expression",
                                "Make it [D] to evaluate the expression, or drop the 'expect:' line.")
        return Criterion(JUDGE, " ".join([text, *continuation]))
    if not expect_lines:
        raise ScenarioError(f"line {number}", "a [D] criterion needs an 'expect:' line with a JMESPath expression",
                            "Add an indented line under it, e.g. \"  expect: length(state.stripe.objects.customer) == `1`\".")
    start = continuation.index(expect_lines[0])
    label = " ".join([text, *continuation[:start]])
    expression = " ".join([expect_lines[0][len("expect:"):].strip(), *continuation[start + 1 :]])
    return Criterion(CHECK, label, compile_expectation(expression, f"line {number}"))


def _config_values(section: _Section) -> tuple[dict[str, Any], dict[str, int]]:
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for number, line in section.body:
        if not line.strip() or _FENCE.match(line):
            continue
        found = _CONFIG_LINE.match(line)
        if not found:
            raise ScenarioError(f"line {number}", "a config line is 'key: value'", f"Keys: {', '.join(CONFIG_KEYS)}.")
        key = found["key"].lower()
        if key in values:
            raise ScenarioError(f"line {number}", f"'{key}' is set twice (first on line {lines[key]})", "Keep one.")
        values[key] = _scalar(found["value"].strip())
        lines[key] = number
    return values, lines


def _scalar(value: str) -> Any:
    """'3' -> 3, '0.8' -> 0.8, '`python app.py`' -> 'python app.py', '[a, b]' -> 'a, b'."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "`'\"":
        return value[1:-1]
    if value.startswith("[") and value.endswith("]"):
        return ", ".join(part.strip().strip("'\"") for part in value[1:-1].split(","))
    for convert in (int, float):
        try:
            return convert(value)
        except ValueError:
            pass
    return value


def _prose(section: _Section | None) -> str:
    return "\n".join(text for _, text in section.body).strip() if section else ""


def _last_line(text: str) -> int:
    return max(1, len(text.splitlines()))
