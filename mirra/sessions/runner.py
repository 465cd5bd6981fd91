"""Runs due jobs for every session: wakes when a job is scheduled, when the next one falls due,
or at least once a second."""

from __future__ import annotations

import asyncio
import logging
import time

from mirra.sessions.jobs import HANDLERS
from mirra.sessions.registry import Session, SessionRegistry

log = logging.getLogger(__name__)

MAX_IDLE_SECONDS = 1.0
# A job scheduled by a vendor request (its webhook's delivery) waits this long before the runner
# looks: mitmproxy writes the request's answer two loop turns after the hook that made it (its
# `server_event` lock changes hands once per hook), and a delivery started sooner holds that
# answer back by its own work (~1 ms of httpx).
WAKE_DELAY_SECONDS = 0.001


class JobRunner:
    def __init__(self, registry: SessionRegistry) -> None:
        self.registry = registry
        self.wake = asyncio.Event()
        self._session_locks: dict[str, asyncio.Lock] = {}

    def notify(self) -> None:
        """A job was scheduled or the clock moved: look again once the answer of the request that
        did it has been written (a delivery started sooner holds it back by ~1 ms of httpx)."""
        asyncio.get_running_loop().call_later(WAKE_DELAY_SECONDS, self.wake.set)

    async def run_forever(self) -> None:
        while True:
            self.wake.clear()
            for session_id in self.registry.with_due_jobs(time.time()):
                session = self.registry.get(session_id)
                if session is None:
                    continue
                try:
                    await self.run_session(session)
                except Exception:  # e.g. the session ended mid-run: the other sessions' jobs must go on
                    log.exception("running the jobs of session %s failed", session_id)
            next_wall = self.registry.next_job_wall()
            timeout = MAX_IDLE_SECONDS if next_wall is None else next_wall - time.time()
            try:
                await asyncio.wait_for(self.wake.wait(), max(0.0, min(timeout, MAX_IDLE_SECONDS)))
            except TimeoutError:
                pass

    async def run_session(self, session: Session) -> int:
        """Run `session`'s due jobs in due order; returns how many ran."""
        lock = self._session_locks.setdefault(session.id, asyncio.Lock())
        ran = 0
        async with lock:
            while (job := session.jobs.first_due(session.clock.now())) is not None:
                handler = HANDLERS.get(job.kind)
                try:
                    if handler is None:
                        log.error("no handler for job kind %r; dropping job %s", job.kind, job.id)
                    else:
                        await handler(session, job)
                except Exception:  # one broken job must not stall the session's queue
                    log.exception("job %s (%s) of session %s failed", job.id, job.kind, session.id)
                session.jobs.complete(job)
                ran += 1
            self.registry.note_next_job(session)
        return ran
