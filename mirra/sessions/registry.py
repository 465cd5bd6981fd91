"""The registry of sessions: which exist, their settings, and their open stores.

The registry lives in `MIRRA_HOME/registry.db`; each session's state in
`MIRRA_HOME/sessions/<id>.db`, copied from a template database that already has every table. A
`default` persistent session always exists, so a proxy URL with no credentials just works.
Stores are opened on first use; at most `MAX_OPEN_SESSIONS` stay open, least recently used
first out, except sessions someone is streaming. The registry also knows, per session, the wall
time its next job falls due (`next_job_wall`), so the job runner never opens idle sessions.
"""

from __future__ import annotations

import json
import shutil
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    delete,
    select,
    update,
)

from mirra import signals
from mirra.delivery import queue as delivery_queue
from mirra.errors import MirraError
from mirra.mirrors import idempotency
from mirra.mirrors.catalog import MirrorCatalog
from mirra.sessions import clock as clock_module
from mirra.sessions import events as events_module
from mirra.sessions import jobs as jobs_module
from mirra.sessions import settings as settings_module
from mirra.sessions.checkpoints import Checkpointer
from mirra.sessions.clock import Clock
from mirra.sessions.events import EventLog
from mirra.sessions.ids import IdGenerator, new_session_id
from mirra.sessions.jobs import JobQueue
from mirra.sessions.lifecycle import unknown_seed
from mirra.sessions.settings import SessionSettings
from mirra.sessions.store import Prepared, SessionStore, sqlite_engine

DEFAULT_SESSION_ID = "default"
DEFAULT_TIMEOUT_SECONDS = 3600
MAX_OPEN_SESSIONS = 128

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
    Column("next_job_wall", Float, nullable=True),  # wall time the next job falls due, if any
)


@dataclass
class SessionInfo:
    """A session's settings, as the registry keeps them."""

    id: str
    name: str
    persistent: bool
    mirrors: list[str]
    seeds: dict[str, str]
    created_at: float
    expires_at: float | None


@dataclass
class Session(SessionInfo):
    """An open session: its settings plus its store, clock, event log, jobs and id generator."""

    store: SessionStore
    clock: Clock
    events: EventLog
    jobs: JobQueue
    settings: SessionSettings
    ids: IdGenerator = field(default_factory=IdGenerator)

    def answered(self) -> None:
        """What a mirror call causes that its caller need not wait for, run once the answer has
        been sent: the call's held signals (which feed the event log), then the log's write if
        one is due."""
        signals.send_held()
        self.events.flush_if_due()


_SET_NEXT_JOB_WALL = Prepared(
    update(sessions_table).where(sessions_table.c.id == bindparam("session_id")).values(next_job_wall=bindparam("wall"))
)


