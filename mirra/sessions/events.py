"""The session's event log: every request, webhook, state change and lifecycle step, in order.

Events get increasing sequence numbers when they are appended, go at once to live subscribers
(the SSE stream), and are written to the session database in batches: while calls keep coming,
at most every `FLUSH_SECONDS`, once a call's answer has been written (`flush_if_due`); when they
stop, from a timer that the first unwritten event arms (`FLUSH_SECONDS` after the last event);
`flush` at shutdown and before every read. The vendor request that caused an event never waits
for it, and an idle server has no timer to run. A subscriber that reconnects with the last
sequence number it saw gets everything after it from `since`.
"""

from __future__ import annotations

import asyncio
import datetime
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    func,
    select,
)

from mirra import signals
from mirra.sessions.store import Prepared, SessionStore, json_text

TRAFFIC = "traffic.request_completed"
WEBHOOK = "webhook.dispatched"
STATE = "state.changed"
LIFECYCLE = "session.lifecycle"
GRADED = "evaluation.criterion_graded"
EVENT_TYPES = (TRAFFIC, WEBHOOK, STATE, LIFECYCLE, GRADED)

FLUSH_SECONDS = 0.05  # how long appended events may wait to be written while calls keep coming
SUBSCRIBER_BACKLOG = 10_000  # a slower subscriber is dropped and must resume from the log

metadata = MetaData()

events_table = Table(
    "mirra_events",
    metadata,
    Column("seq", Integer, primary_key=True),  # assigned by EventLog.append, increasing
    Column("type", String, nullable=False, index=True),  # one of EVENT_TYPES
    Column("mirror", String, nullable=True),  # the mirror it concerns, if any
    Column("at", Float, nullable=False),  # session clock
    Column("status", Integer, nullable=True),  # HTTP status of traffic and webhook events
    Column("data", Text, nullable=False),  # the payload's JSON
)


_INSERT = Prepared(events_table.insert().values({c.name: bindparam(c.name) for c in events_table.c}))


@dataclass(frozen=True)
class Event:
    seq: int
    type: str
    mirror: str | None
    at: float
    data: dict[str, Any]

    def payload(self) -> dict[str, Any]:
        """What the stream sends: the data plus `mirror` and an ISO-8601 `at`."""
        head: dict[str, Any] = {"mirror": self.mirror} if self.mirror else {}
        return {**head, **self.data, "at": iso_timestamp(self.at)}


class EventLog:
    """One session's events: append, subscribe, replay, and counts for the session's stats."""

    def __init__(self, store: SessionStore) -> None:
        self.store = store
        self.pending: list[Event] = []
        self.flushed_at = time.monotonic()
        self.appended_at = self.flushed_at
        self._timer: asyncio.TimerHandle | None = None
        # each live subscriber's queue, with the event types and mirrors it wants (empty: all)
        self.subscribers: dict[asyncio.Queue[Event | None], tuple[frozenset[str], frozenset[str]]] = {}
        with store.unit_of_work() as uow:
            last = uow.conn.execute(select(func.max(events_table.c.seq))).scalar()
            counts = dict(
                uow.conn.execute(
                    select(events_table.c.type, func.count()).group_by(events_table.c.type)
                ).all()
            )
            errors = uow.conn.execute(
                select(func.count()).where(events_table.c.type == TRAFFIC, events_table.c.status >= 400)
            ).scalar()
        self.next_seq = (last or 0) + 1
        self.requests = int(counts.get(TRAFFIC, 0))
        self.webhooks = int(counts.get(WEBHOOK, 0))
        self.errors = int(errors or 0)

    def append(self, event_type: str, mirror: str | None, at: float, data: dict[str, Any]) -> Event:
        event = Event(self.next_seq, event_type, mirror, at, data)
        self.next_seq += 1
        self.pending.append(event)
        self.appended_at = time.monotonic()
        if self._timer is None:
            self._arm_timer()
        self._count(event)
        for queue, (types, mirrors) in list(self.subscribers.items()):
            if (types and event_type not in types) or (mirrors and mirror not in mirrors):
                continue
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                del self.subscribers[queue]
                _end(queue)
        return event

    def flush(self) -> None:
        """Write pending events to the session database in one transaction (after the signals
        still held for answered requests have been turned into events)."""
        signals.send_held()
        self.flushed_at = time.monotonic()
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        rows = [
            {
                "seq": e.seq,
                "type": e.type,
                "mirror": e.mirror,
                "at": e.at,
                "status": e.data.get("status"),
                "data": json_text(e.data),
            }
            for e in batch
        ]
        with self.store.unit_of_work() as uow:
            uow.run_many(_INSERT, rows)

    def _arm_timer(self) -> None:
        """Outside an event loop (a script, a test) events wait for the next read or `close`."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._timer = loop.call_later(FLUSH_SECONDS, self._on_timer)

    def _on_timer(self) -> None:
        """Write what the last calls left once they have stopped; while they go on, their
        answers write the log (`flush_if_due`) and the timer only looks again later."""
        self._timer = None
        if not self.pending:
            return
        if time.monotonic() - self.appended_at >= FLUSH_SECONDS:
            self.flush()
        else:
            self._arm_timer()

    def flush_if_due(self) -> None:
        """Flush when events are waiting and the last flush is `FLUSH_SECONDS` old: one
        transaction for many calls' events, and none while a call is being answered."""
        if self.pending and time.monotonic() - self.flushed_at >= FLUSH_SECONDS:
            self.flush()

    def since(
        self, after: int, types: Iterable[str] = (), mirrors: Iterable[str] = (), limit: int = 1000
    ) -> list[Event]:
        """Events after sequence number `after`, oldest first, optionally filtered."""
        self.flush()
        query = select(events_table).where(events_table.c.seq > after)
        if types := list(types):
            query = query.where(events_table.c.type.in_(types))
        if mirrors := list(mirrors):
            query = query.where(events_table.c.mirror.in_(mirrors))
        with self.store.unit_of_work() as uow:
            rows = uow.conn.execute(query.order_by(events_table.c.seq).limit(limit)).all()
        return [Event(r.seq, r.type, r.mirror, r.at, orjson.loads(r.data)) for r in rows]

    def subscribe(self, types: Iterable[str] = (), mirrors: Iterable[str] = ()) -> asyncio.Queue[Event | None]:
        """A queue of the wanted events appended from now on; `None` means "fell behind, resume"."""
        queue: asyncio.Queue[Event | None] = asyncio.Queue(SUBSCRIBER_BACKLOG)
        self.subscribers[queue] = (frozenset(types), frozenset(mirrors))
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Event | None]) -> None:
        self.subscribers.pop(queue, None)

    def close(self) -> None:
        """Flush, and tell every subscriber the stream ended."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.flush()
        for queue in self.subscribers:
            _end(queue)
        self.subscribers.clear()

    def _count(self, event: Event) -> None:
        if event.type == TRAFFIC:
            self.requests += 1
            self.errors += int(event.data.get("status", 0) >= 400)
        elif event.type == WEBHOOK:
            self.webhooks += 1


def _end(queue: asyncio.Queue[Event | None]) -> None:
    """Wake the subscriber with the end marker, making room for it if the queue is full."""
    while True:
        try:
            queue.put_nowait(None)
            return
        except asyncio.QueueFull:
            queue.get_nowait()


def iso_timestamp(at: float) -> str:
    moment = datetime.datetime.fromtimestamp(at, datetime.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
