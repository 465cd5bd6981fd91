"""The event log's writes: batched, never inside a call, and still made when calls stop."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from mirra.sessions import events
from mirra.sessions.events import TRAFFIC, EventLog
from mirra.sessions.store import SessionStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionStore]:
    store = SessionStore("s1", tmp_path / "s1.sqlite", [events.metadata])
    yield store
    store.close()


def written(store: SessionStore) -> int:
    """Events in the database file, read on a connection of its own (as a crash would leave it)."""
    with closing(sqlite3.connect(store.path)) as conn:
        return int(conn.execute("SELECT count(*) FROM mirra_events").fetchone()[0])


def test_events_of_the_last_calls_are_written_once_calls_stop(store: SessionStore) -> None:
    async def scenario() -> None:
        log = EventLog(store)
        for status in (200, 402):
            log.append(TRAFFIC, "stripe", time.time(), {"status": status})
        assert written(store) == 0  # batched: the calls did not wait for the write
        deadline = time.monotonic() + 10
        while written(store) < 2:
            assert time.monotonic() < deadline, "the log's timer never wrote the events"
            await asyncio.sleep(0.01)
        assert (log.requests, log.errors, log.pending) == (2, 1, [])

    asyncio.run(scenario())


def test_outside_an_event_loop_events_wait_for_a_read_or_close(store: SessionStore) -> None:
    log = EventLog(store)
    log.append(TRAFFIC, "stripe", time.time(), {"status": 200})
    assert written(store) == 0
    assert [event.data for event in log.since(0)] == [{"status": 200}]
    assert written(store) == 1
    log.append(TRAFFIC, "stripe", time.time(), {"status": 201})
    log.close()
    assert written(store) == 2
