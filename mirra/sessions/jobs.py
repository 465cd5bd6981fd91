"""Scheduled jobs: a vendor's delays on the session clock (deliver later, retry a webhook).

Jobs live in the session database, so a restart keeps every pending one; the runtime's
`JobRunner` runs each session's due jobs in due order. A job is removed only after its handler
finished, so a crash in between runs it again after the restart (at least once, as vendors
deliver webhooks).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    delete,
    func,
    select,
)

from mirra.sessions.store import Prepared, SessionStore, UnitOfWork

if TYPE_CHECKING:
    from mirra.sessions.registry import Session

metadata = MetaData()

jobs_table = Table(
    "mirra_jobs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mirror", String, nullable=False),  # whose job (reset and restore are per mirror)
    Column("kind", String, nullable=False),  # a key of HANDLERS
    Column("due_at", Float, nullable=False, index=True),  # session clock
    Column("data", Text, nullable=False),  # the handler's arguments, JSON
)


# built once: a webhook's delivery schedules a job inside the request that caused it
_INSERT = Prepared(jobs_table.insert().values({name: bindparam(name) for name in ("mirror", "kind", "due_at", "data")}))


@dataclass(frozen=True)
class Job:
    id: int
    mirror: str
    kind: str
    due_at: float
    data: dict[str, Any]


JobHandler = Callable[["Session", Job], Awaitable[None]]

HANDLERS: dict[str, JobHandler] = {}


def job_handler(kind: str) -> Callable[[JobHandler], JobHandler]:
    """Register the coroutine that runs jobs of `kind`."""

    def register(handler: JobHandler) -> JobHandler:
        HANDLERS[kind] = handler
        return handler

    return register


class JobQueue:
    """One session's jobs. `on_scheduled(due_at)` runs after the scheduling commit, to wake the runner."""

    def __init__(self, store: SessionStore, on_scheduled: Callable[[float], None]) -> None:
        self.store = store
        self.on_scheduled = on_scheduled

    def schedule(self, uow: UnitOfWork, mirror: str, kind: str, due_at: float, data: dict[str, Any]) -> None:
        uow.run(_INSERT, {"mirror": mirror, "kind": kind, "due_at": due_at, "data": json.dumps(data)})
        uow.after_commit(lambda: self.on_scheduled(due_at))

    def next_due(self) -> float | None:
        with self.store.unit_of_work() as uow:
            return uow.conn.execute(select(func.min(jobs_table.c.due_at))).scalar()  # type: ignore[no-any-return]

    def first_due(self, now: float) -> Job | None:
        with self.store.unit_of_work() as uow:
            row = uow.conn.execute(
                select(jobs_table)
                .where(jobs_table.c.due_at <= now)
                .order_by(jobs_table.c.due_at, jobs_table.c.id)
                .limit(1)
            ).first()
        if row is None:
            return None
        return Job(row.id, row.mirror, row.kind, row.due_at, json.loads(row.data))

    def complete(self, job: Job) -> None:
        with self.store.unit_of_work() as uow:
            uow.conn.execute(delete(jobs_table).where(jobs_table.c.id == job.id))
