"""Stored JSON: what a vendor's JSON body can carry is stored, even past orjson's range."""

from __future__ import annotations

import json

from mirra.sessions.store import json_text


def test_json_text_stores_integers_past_64_bits_and_keys_that_are_not_strings() -> None:
    assert json.loads(json_text({"n": 10**30})) == {"n": 10**30}
    assert json.loads(json_text({1: "one", "s": "é"})) == {"1": "one", "s": "é"}