class SessionRegistry:
    """Creates, finds, lists and ends sessions. Not thread-safe: mirra runs one event loop."""

    def __init__(
        self,
        home: Path,
        catalog: MirrorCatalog,
        on_job_scheduled: Callable[[], None] = lambda: None,
    ) -> None:
        self.catalog = catalog
        self.on_job_scheduled = on_job_scheduled
        self.sessions_dir = home / "sessions"
        self.archive_dir = home / "archive"
        self.sessions_dir.mkdir(parents=True, exist_ok=True)
        self._engine = sqlite_engine(home / "registry.db")
        self._checkpointer = Checkpointer()
        metadata.create_all(self._engine)
        self._metadatas = [
            clock_module.metadata,
            idempotency.metadata,
            events_module.metadata,
            jobs_module.metadata,
            delivery_queue.metadata,
            settings_module.metadata,
            *catalog.metadatas(),
        ]
        self._template = self._build_template(home / "sessions" / "template.db")
        self._open: OrderedDict[str, Session] = OrderedDict()
        self._next_job_walls: dict[str, float | None] = {}  # next_job_wall as this process last wrote it
        # The one registry write a vendor request can cause (its webhook's delivery job): on a
        # store's single connection with a prepared statement, 26 us instead of 146 us.
        self._job_walls = SessionStore("registry", home / "registry.db", [])
        default = self.info(DEFAULT_SESSION_ID)
        if default is None:
            self._insert(DEFAULT_SESSION_ID, "default", True, list(catalog.names()), {}, None)
        elif set(catalog.names()) - set(default.mirrors):  # made by a mirra with fewer mirrors
            with self._engine.begin() as conn:
                conn.execute(update(sessions_table).where(sessions_table.c.id == DEFAULT_SESSION_ID)
                             .values(mirrors=json.dumps(list(catalog.names()))))

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
        self.check_request(mirrors, name, persistent, timeout_seconds, seeds)
        session_id = new_session_id()
        expires_at = None if persistent else time.time() + timeout_seconds
        session = self._insert(session_id, name or session_id, persistent, mirrors, seeds, expires_at)
        for mirror, seed in seeds.items():
            self.catalog.require(mirror).load_seed(session, seed)
        signals.send_session_lifecycle(session.id, action="start")
        return session

    def get(self, session_id: str) -> Session | None:
        if session_id in self._open:
            self._open.move_to_end(session_id)
            return self._open[session_id]
        info = self.info(session_id)
        return None if info is None else self._open_session(info)

    def if_open(self, session_id: str) -> Session | None:
        """The session if its database is open already (never opens one)."""
        return self._open.get(session_id)

    def info(self, session_id: str) -> SessionInfo | None:
        """A session's settings, without opening its database."""
        if session_id in self._open:
            return self._open[session_id]
        with self._engine.connect() as conn:
            row = conn.execute(select(sessions_table).where(sessions_table.c.id == session_id)).first()
        return None if row is None else _info(row._asdict())

    def list(self) -> list[SessionInfo]:
        """Every session, newest first, without opening their databases."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(sessions_table).order_by(sessions_table.c.created_at.desc())
            ).all()
        return [_info(row._asdict()) for row in rows]

    def expired(self, now: float) -> list[str]:
        """Ephemeral sessions whose time is up."""
        query = select(sessions_table.c.id).where(sessions_table.c.expires_at <= now)
        with self._engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def with_due_jobs(self, now: float) -> list[str]:
        query = select(sessions_table.c.id).where(sessions_table.c.next_job_wall <= now)
        with self._engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def next_job_wall(self) -> float | None:
        """The earliest wall time any session's next job falls due."""
        query = select(sessions_table.c.next_job_wall).order_by(sessions_table.c.next_job_wall)
        with self._engine.connect() as conn:
            return conn.execute(query.where(sessions_table.c.next_job_wall.is_not(None)).limit(1)).scalar()

    def note_next_job(self, session: Session) -> None:
        """Record when `session`'s next job falls due (after running jobs or a clock move)."""
        due = session.jobs.next_due()
        self._record_next_job_wall(session.id, None if due is None else due - session.clock.offset)

    def _record_next_job_wall(self, session_id: str, wall: float | None) -> None:
        with self._job_walls.unit_of_work() as uow:
            uow.run(_SET_NEXT_JOB_WALL, {"session_id": session_id, "wall": wall})
        self._next_job_walls[session_id] = wall

    def end(self, session_id: str) -> None:
        """Forget a session: ephemeral state is deleted, persistent state archived."""
        if session_id == DEFAULT_SESSION_ID:
            raise MirraError(
                400,
                "mirra.session.default_cannot_end",
                "The default session always exists and cannot be ended.",
                "End a session you created, or reset the default session's state instead.",
            )
        info = self.info(session_id)
        if info is None:
            raise session_not_found(session_id)
        session = self._open.get(session_id)
        if session is not None:  # a closed store is not reopened just to be deleted
            signals.send_session_lifecycle(session_id, action="end")
            self._close_session(session)
        with self._engine.begin() as conn:
            conn.execute(delete(sessions_table).where(sessions_table.c.id == session_id))
        self._discard_files(info)

    def close(self) -> None:
        for session in list(self._open.values()):
            self._close_session(session)
        self._checkpointer.close()
        self._job_walls.close()
        self._engine.dispose()

    def check_request(
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
        for mirror in mirrors:
            self.catalog.require(mirror)
        for mirror, seed in seeds.items():
            if mirror not in mirrors:
                raise MirraError(
                    400,
                    "mirra.session.seed_without_mirror",
                    f"A seed is given for '{mirror}', which is not among the session's mirrors.",
                    f"Add '{mirror}' to mirrors, or drop its seed.",
                )
            if seed not in self.catalog.require(mirror).seed_names():
                raise unknown_seed(self.catalog.require(mirror), seed)
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
        path = self.sessions_dir / f"{session_id}.db"
        shutil.copyfile(self._template, path)
        with self._engine.begin() as conn:
            conn.execute(sessions_table.insert().values(**row))
        return self._open_session(_info(row), fresh=True)

    def _open_session(self, info: SessionInfo, *, fresh: bool = False) -> Session:
        path = self.sessions_dir / f"{info.id}.db"
        # a database this mirra did not just copy from its template may predate some tables
        store = SessionStore(info.id, path, [] if fresh else self._metadatas, self._checkpointer)
        session = Session(
            **vars(info),
            store=store,
            clock=Clock(store),
            events=EventLog(store),
            jobs=JobQueue(store, lambda due: self._job_scheduled(info.id, due)),
            settings=SessionSettings(store),
        )
        self._open[info.id] = session
        self._evict_idle()
        return session

    def _job_scheduled(self, session_id: str, due: float) -> None:
        """A job can only bring the next one forward: the registry is written only when it does
        (a webhook's delivery job on every create otherwise cost a registry commit each time)."""
        session = self._open.get(session_id)
        if session is not None:
            if session_id not in self._next_job_walls:
                self.note_next_job(session)
            else:
                wall, recorded = due - session.clock.offset, self._next_job_walls[session_id]
                if recorded is None or wall < recorded:
                    self._record_next_job_wall(session_id, wall)
        self.on_job_scheduled()

    def _evict_idle(self) -> None:
        """Close the least recently used sessions beyond the cap; streamed ones stay open."""
        for session_id in list(self._open)[: max(0, len(self._open) - MAX_OPEN_SESSIONS)]:
            session = self._open[session_id]
            if session_id != DEFAULT_SESSION_ID and not session.events.subscribers:
                self._close_session(session)

    def _close_session(self, session: Session) -> None:
        session.events.close()
        session.store.close()
        self._open.pop(session.id, None)
        self._next_job_walls.pop(session.id, None)

    def _build_template(self, path: Path) -> Path:
        """An empty session database with every table, copied for each new session."""
        path.unlink(missing_ok=True)
        SessionStore("template", path, self._metadatas).close()
        return path

    def _discard_files(self, session: SessionInfo) -> None:
        database = self.sessions_dir / f"{session.id}.db"
        files = [database.with_name(database.name + suffix) for suffix in ("", "-wal", "-shm")]
        if session.persistent:
            self.archive_dir.mkdir(exist_ok=True)
            stamp = time.strftime("%Y%m%dT%H%M%S")
            for path in files:
                if path.exists():
                    shutil.move(path, self.archive_dir / f"{session.id}-{stamp}-{path.name}")
        else:
            for path in files:
                path.unlink(missing_ok=True)


def _info(row: dict[str, object]) -> SessionInfo:
    return SessionInfo(
        id=str(row["id"]),
        name=str(row["name"]),
        persistent=bool(row["persistent"]),
        mirrors=json.loads(str(row["mirrors"])),
        seeds=json.loads(str(row["seeds"])),
        created_at=float(row["created_at"]),  # type: ignore[arg-type]
        expires_at=None if row["expires_at"] is None else float(row["expires_at"]),  # type: ignore[arg-type]
    )


def session_not_found(session_id: str) -> MirraError:
    return MirraError(
        404,
        "mirra.session.not_found",
        f"No session '{session_id}'.",
        "List sessions with `mirra sessions list`, or create one with `mirra up`.",
    )
