"""Reset, snapshot, restore and the clock: written once, for every mirror.

A mirror's state is its own tables plus its rows in the shared ones (idempotency keys scoped to
it, its pending jobs). The event log is history, not state: it is never rewound. Snapshots are
SQLite files under `MIRRA_HOME/snapshots/<session>/<mirror>/<snapshot id>.db`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Table, delete

from mirra import signals
from mirra.delivery.queue import deliveries_table
from mirra.errors import MirraError
from mirra.mirrors.idempotency import idempotency_table
from mirra.sessions.jobs import jobs_table
from mirra.sessions.store import UnitOfWork

if TYPE_CHECKING:
    from mirra.mirrors.base import Mirror
    from mirra.sessions.registry import Session

_SNAPSHOT_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


# The shared tables holding per-mirror rows, and the column naming the mirror.
SHARED: list[tuple[Table, str]] = [
    (idempotency_table, "scope"),
    (jobs_table, "mirror"),
    (deliveries_table, "mirror"),
]


def clear(uow: UnitOfWork, mirror: Mirror) -> None:
    for table in reversed(mirror.metadata.sorted_tables):
        uow.conn.execute(delete(table))
    for table, column in SHARED:
        uow.conn.execute(delete(table).where(table.c[column] == mirror.name))


def reset(session: Session, mirror: Mirror, seed: str | None) -> str | None:
    """Empty the mirror's state, then load `seed` (default: the seed the session started with)."""
    seed = seed if seed is not None else session.seeds.get(mirror.name)
    if seed is not None and seed not in mirror.seed_names():
        raise unknown_seed(mirror, seed)
    with session.store.unit_of_work() as uow:
        clear(uow, mirror)
    if seed is not None:
        mirror.load_seed(session, seed)
    signals.send_session_lifecycle(session.id, action="reset", mirror=mirror.name, seed=seed or "")
    return seed


def snapshot(session: Session, mirror: Mirror, snapshots: Path, snapshot_id: str) -> None:
    path = _snapshot_path(snapshots, session, mirror, snapshot_id)
    if path.exists():
        raise MirraError(
            409,
            "mirra.snapshot.exists",
            f"Snapshot '{snapshot_id}' of the {mirror.name} mirror already exists.",
            "Choose another snapshotId, or omit it to get a generated one.",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    session.events.flush()
    with session.store.attached(path, "snap"), session.store.unit_of_work() as uow:
        for table in mirror.metadata.sorted_tables:
            uow.conn.exec_driver_sql(f"CREATE TABLE snap.{table.name} AS SELECT * FROM main.{table.name}")
        for table, column in SHARED:
            uow.conn.exec_driver_sql(
                f"CREATE TABLE snap.{table.name} AS SELECT * FROM main.{table.name} WHERE {column} = ?",
                (mirror.name,),
            )
    signals.send_session_lifecycle(session.id, action="snapshot", mirror=mirror.name, snapshot_id=snapshot_id)


def restore(session: Session, mirror: Mirror, snapshots: Path, snapshot_id: str) -> None:
    path = _snapshot_path(snapshots, session, mirror, snapshot_id)
    if not path.exists():
        raise MirraError(
            404,
            "mirra.snapshot.not_found",
            f"No snapshot '{snapshot_id}' of the {mirror.name} mirror in session '{session.id}'.",
            "List them with GET <mirror>/_mirra/state/snapshots.",
        )
    with session.store.attached(path, "snap"), session.store.unit_of_work() as uow:
        clear(uow, mirror)
        tables = [*mirror.metadata.sorted_tables, *(table for table, _ in SHARED)]
        for table in tables:
            uow.conn.exec_driver_sql(f"INSERT INTO main.{table.name} SELECT * FROM snap.{table.name}")
    signals.send_session_lifecycle(session.id, action="restore", mirror=mirror.name, snapshot_id=snapshot_id)


def list_snapshots(session: Session, mirror: Mirror, snapshots: Path) -> list[str]:
    folder = snapshots / session.id / mirror.name
    return sorted(path.stem for path in folder.glob("*.db")) if folder.exists() else []


def _snapshot_path(snapshots: Path, session: Session, mirror: Mirror, snapshot_id: str) -> Path:
    if not _SNAPSHOT_ID.match(snapshot_id):
        raise MirraError(
            400,
            "mirra.snapshot.invalid_id",
            f"Invalid snapshotId '{snapshot_id}'.",
            "Use 1 to 64 letters, digits, '.', '_' or '-'.",
        )
    return snapshots / session.id / mirror.name / f"{snapshot_id}.db"


def unknown_seed(mirror: Mirror, seed: str) -> MirraError:
    return MirraError(
        400,
        "mirra.seed.not_found",
        f"The {mirror.name} mirror has no seed '{seed}'.",
        f"Seeds: {', '.join(mirror.seed_names()) or 'none'}.",
    )
