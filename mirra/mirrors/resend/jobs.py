"""The Resend mirror's delayed work on the session clock: sends, outcomes, verifications."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from mirra.mirrors.resend.backend import ResendBackend
from mirra.mirrors.resend.backend.broadcasts import SEND_JOB as BROADCAST_SEND_JOB
from mirra.mirrors.resend.backend.domains import VERIFY_JOB
from mirra.mirrors.resend.backend.emails import SEND_JOB
from mirra.mirrors.resend.backend.lifecycle import COMPLAINT_JOB, OUTCOME_JOB
from mirra.sessions.jobs import Job, job_handler

if TYPE_CHECKING:
    from mirra.sessions.registry import Session


def _in_backend(session: Session, job: Job, step: Callable[[ResendBackend], None]) -> None:
    with session.store.unit_of_work() as uow:
        step(ResendBackend(session, uow, at=job.due_at))


@job_handler(SEND_JOB)
async def send_email(session: Session, job: Job) -> None:
    _in_backend(session, job, lambda backend: backend.send_due(job.data["email"], job.data["scheduled_at"]))


@job_handler(OUTCOME_JOB)
async def reach_outcomes(session: Session, job: Job) -> None:
    _in_backend(session, job, lambda backend: backend.reach_outcomes(job.data["email"]))


@job_handler(COMPLAINT_JOB)
async def complain(session: Session, job: Job) -> None:
    _in_backend(session, job, lambda backend: backend.complain(job.data["email"], job.data["recipients"]))


@job_handler(VERIFY_JOB)
async def verify_domain(session: Session, job: Job) -> None:
    _in_backend(session, job, lambda backend: backend.finish_verification(job.data["domain"]))


@job_handler(BROADCAST_SEND_JOB)
async def send_broadcast(session: Session, job: Job) -> None:
    _in_backend(session, job, lambda backend: backend.deliver_broadcast(job.data["broadcast"], job.data["scheduled_at"]))
