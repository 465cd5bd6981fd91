"""Vendor objects stored as their JSON plus the few columns lookups need.

Each mirror declares one documents table in its own metadata (`document_table`). Every write goes
through `Documents`, which queues a `state_changed` signal for after the commit, so the event
stream sees exactly the committed changes. The statements on the request path are built once per
table with bound parameters: building them per call cost more than SQLite itself.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence
from typing import Any

import orjson
from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    bindparam,
    select,
    update,
)

from mirra import signals
from mirra.sessions.store import Prepared, UnitOfWork, json_text

Document = dict[str, Any]


def document_table(name: str, metadata: MetaData) -> Table:
    """Every index is one more page written by each insert's commit, so there are three: the id,
    the parent (only objects that have one) and the composite one, which every query by kind,
    and so every query by lookup, uses."""
    table = Table(
        name,
        metadata,
        Column("seq", Integer, primary_key=True, autoincrement=True),  # insertion order
        Column("id", String, nullable=False, unique=True),  # the vendor's object id
        Column("kind", String, nullable=False),  # the vendor's object type
        Column("parent", String, nullable=True),  # owning object's id, if any
        Column("lookup", String, nullable=True),  # one searchable field (e.g. email)
        Column("created", Integer, nullable=False),  # session-clock unix seconds
        Column("deleted", Boolean, nullable=False, default=False),
        Column("data", Text, nullable=False),  # the object's JSON
        # "the live objects of a kind for this lookup, in created order": without it a query such
        # as the next step of a test clock scans every row of the kind, deleted ones included
        Index(f"{name}_kind_lookup_created", "kind", "lookup", "deleted", "created", "seq"),
    )
    # `parent = ?` implies `parent IS NOT NULL`, so SQLite uses this partial index for it
    Index(f"ix_{name}_parent", table.c.parent, sqlite_where=table.c.parent.is_not(None))
    return table


class Documents:
    """Reads and writes one mirror's objects inside a unit of work."""

    def __init__(
        self, uow: UnitOfWork, table: Table, mirror: str, quiet_kinds: frozenset[str] = frozenset()
    ) -> None:
        self.uow = uow
        self.table = table
        self.mirror = mirror
        self.quiet_kinds = quiet_kinds  # bookkeeping kinds whose writes are not state changes
        self.statements = _statements(table)

    def get(self, kind: str, object_id: str, *, include_deleted: bool = False) -> Document | None:
        row = self._row(kind, object_id)
        if row is None or (row[1] and not include_deleted):
            return None
        return orjson.loads(row[0])  # type: ignore[no-any-return]

    def is_deleted(self, kind: str, object_id: str) -> bool:
        row = self._row(kind, object_id)
        return row is not None and bool(row[1])

    def insert(
        self, kind: str, obj: Document, *, parent: str | None = None, lookup: str | None = None
    ) -> Document:
        self.uow.run(
            self.statements.insert,
            {
                "id": obj["id"],
                "kind": kind,
                "parent": parent,
                "lookup": lookup,
                "created": obj.get("created", 0),
                "deleted": False,
                "data": json_text(obj),
            },
        )
        self._announce(kind, obj["id"], None, obj)
        return obj

    def replace(
        self, kind: str, obj: Document, before: Document, *, lookup: str | None = None
    ) -> Document:
        self.uow.run(
            self.statements.replace, {"object_id": obj["id"], "data": json_text(obj), "lookup": lookup}
        )
        self._announce(kind, obj["id"], before, obj)
        return obj

    def mark_deleted(self, kind: str, before: Document) -> None:
        self.uow.run(self.statements.mark_deleted, {"object_id": before["id"], "deleted": True})
        self._announce(kind, before["id"], before, None)

    def page(
        self,
        kind: str,
        *,
        limit: int,
        starting_after: int | None = None,
        ending_before: int | None = None,
        where: Sequence[ColumnElement[bool]] = (),
        matches: Callable[[Document], bool] | None = None,
    ) -> tuple[list[Document], bool]:
        """One page, newest first, after/before a cursor's `seq`; and whether more exist.
        `matches` filters on what SQL cannot see (fields inside the JSON) before the page is cut,
        so a filtered page is still full and `has_more` still true to the filter."""
        table = self.table
        conditions = [table.c.kind == kind, table.c.deleted.is_(False), *where]
        query = select(table.c.data)
        if ending_before is not None:
            conditions.append(table.c.seq > ending_before)
            query = query.order_by(table.c.seq.asc())
        else:
            if starting_after is not None:
                conditions.append(table.c.seq < starting_after)
            query = query.order_by(table.c.seq.desc())
        query = query.where(and_(*conditions))
        if matches is None:
            found = [orjson.loads(data) for data in self.uow.conn.execute(query.limit(limit + 1)).scalars()]
        else:
            wanted = (orjson.loads(data) for data in self.uow.conn.execute(query).scalars())
            found = list(itertools.islice((document for document in wanted if matches(document)), limit + 1))
        has_more = len(found) > limit
        documents = found[:limit]
        if ending_before is not None:
            documents.reverse()
        return documents, has_more

    def of_kind(self, kind: str) -> list[Document]:
        """Every live object of one kind, oldest first (a prepared statement: it runs per request)."""
        rows = self.uow.run(self.statements.of_kind, {"object_kind": kind, "deleted": False}).fetchall()
        return [orjson.loads(data) for (data,) in rows]

    def seq_of(self, object_id: str) -> int | None:
        row = self.uow.run(self.statements.seq_of, {"object_id": object_id}).fetchone()
        return None if row is None else int(row[0])

    def all(self) -> list[tuple[str, Document]]:
        """Every live object as (kind, object), oldest first: the mirror's state dump."""
        rows = self.uow.conn.execute(
            select(self.table.c.kind, self.table.c.data)
            .where(self.table.c.deleted.is_(False))
            .order_by(self.table.c.seq)
        )
        return [(kind, orjson.loads(data)) for kind, data in rows]

    def _row(self, kind: str, object_id: str) -> Any:
        return self.uow.run(self.statements.get, {"object_id": object_id, "object_kind": kind}).fetchone()

    def _announce(
        self, kind: str, object_id: str, before: Document | None, after: Document | None
    ) -> None:
        if kind in self.quiet_kinds:
            return
        session_id = self.uow.session_id
        self.uow.after_commit(
            lambda: signals.send_state_changed(
                session_id,
                mirror=self.mirror,
                entity=kind,
                entity_id=object_id,
                before=before,
                after=after,
            )
        )


class _Statements:
    """The per-request statements of one documents table, built once."""

    def __init__(self, table: Table) -> None:
        by_id = table.c.id == bindparam("object_id")
        written = ("id", "kind", "parent", "lookup", "created", "deleted", "data")
        self.insert = Prepared(table.insert().values({name: bindparam(name) for name in written}))
        self.get = Prepared(
            select(table.c.data, table.c.deleted).where(by_id, table.c.kind == bindparam("object_kind"))
        )
        self.seq_of = Prepared(select(table.c.seq).where(by_id))
        self.of_kind = Prepared(
            select(table.c.data)
            .where(table.c.kind == bindparam("object_kind"), table.c.deleted == bindparam("deleted"))
            .order_by(table.c.seq)
        )
        self.replace = Prepared(
            update(table).where(by_id).values(data=bindparam("data"), lookup=bindparam("lookup"))
        )
        self.mark_deleted = Prepared(update(table).where(by_id).values(deleted=bindparam("deleted")))


@functools.cache
def _statements(table: Table) -> _Statements:
    return _Statements(table)
