"""Stored responses for idempotency keys, per session and scope.

Each vendor decides what is stored and when a key conflicts (Stripe compares the decoded
parameters; Resend the body); this module only keeps the records in the session database.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson
from sqlalchemy import (
    Column,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    and_,
    bindparam,
    select,
)
from sqlalchemy.dialects import sqlite

from mirra.mirrors.http import MirrorResponse
from mirra.sessions.store import Prepared, UnitOfWork, json_text

metadata = MetaData()

idempotency_table = Table(
    "idempotency_keys",
    metadata,
    Column("scope", String, primary_key=True),  # mirror (and vendor account) the key belongs to
    Column("key", String, primary_key=True),  # the caller's Idempotency-Key
    Column("fingerprint", String, nullable=False),  # method, path and parameters, hashed
    Column("request_id", String, nullable=False),  # the original request's id
    Column("status", Integer, nullable=False),
    Column("headers", Text, nullable=False),  # JSON list of [name, value]
    Column("body", LargeBinary, nullable=False),
    Column("created_at", Float, nullable=False),  # session clock
)


_BY_KEY = and_(
    idempotency_table.c.scope == bindparam("key_scope"), idempotency_table.c.key == bindparam("key_value")
)
_FIND = Prepared(
    select(
        idempotency_table.c.fingerprint,
        idempotency_table.c.request_id,
        idempotency_table.c.status,
        idempotency_table.c.headers,
        idempotency_table.c.body,
        idempotency_table.c.created_at,
    ).where(_BY_KEY)
)
_INSERT = Prepared(
    sqlite.insert(idempotency_table)
    .values({column.name: bindparam(column.name) for column in idempotency_table.c})
    .on_conflict_do_nothing()
)
_DELETE = Prepared(idempotency_table.delete().where(_BY_KEY))


@dataclass(frozen=True)
class StoredResponse:
    fingerprint: str
    request_id: str
    response: MirrorResponse
    created_at: float


def find(uow: UnitOfWork, scope: str, key: str) -> StoredResponse | None:
    row = uow.run(_FIND, {"key_scope": scope, "key_value": key}).fetchone()
    if row is None:
        return None
    fingerprint, request_id, status, headers, body, created_at = row
    pairs = [(name, value) for name, value in orjson.loads(headers)]
    return StoredResponse(fingerprint, request_id, MirrorResponse(status, body, pairs), created_at)


def remember(
    uow: UnitOfWork,
    scope: str,
    key: str,
    fingerprint: str,
    request_id: str,
    response: MirrorResponse,
    created_at: float,
) -> bool:
    """Store the response for `key`; False (and nothing stored) when the key already has one."""
    inserted = uow.run(
        _INSERT,
        {
            "scope": scope,
            "key": key,
            "fingerprint": fingerprint,
            "request_id": request_id,
            "status": response.status,
            "headers": json_text(response.headers),
            "body": response.body,
            "created_at": created_at,
        },
    )
    return inserted.rowcount == 1


def forget(uow: UnitOfWork, scope: str, key: str) -> None:
    uow.run(_DELETE, {"key_scope": scope, "key_value": key})
