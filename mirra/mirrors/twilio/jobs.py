"""The mirror's jobs on the session clock: a message's or a call's next status."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from mirra.mirrors.twilio import calls, messages
from mirra.mirrors.twilio.context import Store
from mirra.mirrors.twilio.errors import TwilioError
from mirra.sessions.jobs import Job, job_handler

if TYPE_CHECKING:
    from mirra.sessions.registry import Session

log = logging.getLogger(__name__)


@job_handler(messages.ADVANCE_JOB)
async def advance_message(session: Session, job: Job) -> None:
    _advance(session, job, lambda store: messages.advance(store, job.data["message"]))


@job_handler(calls.ADVANCE_JOB)
async def advance_call(session: Session, job: Job) -> None:
    _advance(session, job, lambda store: calls.advance(store, job.data["call"]))


def _advance(session: Session, job: Job, step: Callable[[Store], None]) -> None:
    """Run `step` at the job's due time."""
    try:
        with session.store.unit_of_work() as uow:
            step(Store(session, uow, at=job.due_at))
    except TwilioError as error:  # e.g. the app canceled it meanwhile: nothing left to do
        log.info("twilio job skipped: %s", error.message)
