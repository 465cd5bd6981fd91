"""WAL checkpoints run on the checkpointer's thread, not inside a request's COMMIT."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, Text

from mirra.sessions import store as store_module
from mirra.sessions.checkpoints import Checkpointer
from mirra.sessions.store import Prepared, SessionStore

metadata = MetaData()
rows = Table("rows", metadata, Column("n", Integer, primary_key=True), Column("text", Text))
INSERT = Prepared(rows.insert())


def backfilled_and_logged(database: Path) -> tuple[int, int]:
    """(frames copied into the database, frames in the WAL), read from the WAL index as SQLite's
    file format lays it out: mxFrame at byte 16 of the header, nBackfill at byte 96."""
    index = (database.parent / (database.name + "-shm")).read_bytes()
    (in_wal,) = struct.unpack_from("=I", index, 16)
    (copied,) = struct.unpack_from("=I", index, 96)
    return copied, in_wal


def write(store: SessionStore, commits: int) -> None:
    for n in range(commits):
        with store.unit_of_work() as uow:
            uow.run(INSERT, {"n": n, "text": "x" * 3000})


def test_every_so_many_commits_the_wal_is_copied_back_off_the_request_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "COMMITS_PER_CHECKPOINT", 10)
    checkpointer = Checkpointer()
    checked = SessionStore("checked", tmp_path / "checked.db", [metadata], checkpointer)
    unchecked = SessionStore("unchecked", tmp_path / "unchecked.db", [metadata])
    write(checked, 30)
    write(unchecked, 30)
    checkpointer.close()  # returns once every requested checkpoint has run

    copied, in_wal = backfilled_and_logged(checked.path)
    assert in_wal > 0 and copied == in_wal
    # SQLite's own automatic checkpoint (every 4000 frames) has not run on the other one
    copied, in_wal = backfilled_and_logged(unchecked.path)
    assert in_wal > 0 and copied == 0
    checked.close()
    unchecked.close()


def test_a_database_gone_before_its_checkpoint_is_not_made_again(tmp_path: Path) -> None:
    checkpointer = Checkpointer()
    checkpointer.request(tmp_path / "ended.db")
    checkpointer.close()
    assert list(tmp_path.iterdir()) == []

