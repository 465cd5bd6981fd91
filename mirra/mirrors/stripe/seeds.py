"""Stripe seeds: `fixtures/<name>.json`, a list of API calls run through the mirror itself.

Each step is `{"method", "path", "params", "as"?}`; `"${name.field}"` in a later step's path or
params is replaced by that field of the object an earlier step saved `as` name. Seeds therefore
make objects exactly as the API would, events included.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mirra.mirrors.http import MirrorRequest
from mirra.mirrors.stripe import forms

if TYPE_CHECKING:
    from mirra.sessions.registry import Session

FIXTURES = Path(__file__).parent / "fixtures"
SEED_API_KEY = "sk_test_mirra_seed"
_REFERENCE = re.compile(r"\$\{(\w+)\.(\w+)\}")


def seed_names() -> list[str]:
    return sorted(path.stem for path in FIXTURES.glob("*.json"))


def load_seed(session: Session, name: str) -> None:
    from mirra.mirrors.stripe.pipeline import (
        handle,  # the pipeline imports this package
    )

    saved: dict[str, dict[str, Any]] = {}
    for step in json.loads((FIXTURES / f"{name}.json").read_text()):
        path = _resolve(step["path"], saved)
        params = json.loads(_resolve(json.dumps(step.get("params", {})), saved))
        encoded = forms.encode(params)
        query, body = (encoded, "") if step["method"] in ("GET", "DELETE") else ("", encoded)
        request = MirrorRequest(
            method=step["method"],
            host="api.stripe.com",
            path=path,
            query=query,
            headers={"authorization": f"Bearer {SEED_API_KEY}"},
            body=body.encode(),
        )
        response = handle(session, request)
        result = json.loads(response.body)
        if response.status != 200:
            raise RuntimeError(f"seed {name!r} step {step} failed: {result}")
        if "as" in step:
            saved[step["as"]] = result


def _resolve(text: str, saved: dict[str, dict[str, Any]]) -> str:
    return _REFERENCE.sub(lambda m: str(saved[m.group(1)][m.group(2)]), text)
