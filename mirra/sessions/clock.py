"""The session clock: wall time plus an offset the session can advance.

Mirror code reads time only from here, so advancing a session moves every `created`, expiry and
schedule of that session and of no other. The offset is persisted in the session database and
cached in memory: this process is the database's only writer.
"""

from __future__ import annotations

import time

from sqlalchemy import Column, Float, Integer, MetaData, Table, select, update

from mirra.sessions.store import SessionStore, UnitOfWork

metadata = MetaData()

clock_table = Table(
    "session_clock",
    metadata,
    Column("id", Integer, primary_key=True),  # always 1: one clock per session database
    Column("offset_seconds", Float, nullable=False),  # added to wall time
)


class Clock:
    """One session's time."""

    def __init__(self, store: SessionStore) -> None:
        with store.unit_of_work() as uow:
            offset = uow.conn.execute(select(clock_table.c.offset_seconds)).scalar()
            if offset is None:
                uow.conn.execute(clock_table.insert().values(id=1, offset_seconds=0.0))
        self._offset = float(offset or 0.0)

    @property
    def offset(self) -> float:
        """Seconds this session's time is ahead of wall time."""
        return self._offset

    def now(self) -> float:
        return time.time() + self._offset

    def now_year(self) -> int:
        return time.gmtime(self.now()).tm_year

    def timestamp(self) -> int:
        """Unix seconds, as vendors put in `created` fields."""
        return int(self.now())

    def advance(self, uow: UnitOfWork, seconds: float) -> None:
        """Move time forward; takes effect when `uow` commits."""
        offset = self._offset + seconds
        uow.conn.execute(update(clock_table).values(offset_seconds=offset))
        uow.after_commit(lambda: setattr(self, "_offset", offset))
