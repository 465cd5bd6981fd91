"""The markdown form and the JSON form of a scenario are one model; malformed ones name the line."""

from __future__ import annotations

import pytest

from mirra.scenarios.markdown import parse_scenario
from mirra.scenarios.model import ScenarioError, scenario_from_json

SCENARIO = """
# Send a welcome email on signup

## Setup
A Resend account with the verified domain `acme.test`.

## Prompt
When alice@example.com signs up, send her a welcome email.

## Expected Behavior
One email from hello@acme.test to alice.

## Criteria
- [D] Exactly one email goes to alice
  expect: length(state.resend.objects.email[?contains(to, 'alice@example.com')]) == `1`
- [d] Nothing failed,
  counting every request
  expect: length(traffic[?status >= `400`])
    == `0`
- [P] Bounces are handled
  by retrying later

## Config
```yaml
mirrors: [resend, stripe]
fixture: resend:verified-domain
command: `python signup.py alice@example.com`
timeout: 30
runs: 3
parallel: 2
threshold: 0.75
```
"""


def test_markdown_parses_to_the_json_form() -> None:
    scenario = parse_scenario(SCENARIO)
    assert scenario.to_json() == {
        "title": "Send a welcome email on signup",
        "setup": "A Resend account with the verified domain `acme.test`.",
        "prompt": "When alice@example.com signs up, send her a welcome email.",
        "expectedBehavior": "One email from hello@acme.test to alice.",
        "criteria": [
            {"tag": "check", "text": "Exactly one email goes to alice",
             "expect": "length(state.resend.objects.email[?contains(to, 'alice@example.com')]) == `1`"},
            {"tag": "check", "text": "Nothing failed, counting every request",
             "expect": "length(traffic[?status >= `400`]) == `0`"},
            {"tag": "judge", "text": "Bounces are handled by retrying later"},
        ],
        "config": {"command": "python signup.py alice@example.com", "mirrors": ["resend", "stripe"],
                   "fixture": "resend:verified-domain", "timeout": 30, "runs": 3, "parallel": 2, "threshold": 0.75},
    }
    assert scenario_from_json(scenario.to_json()) == scenario


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ("", "line 1", "empty"),
        ("Hello\n# Title", "line 1", "starts with its title"),
        ("# T\n## Steps\n", "line 2", "unknown section '## Steps'"),
        ("# T\n## Criteria\n- [P] a\n## Criteria\n", "line 4", "appears twice (first on line 2)"),
        ("# T\n## Criteria\n- [D] no expression\n## Config\ncommand: x\nmirrors: stripe", "line 3", "needs an 'expect:' line"),
        ("# T\n## Criteria\n- [D] bad\n  expect: length(traffic[?status >= ])\n## Config\ncommand: x\nmirrors: stripe",
         "line 3", "not valid JMESPath"),
        ("# T\n## Criteria\n- [X] what\n", "line 3", "[X] is not a criterion kind"),
        ("# T\n## Criteria\nplain text\n", "line 3", "a criterion is a list item"),
        ("# T\n## Criteria\n- [P] a\n  expect: `1`\n", "line 3", "takes no 'expect:'"),
        ("# T\n## Prompt\nhi\n", "line 3", "no criteria"),
        ("# T\n## Criteria\n- [P] a\n", "line 3", "no '## Config'"),
        ("# T\n## Criteria\n- [P] a\n## Config\nmirrors: stripe\n", "line 4", "needs the command"),
        ("# T\n## Criteria\n- [P] a\n## Config\ncommand: x\nmirrors: stripe\nruns: many\n", "line 7", "'runs' must be a whole number"),
        ("# T\n## Criteria\n- [P] a\n## Config\ncommand: x\nmirrors: stripe\nthreshold: 2\n", "line 7", "from 0 to 1"),
        ("# T\n## Criteria\n- [P] a\n## Config\ncommand: x\nmirror: stripe\n", "line 6", "'mirror' is not a config key"),
        ("# T\n## Criteria\n- [P] a\n## Config\ncommand: x\nmirrors: stripe\nfixture: customers\n", "line 7", "is not <mirror>:<seed>"),
        ("# T\n## Criteria\n- [P] a\n## Config\ncommand: x\ncommand: y\n", "line 6", "set twice"),
        ("# T\n## Criteria\n- [P] a\n## Config\njust words\n", "line 5", "'key: value'"),
    ],
)
def test_a_malformed_scenario_names_the_line_and_the_fix(text: str, where: str, fragment: str) -> None:
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(text)
    assert raised.value.message.startswith(f"{where}: "), raised.value.message
    assert fragment in raised.value.message
    assert raised.value.hint


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"title": "T", "criteria": []}, "scenario.criteria: must be a non-empty list"),
        ({"title": "T", "criteria": [{"tag": "maybe", "text": "x"}]}, "scenario.criteria[0]: needs \"tag\""),
        ({"title": "T", "criteria": [{"tag": "check", "text": "x"}]}, "needs an 'expect' JMESPath expression"),
        ({"title": "T", "criteria": [{"tag": "judge", "text": "x"}], "config": {"mirrors": ["stripe"]}},
         "scenario.config.command"),
        ({"title": "T", "criteria": [{"tag": "judge", "text": "x"}], "config": {"command": "x", "mirrors": ["stripe"], "runs": 0}},
         "scenario.config.runs: 'runs' must be a whole number from 1 to 50"),
    ],
)
def test_a_malformed_json_scenario_names_the_field(body: dict[str, object], fragment: str) -> None:
    with pytest.raises(ScenarioError) as raised:
        scenario_from_json(body)
    assert fragment in raised.value.message
