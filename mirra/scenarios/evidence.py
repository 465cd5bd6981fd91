"""What a run is graded on: one JSON document per run, the input of every `[D]` expression and of
the judge.

    state     {mirror: that mirror's state dump}    e.g. state.stripe.objects.customer (a kind
              with no objects is an empty list, so `length(...)` works on it)
    traffic   every vendor request the session answered (mirror, method, path, status, ...)
    webhooks  every webhook delivery attempt (mirror, type, url, status, attempt, ...)
    changes   every state change (mirror, entity, entityId, before, after)
    run       the command's outcome: exitCode, timedOut, durationMs, output (its tail)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jmespath
import jmespath.exceptions

from mirra.mirrors.catalog import MirrorCatalog
from mirra.sessions import events
from mirra.sessions.registry import Session

OUTPUT_TAIL_BYTES = 16_384
_PAGE = 1000


@dataclass(frozen=True)
class CommandOutcome:
    exit_code: int | None  # None when it was killed at the timeout
    timed_out: bool
    duration_ms: float
    output: str  # the tail of its stdout and stderr, interleaved

    def to_json(self) -> dict[str, Any]:
        return {
            "exitCode": self.exit_code,
            "timedOut": self.timed_out,
            "durationMs": round(self.duration_ms, 1),
            "output": self.output,
        }


def collect_evidence(session: Session, catalog: MirrorCatalog, outcome: CommandOutcome) -> dict[str, Any]:
    grouped: dict[str, list[dict[str, Any]]] = {events.TRAFFIC: [], events.WEBHOOK: [], events.STATE: []}
    after = 0
    while page := session.events.since(after, grouped, limit=_PAGE):
        for event in page:
            grouped[event.type].append(event.payload())
        after = page[-1].seq
    return {
        "state": {name: _with_empty_kinds(catalog.require(name).state(session)) for name in session.mirrors},
        "traffic": grouped[events.TRAFFIC],
        "webhooks": grouped[events.WEBHOOK],
        "changes": grouped[events.STATE],
        "run": outcome.to_json(),
    }


class ObjectKinds(dict[str, Any]):
    """A state dump's `objects`: JMESPath reads fields with `.get`, so an absent kind reads as []."""

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key, [] if default is None else default)


def _with_empty_kinds(state: dict[str, Any]) -> dict[str, Any]:
    if isinstance(state.get("objects"), dict):
        return {**state, "objects": ObjectKinds(state["objects"])}
    return state


def check(expression: str, evidence: dict[str, Any]) -> tuple[bool, str]:
    """(passed, what the expression gave): truthy in JMESPath's sense passes."""
    try:
        value = jmespath.search(expression, evidence)
    except jmespath.exceptions.JMESPathError as error:  # e.g. a type error at run time
        return False, f"the expression failed: {str(error).splitlines()[0]}"
    passed = not (value is None or value is False or (isinstance(value, str | list | dict) and not value))
    shown = repr(value)
    return passed, f"gave {shown if len(shown) <= 200 else shown[:197] + '...'}"
