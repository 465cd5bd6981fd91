"""The Stripe mirror's session jobs: billing timers on the session clock, and test clock advances."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from mirra.mirrors.stripe.backend import StripeBackend
from mirra.mirrors.stripe.backend.test_clocks import CLOCK_JOB
from mirra.mirrors.stripe.backend.timers import TIMER_JOB
from mirra.sessions.jobs import Job, job_handler

if TYPE_CHECKING:
    from mirra.sessions.registry import Session

log = logging.getLogger(__name__)


@job_handler(TIMER_JOB)
async def run_billing_timer(session: Session, job: Job) -> None:
    with session.store.unit_of_work() as uow:
        backend = StripeBackend(session, uow)
        timer = backend.documents.get("billing_timer", job.data["timer"])
        if timer is not None:
            backend.run_timer(timer)


@job_handler(CLOCK_JOB)
async def advance_test_clock(session: Session, job: Job) -> None:
    """Every step the skipped time holds, one unit of work each, then `ready`."""
    clock_id = job.data["clock"]
    while True:
        with session.store.unit_of_work() as uow:
            backend = StripeBackend(session, uow)
            if backend.documents.get("test_clock", clock_id) is None:
                return
            timer = backend.clock_timer(clock_id)
            if timer is None:
                backend.finish_advance(clock_id)
                return
        try:
            with session.store.unit_of_work() as uow:
                StripeBackend(session, uow).run_timer(timer)
        except Exception:  # a broken step must not stop the clock: drop it and go on
            log.exception("test clock %s: billing step %s failed", clock_id, timer["action"])
            with session.store.unit_of_work() as uow:
                StripeBackend(session, uow).documents.mark_deleted("billing_timer", timer)
