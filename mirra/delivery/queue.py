"""Deliveries: one row per (event, endpoint), attempted by `delivery.attempt` jobs.

An attempt POSTs the payload with the headers the vendor's signer makes at that moment (Stripe
signs each attempt with its own timestamp), records the outcome in the delivery's attempt log,
and on failure schedules the next attempt after the vendor's next retry delay (session clock), or
gives up when the schedule is spent. Each attempt is announced with `webhook_dispatched`.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy import (
    Column,
    Float,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    select,
    update,
)

from mirra import signals
from mirra.sessions.jobs import Job, job_handler
from mirra.sessions.store import Prepared, UnitOfWork

if TYPE_CHECKING:
    from mirra.sessions.registry import Session

log = logging.getLogger(__name__)

ATTEMPT_JOB = "delivery.attempt"
TIMEOUT_SECONDS = 10.0

Signer = Callable[[bytes, str, int], tuple[dict[str, str], str]]
# mirror name -> signer(payload, secret, unix time) -> (request headers, the signature header's value)
SIGNERS: dict[str, Signer] = {}
RowSigner = Callable[[dict[str, Any], int], tuple[dict[str, str], str]]
# mirror name -> signer(delivery row, unix time): for vendors whose signature covers more than the
# payload (Twilio signs the URL too, and repeats the event id as an idempotency token)
ROW_SIGNERS: dict[str, RowSigner] = {}
# mirror name -> (session -> seconds to wait after the 1st, 2nd, ... failed attempt)
RETRY_SCHEDULES: dict[str, Callable[[Session], tuple[float, ...]]] = {}
# mirror name -> called in the unit of work that marks a delivery succeeded (e.g. pending_webhooks),
# with the delivery row plus the receiver's answer as "response_body" (Twilio acts on TwiML replies)
ON_DELIVERED: dict[str, Callable[[Session, UnitOfWork, dict[str, Any]], None]] = {}

metadata = MetaData()

deliveries_table = Table(
    "mirra_deliveries",
    metadata,
    Column("id", String, primary_key=True),  # dlv_…
    Column("mirror", String, nullable=False),
    Column("endpoint_id", String, nullable=False),  # the vendor's endpoint id (we_…)
    Column("url", String, nullable=False),
    Column("secret", String, nullable=False),  # the endpoint's signing secret
    Column("event_id", String, nullable=False),
    Column("event_type", String, nullable=False),
    Column("object_id", String, nullable=True),  # what the event is about
    Column("payload", LargeBinary, nullable=False),  # the exact bytes signed and sent
    Column("status", String, nullable=False),  # pending | succeeded | failed
    Column("created_at", Float, nullable=False),  # session clock
    Column("attempts", Text, nullable=False),  # JSON list: {attempt, at, status, error, durationMs}
)


# built once: every event with an endpoint enqueues its delivery inside the request that caused it
_INSERT = Prepared(deliveries_table.insert().values({column.name: bindparam(column.name) for column in deliveries_table.c}))

_CLIENT: list[httpx.AsyncClient] = []


def _client() -> httpx.AsyncClient:
    """One client for every delivery: building one (its TLS context) blocks the loop for ~16 ms."""
    if not _CLIENT:
        _CLIENT.append(httpx.AsyncClient(trust_env=False, timeout=TIMEOUT_SECONDS))
    return _CLIENT[0]


async def close_client() -> None:
    """At shutdown: close the shared client's connections."""
    while _CLIENT:
        await _CLIENT.pop().aclose()


def enqueue(
    session: Session,
    uow: UnitOfWork,
    *,
    mirror: str,
    endpoint_id: str,
    url: str,
    secret: str,
    event_id: str,
    event_type: str,
    object_id: str | None,
    payload: bytes,
) -> str:
    delivery_id = session.ids.new("dlv_", 24)
    uow.run(
        _INSERT,
        {
            "id": delivery_id,
            "mirror": mirror,
            "endpoint_id": endpoint_id,
            "url": url,
            "secret": secret,
            "event_id": event_id,
            "event_type": event_type,
            "object_id": object_id,
            "payload": payload,
            "status": "pending",
            "created_at": session.clock.now(),
            "attempts": "[]",
        },
    )
    session.jobs.schedule(uow, mirror, ATTEMPT_JOB, session.clock.now(), {"delivery": delivery_id})
    return delivery_id


def deliveries(session: Session, mirror: str) -> list[dict[str, Any]]:
    """The delivery log of one mirror, oldest first (payloads left out)."""
    with session.store.unit_of_work() as uow:
        rows = uow.conn.execute(
            select(deliveries_table).where(deliveries_table.c.mirror == mirror).order_by(deliveries_table.c.created_at)
        ).all()
    return [
        {
            "id": row.id,
            "endpoint": row.endpoint_id,
            "url": row.url,
            "eventId": row.event_id,
            "eventType": row.event_type,
            "status": row.status,
            "attempts": json.loads(row.attempts),
        }
        for row in rows
    ]


@job_handler(ATTEMPT_JOB)
async def attempt_delivery(session: Session, job: Job) -> None:
    with session.store.unit_of_work() as uow:
        row = uow.conn.execute(select(deliveries_table).where(deliveries_table.c.id == job.data["delivery"])).first()
    if row is None or row.status != "pending":
        return
    attempts = json.loads(row.attempts)
    number = len(attempts) + 1
    sent_at = int(time.time())
    row_signer = ROW_SIGNERS.get(row.mirror)
    if row_signer is not None:
        headers, signature = row_signer(row._asdict(), sent_at)
    else:
        headers, signature = SIGNERS[row.mirror](row.payload, row.secret, sent_at)
    status, error, started, answer = None, None, time.perf_counter(), b""
    try:
        response = await _client().post(row.url, content=row.payload, headers=headers)
        status, answer = response.status_code, response.content
    except httpx.HTTPError as failure:
        error = f"{type(failure).__name__}: {failure}".rstrip(": ")
    delivered = status is not None and 200 <= status < 300
    attempts.append(
        {
            "attempt": number,
            "at": sent_at,
            "status": status,
            "error": error,
            "durationMs": round((time.perf_counter() - started) * 1000, 3),
        }
    )
    schedule = RETRY_SCHEDULES[row.mirror](session)
    outcome = "succeeded" if delivered else "pending" if number <= len(schedule) else "failed"
    with session.store.unit_of_work() as uow:
        uow.conn.execute(
            update(deliveries_table)
            .where(deliveries_table.c.id == row.id)
            .values(status=outcome, attempts=json.dumps(attempts))
        )
        if outcome == "pending":
            due = session.clock.now() + schedule[number - 1]
            session.jobs.schedule(uow, row.mirror, ATTEMPT_JOB, due, {"delivery": row.id})
        if delivered and row.mirror in ON_DELIVERED:
            ON_DELIVERED[row.mirror](session, uow, {**row._asdict(), "response_body": answer})
    signals.send_webhook_dispatched(
        session.id,
        mirror=row.mirror,
        type=row.event_type,
        url=row.url,
        status=status,
        attempt=number,
        signature=signature,
        delivery_id=row.id,
        object_id=row.object_id,
    )
