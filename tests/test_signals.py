"""Signals a vendor request sends wait for its answer, then go out in the order they were sent."""

from __future__ import annotations

from typing import Any

from mirra import signals


def changed(entity_id: str) -> None:
    signals.send_state_changed("s1", mirror="stripe", entity="customer", entity_id=entity_id, before=None, after={})


def test_held_signals_wait_for_send_held_and_never_overtake_one_sent_later() -> None:
    seen: list[str] = []

    def receiver(session_id: str, **fields: Any) -> None:
        seen.append(fields["entity_id"])

    signals.state_changed.connect(receiver, sender="s1")
    try:
        with signals.held():
            changed("cus_1")
            changed("cus_2")
            assert seen == []
        assert seen == []
        changed("cus_3")  # not held: what was held before it goes out first
        assert seen == ["cus_1", "cus_2", "cus_3"]
        with signals.held():
            changed("cus_4")
        signals.send_held()
        assert seen == ["cus_1", "cus_2", "cus_3", "cus_4"]
    finally:
        signals.state_changed.disconnect(receiver, sender="s1")
