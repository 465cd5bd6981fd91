"""The registry of sessions: which exist, their settings, and their open stores.

The registry lives in `MIRRA_HOME/registry.db`; each session's state in
`MIRRA_HOME/sessions/<id>.db`. A `default` persistent session always exists, so a proxy URL with
no credentials just works. Stores are opened on first use and kept open while mirra runs.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Boolean, Column, Float, MetaData, String, Table, Text, delete, select

from mirra.errors import MirraError
from mirra.mirrors import idempotency
from mirra.mirrors.catalog import MirrorCatalog
from mirra.sessions import clock as clock_module
from mirra.sessions.clock import Clock
from mirra.sessions.ids import IdGenerator, new_session_id
from mirra.sessions.store import SessionStore, sqlite_engine

DEFAULT_SESSION_ID = "default"
DEFAULT_TIMEOUT_SECONDS = 3600

metadata = MetaData()

sessions_table = Table(
    "sessions",
    metadata,
    Column("id", String, primary_key=True),  # ses_<24 base62>, or "default"
    Column("name", String, nullable=False),  # unique among persistent sessions
    Column("persistent", Boolean, nullable=False),
    Column("mirrors", Text, nullable=False),  # JSON list of catalog names
    Column("seeds", Text, nullable=False),  # JSON object: mirror name -> fixture name
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=True),  # ephemeral sessions only
)


@dataclass
class Session:
    """A live session: its settings plus its store, clock and id generator."""

    id: str
    name: str
    persistent: bool
    mirrors: list[str]
    seeds: dict[str, str]
    created_at: float
    expires_at: float | None
    store: SessionStore
    clock: Clock
    ids: IdGenerator = field(default_factory=IdGenerator)


class SessionRegistry:
    """Creates, finds, lists and ends sessions. Not thread-safe: mirra runs one event loop."""

    def __init__(self, home: Path, catalog: MirrorCatalog) -> None:
        self.catalog = catalog
        self.sessions_dir = home / "sessions"
        self.archive_dir = home / "archive"
        self.sessions_dir.mkdir(parents=True, exist_ok=True)
        self._engine = sqlite_engine(home / "registry.db")
        metadata.create_all(self._engine)
        self._open: dict[str, Session] = {}
        if self.get(DEFAULT_SESSION_ID) is None:
            self._insert(DEFAULT_SESSION_ID, "default", True, list(catalog.names()), {}, None)

    def create(
        self,
        mirrors: list[str],
        *,
        name: str | None = None,
        persistent: bool = False,
        timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS,
        seeds: dict[str, str] | None = None,
    ) -> Session:
        seeds = seeds or {}
        self._check_request(mirrors, name, persistent, timeout_seconds, seeds)
        session_id = new_session_id()
        expires_at = None if persistent else time.time() + timeout_seconds
        return self._insert(session_id, name or session_id, persistent, mirrors, seeds, expires_at)

    def get(self, session_id: str) -> Session | None:
        if session_id in self._open:
            return self._open[session_id]
        with self._engine.connect() as conn:
            row = conn.execute(select(sessions_table).where(sessions_table.c.id == session_id)).first()
        if row is None:
            return None
        return self._open_session(row._asdict())

    def list(self) -> list[Session]:
        """Every session, newest first."""
        with self._engine.connect() as conn:
            ids = conn.execute(
                select(sessions_table.c.id).order_by(sessions_table.c.created_at.desc())
            ).scalars().all()
        return [session for session_id in ids if (session := self.get(session_id))]

    def end(self, session_id: str) -> None:
        """Forget a session: ephemeral state is deleted, persistent state archived."""
        if session_id == DEFAULT_SESSION_ID:
            raise MirraError(
                400,
                "mirra.session.default_cannot_end",
                "The default session always exists and cannot be ended.",
                "End a session you created, or reset the default session's state instead.",
            )
        session = self.get(session_id)
        if session is None:
            raise session_not_found(session_id)
        session.store.close()
        del self._open[session_id]
        with self._engine.begin() as conn:
            conn.execute(delete(sessions_table).where(sessions_table.c.id == session_id))
        self._discard_files(session)

    def close(self) -> None:
        for session in self._open.values():
            session.store.close()
        self._open.clear()
        self._engine.dispose()

    def _check_request(
        self,
        mirrors: list[str],
        name: str | None,
        persistent: bool,
        timeout_seconds: int,
        seeds: dict[str, str],
    ) -> None:
        if not mirrors:
            raise MirraError(
                400,
                "mirra.session.no_mirrors",
                "A session needs at least one mirror.",
                f"Pass mirrors, e.g. {json.dumps(list(self.catalog.names()))}.",
            )
        for mirror in [*mirrors, *seeds]:
            self.catalog.require(mirror)
        if persistent and not name:
            raise MirraError(
                400,
                "mirra.session.name_required",
                "A persistent session needs a name.",
                "Pass a unique 'name' with 'persistent': true.",
            )
        if timeout_seconds <= 0:
            raise MirraError(
                400,
                "mirra.session.invalid_timeout",
                f"timeoutSeconds must be a positive number of seconds, not {timeout_seconds}.",
                "Pass e.g. 'timeoutSeconds': 3600, or omit it for the default of one hour.",
            )
        if persistent and self._persistent_name_taken(name or ""):
            raise MirraError(
                409,
                "mirra.session.name_taken",
                f"A persistent session named '{name}' already exists.",
                "Choose another name, or end the existing session first.",
            )

    def _persistent_name_taken(self, name: str) -> bool:
        query = select(sessions_table.c.id).where(
            sessions_table.c.persistent.is_(True), sessions_table.c.name == name
        )
        with self._engine.connect() as conn:
            return conn.execute(query).first() is not None

    def _insert(
        self,
        session_id: str,
        name: str,
        persistent: bool,
        mirrors: list[str],
        seeds: dict[str, str],
        expires_at: float | None,
    ) -> Session:
        row = {
            "id": session_id,
            "name": name,
            "persistent": persistent,
            "mirrors": json.dumps(mirrors),
            "seeds": json.dumps(seeds),
            "created_at": time.time(),
            "expires_at": expires_at,
        }
        with self._engine.begin() as conn:
            conn.execute(sessions_table.insert().values(**row))
        return self._open_session(row)

    def _open_session(self, row: dict[str, object]) -> Session:
        session_id = str(row["id"])
        store = SessionStore(
            session_id,
            self.sessions_dir / f"{session_id}.db",
            [clock_module.metadata, idempotency.metadata, *self.catalog.metadatas()],
        )
        session = Session(
            id=session_id,
            name=str(row["name"]),
            persistent=bool(row["persistent"]),
            mirrors=json.loads(str(row["mirrors"])),
            seeds=json.loads(str(row["seeds"])),
            created_at=float(row["created_at"]),  # type: ignore[arg-type]
            expires_at=None if row["expires_at"] is None else float(row["expires_at"]),  # type: ignore[arg-type]
            store=store,
            clock=Clock(store),
        )
        self._open[session_id] = session
        return session

    def _discard_files(self, session: Session) -> None:
        files = [session.store.path.with_name(session.store.path.name + suffix) for suffix in ("", "-wal", "-shm")]
        if session.persistent:
            self.archive_dir.mkdir(exist_ok=True)
            stamp = time.strftime("%Y%m%dT%H%M%S")
            for path in files:
                if path.exists():
                    shutil.move(path, self.archive_dir / f"{session.id}-{stamp}-{path.name}")
        else:
            for path in files:
                path.unlink(missing_ok=True)


def session_not_found(session_id: str) -> MirraError:
    return MirraError(
        404,
        "mirra.session.not_found",
        f"No session '{session_id}'.",
        "List sessions with `mirra sessions list`, or create one with `mirra up`.",
    )
