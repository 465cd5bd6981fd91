"""Stripe test clocks (stripe.md §8): a frozen time of their own for the customers attached.

Advancing answers at once with `status: advancing`; a session job then runs every billing
timer of the clock due before the target, in due order and each at its own time, and ends with
`status: ready` (`test_helpers.test_clock.ready`). Other customers' objects do not move.
"""

from __future__ import annotations

from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.stripe import models, periods
from mirra.mirrors.stripe.backend.billing_cycle import BillingCycle
from mirra.mirrors.stripe.errors import InvalidRequest

CLOCK_JOB = "stripe.test_clock_advance"
LIFETIME = 7 * 86400  # deletes_after, as in Stripe's example
MAX_ADVANCE_WITHOUT_SUBSCRIPTIONS = ("year", 2)


class TestClocks(BillingCycle):
    def create_test_clock(self, params: dict[str, Any]) -> Document:
        now = self.session.clock.timestamp()
        clock = {
            "id": self.new_id("test_clock"),
            "object": "test_helpers.test_clock",
            "created": now,
            "deletes_after": now + LIFETIME,
            "frozen_time": params["frozen_time"],
            "livemode": False,
            "name": params.get("name"),
            "status": "ready",
            "status_details": {},
        }
        self.insert("test_clock", clock)
        if params.get("customer"):
            customer = self.require("customer", params["customer"], param="customer")
            self.replace("customer", {**customer, "test_clock": clock["id"]}, customer, lookup=customer["email"])
        return clock

    def retrieve_test_clock(self, clock_id: str) -> Document:
        return self.require("test_clock", clock_id)

    def list_test_clocks(self, params: dict[str, Any]) -> tuple[list[Document], bool]:
        return self.list_page("test_clock", params, [])

    def delete_test_clock(self, clock_id: str) -> Document:
        """The clock goes with everything attached to it (no separate events for those)."""
        clock = self.require("test_clock", clock_id)
        for customer in self._clock_customers(clock_id):
            for kind in ("subscription", "invoice", "invoiceitem"):
                for obj in self.documents.page(kind, limit=1000, where=[models.objects.c.lookup == customer["id"]])[0]:
                    self.cancel_timers(obj["id"])
                    self.documents.mark_deleted(kind, obj)
            self.documents.mark_deleted("customer", customer)
        self.remove("test_clock", clock)
        return {"id": clock_id, "object": "test_helpers.test_clock", "deleted": True}

    def advance_test_clock(self, clock_id: str, frozen_time: int) -> Document:
        before = self.require("test_clock", clock_id)
        if before["status"] == "advancing":
            raise InvalidRequest("The test clock is currently advancing. Wait for it to finish before advancing it "
                                 "again.", param="frozen_time")
        if frozen_time <= before["frozen_time"]:
            raise InvalidRequest("The frozen_time must be after the test clock's current frozen_time.", param="frozen_time")
        if frozen_time > self._advance_limit(before):
            raise InvalidRequest("Cannot advance the test clock more than two intervals of the shortest subscription "
                                 "attached to it (two years without subscriptions).", param="frozen_time")
        clock = {**before, "status": "advancing", "status_details": {"advancing": {"target_frozen_time": frozen_time}}}
        self.replace("test_clock", clock, before)
        self.session.jobs.schedule(self.uow, "stripe", CLOCK_JOB, self.session.clock.now(),
                                   {"clock": clock_id, "target": frozen_time})
        return clock

    def finish_advance(self, clock_id: str) -> None:
        before = self.require("test_clock", clock_id)
        target = before["status_details"]["advancing"]["target_frozen_time"]
        self.frozen_at = target
        self.replace("test_clock", {**before, "frozen_time": target, "status": "ready", "status_details": {}}, before)

    def clock_timer(self, clock_id: str) -> Document | None:
        """The next billing step the advancing clock still has to run."""
        clock = self.require("test_clock", clock_id)
        return self.next_timer(clock_id, clock["status_details"]["advancing"]["target_frozen_time"])

    def _advance_limit(self, clock: Document) -> int:
        shortest: tuple[int, str, int] | None = None
        for customer in self._clock_customers(clock["id"]):
            for subscription in self.documents.page("subscription", limit=1000,
                                                    where=[models.objects.c.lookup == customer["id"]])[0]:
                recurring = subscription["items"]["data"][0]["price"]["recurring"]
                span = periods.shift(0, recurring["interval"], recurring["interval_count"])
                if shortest is None or span < shortest[0]:
                    shortest = (span, recurring["interval"], recurring["interval_count"])
        interval, count = (shortest[1], shortest[2]) if shortest else MAX_ADVANCE_WITHOUT_SUBSCRIPTIONS
        return periods.shift(clock["frozen_time"], interval, 2 * count)

    def _clock_customers(self, clock_id: str) -> list[Document]:
        return [c for c in self.documents.of_kind("customer") if c["test_clock"] == clock_id]
