"""Per-session, per-mirror settings (e.g. Stripe's rate limit, its webhook retry schedule).

Stored in the session database, so persistent sessions keep them; cached in memory, since this
process is the only writer. Each mirror declares its defaults and validates changes.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Column, MetaData, String, Table, Text, select

from mirra.sessions.store import SessionStore

metadata = MetaData()

settings_table = Table(
    "mirra_settings",
    metadata,
    Column("mirror", String, primary_key=True),
    Column("data", Text, nullable=False),  # JSON object of the settings that differ from the defaults
)


class SessionSettings:
    def __init__(self, store: SessionStore) -> None:
        self.store = store
        with store.unit_of_work() as uow:
            rows = uow.conn.execute(select(settings_table)).all()
        self._values: dict[str, dict[str, Any]] = {row.mirror: json.loads(row.data) for row in rows}

    def get(self, mirror: str, defaults: dict[str, Any]) -> dict[str, Any]:
        return {**defaults, **self._values.get(mirror, {})}

    def update(self, mirror: str, changes: dict[str, Any]) -> None:
        merged = {**self._values.get(mirror, {}), **changes}
        with self.store.unit_of_work() as uow:
            uow.conn.execute(settings_table.delete().where(settings_table.c.mirror == mirror))
            uow.conn.execute(settings_table.insert().values(mirror=mirror, data=json.dumps(merged)))
        self._values[mirror] = merged
