"""One SQLite database per session, and the unit of work every request runs in.

Nothing else opens engines. WAL mode with synchronous=NORMAL: a committed transaction survives a
kill of the process (only an OS crash could lose the last commits). Each request is one
`unit_of_work()`: the mirror's changes commit together before the response leaves, or roll back
together when the mirror raises a vendor error, so bad input changes no state by construction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, Executable, MetaData, create_engine, event
from sqlalchemy.dialects import sqlite
from sqlalchemy.sql import ClauseElement

from mirra.sessions.checkpoints import COMMITS_PER_CHECKPOINT, Checkpointer

_NAMED_SQLITE = sqlite.dialect(paramstyle="named")


def json_text(value: Any) -> str:
    """JSON for a TEXT column: orjson (the standard library's encoder cost a fifth of a Stripe
    create), or the standard library for what orjson refuses: integers past 64 bits, which a
    vendor's JSON body can carry, and keys that are not strings (orjson's option for those
    doubled its cost)."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value)


class Prepared:
    """A Core statement compiled once to SQL, for the few statements every request runs.

    SQLAlchemy's per-execution work (cache keys, execution contexts) cost more than SQLite
    itself on the hot path; these run on the driver connection inside the same transaction.
    """

    def __init__(self, statement: Executable) -> None:
        assert isinstance(statement, ClauseElement)
        self.sql = str(statement.compile(dialect=_NAMED_SQLITE))


class UnitOfWork:
    """One open transaction plus the work to do once it has committed (signals)."""

    def __init__(self, session_id: str, conn: Connection, driver: sqlite3.Connection) -> None:
        self.session_id = session_id
        self.conn = conn
        self._driver = driver  # conn's own sqlite3 connection, looked up once, not per statement
        self._after_commit: list[Callable[[], None]] = []

    def run(self, prepared: Prepared, params: dict[str, Any]) -> Any:
        """Execute a prepared statement; returns the DB-API cursor (rows are tuples)."""
        return self._driver.execute(prepared.sql, params)

    def run_many(self, prepared: Prepared, rows: list[dict[str, Any]]) -> None:
        self._driver.executemany(prepared.sql, rows)

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._after_commit.append(callback)

    def run_after_commit(self) -> None:
        for callback in self._after_commit:
            callback()


class SessionStore:
    """The SQLite file of one session, with the tables of every metadata it was given."""

    def __init__(
        self,
        session_id: str,
        path: Path,
        metadatas: list[MetaData],
        checkpointer: Checkpointer | None = None,
    ) -> None:
        self.session_id = session_id
        self.path = path
        self._checkpointer = checkpointer
        self._commits = 0
        self.engine = sqlite_engine(path, begin_immediate=False)
        for metadata in metadatas:
            metadata.create_all(self.engine)
        # One connection for the session's lifetime: mirra runs units of work one at a time on
        # its event loop, and a pool checkout per request cost as much as the request's SQL.
        self._conn = self.engine.connect()
        self._in_unit_of_work = False

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        """BEGIN IMMEDIATE ... COMMIT (or ROLLBACK on any exception), on the driver connection:
        SQLAlchemy's own transaction bookkeeping cost more per request than SQLite's commit."""
        if self._in_unit_of_work:
            raise RuntimeError("units of work do not nest: finish one before starting another")
        driver = self._conn.connection.driver_connection
        assert driver is not None
        self._in_unit_of_work = True
        driver.execute("BEGIN IMMEDIATE")
        try:
            uow = UnitOfWork(self.session_id, self._conn, driver)
            yield uow
        except BaseException:
            if driver.in_transaction:
                driver.execute("ROLLBACK")
            raise
        else:
            driver.execute("COMMIT")
            self._commits += 1
            if self._checkpointer is not None and self._commits % COMMITS_PER_CHECKPOINT == 0:
                self._checkpointer.request(self.path)
        finally:
            self._conn.rollback()  # forget SQLAlchemy's implicit transaction; nothing is open below it
            self._in_unit_of_work = False
        uow.run_after_commit()

    @contextmanager
    def attached(self, path: Path, alias: str) -> Iterator[None]:
        """Another SQLite file attached as `alias` (SQLite allows ATTACH only between transactions)."""
        driver = self._conn.connection.driver_connection
        assert driver is not None
        driver.execute(f"ATTACH DATABASE ? AS {alias}", (str(path),))
        try:
            yield
        finally:
            driver.execute(f"DETACH DATABASE {alias}")

    def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.forget(self.path)
        self._conn.close()
        self.engine.dispose()


def sqlite_engine(path: Path, *, begin_immediate: bool = True) -> Engine:
    """An engine for one SQLite file; with `begin_immediate`, SQLAlchemy's transactions take the
    write lock up front (session stores run their own BEGIN in `unit_of_work`)."""
    # Every unit of work ends in COMMIT or ROLLBACK, so the pool's reset on return is redundant.
    engine = create_engine(
        f"sqlite:///{path}", connect_args={"check_same_thread": False}, pool_reset_on_return=None
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_conn: Any, _record: Any) -> None:
        # pysqlite must not open transactions behind our backs: BEGIN is always explicit.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        # Checkpoint every ~16 MB of WAL instead of every 4 MB: each checkpoint syncs the file and
        # stalls the loop for milliseconds; the WAL file is cut back to 16 MB afterwards.
        cursor.execute("PRAGMA wal_autocheckpoint=4000")
        cursor.execute("PRAGMA journal_size_limit=16777216")
        cursor.close()

    if begin_immediate:

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            # Take the write lock up front: a transaction that reads then writes cannot deadlock.
            conn.connection.dbapi_connection.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]

    return engine
