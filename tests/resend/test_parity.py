"""Parity with live Resend: replay the recorded exchanges of ../shared/vendors/resend/recordings.txt
(resend-node's HAR fixtures) against the mirror through the proxy, and compare status, content
type, rate-limit headers and body shape (error bodies byte for byte).

Each recorded test case runs on a freshly reset mirror; ids the recording's responses returned
are mapped to the ids the mirror returned, so later requests refer to the mirror's own objects.
Every case needs only the state it builds itself.
"""

from __future__ import annotations

import ast
import json
import re
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from mirra.testing.server import MirraProcess
from tests.resend.conftest import API_KEY, ResendMirror

RECORDINGS = Path(__file__).resolve().parents[3] / "shared" / "vendors" / "resend" / "recordings.txt"
_REQUEST = re.compile(r"^ > (?P<method>[A-Z]+) https://api\.resend\.com(?P<path>\S*) \| req-hdrs: (?P<headers>\{.*\}) \| body: (?P<body>.*)$")
_RESPONSE = re.compile(r"^ < (?P<status>\d{3}) [^{]*(?P<headers>\{.*\})$")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Keys live Resend added after some recordings were made: older recordings lack them (resend-node
# 6.3 fixtures have no contact `properties`; 6.5 fixtures of the same call do).
NEWER_KEYS = frozenset({"properties"})
RATE_LIMIT_HEADERS = ("ratelimit-limit", "ratelimit-policy", "ratelimit-remaining", "ratelimit-reset")


@dataclass
class Exchange:
    method: str
    path: str
    headers: dict[str, str]
    body: str | None
    status: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: Any = None


def recorded_cases() -> list[tuple[str, list[Exchange]]]:
    if not RECORDINGS.exists():
        return []
    cases: list[tuple[str, list[Exchange]]] = []
    for line in RECORDINGS.read_text().splitlines():
        if line.startswith("##### "):
            cases.append((line[6:].strip(), []))
        elif found := _REQUEST.match(line):
            body = found.group("body")
            cases[-1][1].append(Exchange(found.group("method"), found.group("path"),
                                         ast.literal_eval(found.group("headers")), None if body == "None" else body))
        elif found := _RESPONSE.match(line):
            cases[-1][1][-1].status = int(found.group("status"))
            cases[-1][1][-1].response_headers = ast.literal_eval(found.group("headers"))
        elif line.startswith("    ") and line.strip():
            cases[-1][1][-1].response_body = json.loads(line)
    return cases


def shape(value: Any) -> Any:
    """Keys and JSON types, recursively; a list by its first element."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return "null" if value is None else type(value).__name__


def same_shape(recorded: Any, mirrored: Any) -> bool:
    """Lists compare by element shape only when both have elements (counts depend on the account)."""
    if isinstance(recorded, dict) and isinstance(mirrored, dict):
        return recorded.keys() == mirrored.keys() - (NEWER_KEYS - recorded.keys()) and all(
            same_shape(recorded[k], mirrored[k]) for k in recorded
        )
    if isinstance(recorded, list) and isinstance(mirrored, list):
        return not recorded or not mirrored or same_shape(recorded[0], mirrored[0])
    return recorded == mirrored or "null" in (recorded, mirrored)


def mapped(text: str, ids: dict[str, str]) -> str:
    """`text` with the recording's ids replaced by the mirror's (unknown ids stay as recorded)."""
    return _UUID.sub(lambda found: ids.get(found.group(0), found.group(0)), text)


CASES = recorded_cases()


@pytest.fixture(scope="module")
def proxied(mirra: MirraProcess) -> Any:
    trust = ssl.create_default_context(cafile=str(mirra.ca_bundle))
    return lambda session: httpx.Client(proxy=session["proxyUrl"], verify=trust, timeout=30, trust_env=False,
                                        base_url="https://api.resend.com")


@pytest.mark.skipif(not CASES, reason=f"{RECORDINGS} is absent (the shared reference folder is not checked out)")
def test_recorded_exchanges_match(resend_mirror: ResendMirror, proxied: Any) -> None:
    mismatches: list[str] = []
    with proxied(resend_mirror.session) as client:
        for name, exchanges in CASES:
            assert resend_mirror.admin.post("/_mirra/state/reset", json={}).status_code == 200
            resend_mirror.settings(rateLimitPerSecond=1000)
            ids: dict[str, str] = {}
            for exchange in exchanges:
                response = client.request(
                    exchange.method, mapped(exchange.path, ids),
                    headers={**exchange.headers, "authorization": f"Bearer {API_KEY}"},
                    content=mapped(exchange.body, ids).encode() if exchange.body is not None else None,
                )
                body = response.json()
                recorded_ids = _UUID.findall(json.dumps(exchange.response_body))
                mirrored_ids = _UUID.findall(json.dumps(body))
                ids.update({r: m for r, m in zip(recorded_ids, mirrored_ids, strict=False) if r not in ids})
                where = f"{name}: {exchange.method} {exchange.path}"
                if response.status_code != exchange.status:
                    mismatches.append(f"{where}: status {response.status_code} != {exchange.status} ({body})")
                    continue
                if response.headers["content-type"] != exchange.response_headers["content-type"]:
                    mismatches.append(f"{where}: content-type {response.headers['content-type']}")
                if not all(header in response.headers for header in RATE_LIMIT_HEADERS):
                    mismatches.append(f"{where}: rate-limit headers missing")
                if exchange.status >= 400:
                    if body != exchange.response_body:
                        mismatches.append(f"{where}: error {body} != {exchange.response_body}")
                elif not same_shape(shape(exchange.response_body), shape(body)):
                    mismatches.append(f"{where}: shape {shape(body)} != {shape(exchange.response_body)}")
    assert not mismatches, "\n".join(mismatches)
    assert sum(len(exchanges) for _, exchanges in CASES) > 150
