"""WAL checkpoints on a thread of their own, off the event loop.

SQLite's automatic checkpoint runs inside whichever COMMIT crosses its threshold: that request
then waits for the copy into the database file and two fsyncs (~20 ms on an ordinary disk), and
spread over the commits between checkpoints it was a third of a Stripe create's own cost. Here a
store asks for a checkpoint every `COMMITS_PER_CHECKPOINT` commits and this thread runs it on its
own connection (PASSIVE: it never blocks a writer; sqlite3 releases the GIL while it works). A
commit is exactly as durable either way: it is in the WAL before its answer leaves. SQLite's own
automatic checkpoint stays on as the backstop for one transaction bigger than the threshold.
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)

COMMITS_PER_CHECKPOINT = 100
PASSES = 4


class Checkpointer:
    """One daemon thread checkpointing the session databases that ask for it, one at a time."""

    def __init__(self) -> None:
        self._wanted: queue.SimpleQueue[Path | None] = queue.SimpleQueue()
        self._pending: set[Path] = set()
        self._pending_lock = threading.Lock()  # held only to read or change `_pending`
        self._running = threading.Lock()  # held for the whole of each checkpoint
        self._thread = threading.Thread(target=self._run, name="mirra-checkpoints", daemon=True)
        self._thread.start()

    def request(self, path: Path) -> None:
        """Checkpoint `path` soon (a request already waiting for it covers this one)."""
        with self._pending_lock:
            if path in self._pending:
                return
            self._pending.add(path)
        self._wanted.put(path)

    def forget(self, path: Path) -> None:
        """Drop any waiting request for `path`, after the checkpoint running on it (if one is)
        has finished: call before the database's files are closed, moved or deleted."""
        with self._pending_lock:
            self._pending.discard(path)
        with self._running:
            pass

    def close(self) -> None:
        self._wanted.put(None)
        self._thread.join()

    def _run(self) -> None:
        while (path := self._wanted.get()) is not None:
            with self._running:
                with self._pending_lock:
                    if path not in self._pending:
                        continue
                    self._pending.discard(path)
                _checkpoint(path)


def _checkpoint(path: Path) -> None:
    try:
        # mode=rw: a database deleted meanwhile is an error here, never a new empty file
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, isolation_level=None)
    except sqlite3.Error:
        return
    try:
        # Commits made while it ran are left for the next pass: run until none are left (the
        # next writer then starts the WAL over from its beginning), within a few passes.
        for _ in range(PASSES):
            _busy, in_log, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if copied >= in_log:
                break
    except sqlite3.Error as error:
        log.warning("checkpoint of %s failed: %s", path, error)
    finally:
        conn.close()
