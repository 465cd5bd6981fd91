"""Billing timers: the time-driven steps of billing (renewals, finalization, retries, expiries).

A timer is a private document `{action, target, due, clock}`. On the session clock (`clock`
null) a session job fires it at `due`; on a Stripe test clock it waits until that clock is
advanced past `due`. Either way `run_timer` performs the step *at* `due`: objects and events it
makes carry that time, as if no time had been skipped. Removing a timer (a canceled
subscription's renewal, a paid invoice's retry) is how a pending step is called off.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, select

from mirra.mirrors.documents import Document
from mirra.mirrors.stripe import models
from mirra.mirrors.stripe.backend.base import BackendBase

TIMER_JOB = "stripe.billing_timer"
TIMER_ACTIONS: dict[str, Callable[[Any, str], None]] = {}  # action -> backend method run on the target


def timer_action(name: str) -> Callable[[Callable[[Any, str], None]], Callable[[Any, str], None]]:
    def register(method: Callable[[Any, str], None]) -> Callable[[Any, str], None]:
        TIMER_ACTIONS[name] = method
        return method

    return register


class Timers(BackendBase):
    def schedule_timer(self, action: str, target: str, due: int, clock: str | None) -> None:
        timer = {"id": self.new_id("billing_timer"), "object": "billing_timer", "action": action,
                 "clock": clock, "created": due, "due": due, "target": target}  # `created`: the indexed due time
        self.documents.insert("billing_timer", timer, parent=target, lookup=clock or "session")
        if clock is None:
            self.session.jobs.schedule(self.uow, "stripe", TIMER_JOB, due, {"timer": timer["id"]})

    def cancel_timers(self, target: str, *actions: str) -> None:
        for timer in self._timers(models.objects.c.parent == target):
            if not actions or timer["action"] in actions:
                self.documents.mark_deleted("billing_timer", timer)

    def has_timer(self, target: str, action: str) -> bool:
        return any(timer["action"] == action for timer in self._timers(models.objects.c.parent == target))

    def next_timer(self, clock: str, until: int) -> Document | None:
        """The earliest step a test clock has to run before reaching `until` (ties in scheduling order)."""
        table = models.objects
        data = self.uow.conn.execute(
            select(table.c.data)
            .where(table.c.kind == "billing_timer", table.c.deleted.is_(False), table.c.lookup == clock,
                   table.c.created <= until)
            .order_by(table.c.created, table.c.seq)
            .limit(1)
        ).scalar()
        return None if data is None else json.loads(data)  # type: ignore[no-any-return]

    def run_timer(self, timer: Document) -> None:
        self.documents.mark_deleted("billing_timer", timer)
        self.frozen_at = timer["due"]
        TIMER_ACTIONS[timer["action"]](self, timer["target"])

    def enter_clock(self, obj: Document) -> None:
        """Work on a test clock's object (its customer, subscription, invoice) happens at the clock's time."""
        if obj.get("test_clock") and self.frozen_at is None:
            clock = self.documents.get("test_clock", obj["test_clock"])
            if clock is not None:
                self.frozen_at = clock["frozen_time"]

    def _timers(self, condition: Any) -> list[Document]:
        table = models.objects
        rows = self.uow.conn.execute(
            select(table.c.data)
            .where(and_(table.c.kind == "billing_timer", table.c.deleted.is_(False), condition))
            .order_by(table.c.seq)
        ).scalars()
        return [json.loads(data) for data in rows]
