"""Signals a vendor request sends wait for its answer to leave, then go out in order."""

from __future__ import annotations

from typing import Any

from mirra import signals


def test_held_signals_go_out_in_order_only_when_released() -> None:
    seen: list[tuple[str, str]] = []

    def receiver(session_id: str, **fields: Any) -> None:
        seen.append((session_id, fields["entity_id"]))

    signals.state_changed.connect(receiver, sender="s1")
    try:
        with signals.held() as release:
            for entity_id in ("cus_1", "cus_2"):
                signals.send_state_changed(
                    "s1", mirror="stripe", entity="customer", entity_id=entity_id, before=None, after={}
                )
            assert seen == []
        signals.send_state_changed("s1", mirror="stripe", entity="customer", entity_id="cus_3", before=None, after={})
        assert seen == [("s1", "cus_3")]  # outside the block: at once
        release()
        assert seen == [("s1", "cus_3"), ("s1", "cus_1"), ("s1", "cus_2")]
    finally:
        signals.state_changed.disconnect(receiver, sender="s1")
