"""What every Resend backend operation stands on: the session's documents, clock, ids, webhooks."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from mirra.delivery import queue as delivery
from mirra.mirrors.documents import Document, Documents
from mirra.mirrors.resend import models, webhooks
from mirra.mirrors.resend.errors import NotFound
from mirra.mirrors.resend.settings import resend_settings
from mirra.mirrors.resend.wire import iso_timestamp, new_uuid, rest_timestamp
from mirra.sessions.store import UnitOfWork

if TYPE_CHECKING:
    from mirra.sessions.registry import Session

MIRROR = "resend"


class BackendBase:
    def __init__(self, session: Session, uow: UnitOfWork, at: float | None = None) -> None:
        self.session = session
        self.uow = uow
        self.at = at  # a job's due time: steps a clock advance passes over keep their own times
        self.settings = resend_settings(session)
        self.documents = Documents(uow, models.objects, MIRROR)
        self.sending_domain: str | None = None  # set when the request's key may send from one domain only

    def now(self) -> float:
        """The time the work happens at: now, or the due time of the job doing it (a send due at
        T reaches its outcome at T + deliverySeconds, however far one advance jumps past T)."""
        return self.session.clock.now() if self.at is None else self.at

    def timestamp(self) -> str:
        return rest_timestamp(self.now())

    def new_id(self) -> str:
        return new_uuid(self.session.ids)

    def get(self, kind: str, object_id: str) -> Document | None:
        return self.documents.get(kind, object_id)

    def require(self, kind: str, object_id: str, message: str) -> Document:
        found = self.documents.get(kind, object_id)
        if found is None:
            raise NotFound(message)
        return found

    def find(self, kind: str, lookup: str) -> Document | None:
        """The live object of `kind` whose lookup column is `lookup` (an email, an alias, a token)."""
        table = models.objects
        data = self.uow.conn.execute(
            select(table.c.data).where(table.c.kind == kind, table.c.lookup == lookup, table.c.deleted.is_(False))
        ).scalar()
        return None if data is None else json.loads(data)

    def newest_first(self, kind: str) -> list[Document]:
        return list(reversed(self.documents.of_kind(kind)))

    def insert(self, kind: str, obj: Document, *, lookup: str | None = None) -> Document:
        return self.documents.insert(kind, obj, lookup=lookup)

    def save(self, kind: str, obj: Document, *, lookup: str | None = None) -> Document:
        before = self.documents.get(kind, obj["id"])
        assert before is not None
        if obj != before:
            self.documents.replace(kind, obj, before, lookup=lookup)
        return obj

    def delete(self, kind: str, obj: Document) -> None:
        self.documents.mark_deleted(kind, obj)

    def schedule(self, job: str, due: float, data: dict[str, Any]) -> None:
        self.session.jobs.schedule(self.uow, MIRROR, job, due, data)

    def emit(self, event_type: str, data: dict[str, Any]) -> None:
        """Queue a webhook of `event_type` to every enabled endpoint that subscribed to it."""
        hooks = [
            hook for hook in self.documents.of_kind("webhook")
            if hook["status"] == "enabled" and event_type in hook["events"]
        ]
        if not hooks:
            return
        payload = event_payload(event_type, self.now(), data)
        for hook in hooks:
            delivery.enqueue(
                self.session,
                self.uow,
                mirror=MIRROR,
                endpoint_id=hook["id"],
                url=hook["endpoint"],
                secret=hook["signing_secret"],
                event_id=webhooks.message_id(payload),
                event_type=event_type,
                object_id=data.get("email_id") or data.get("id"),
                payload=payload,
            )


def event_payload(event_type: str, at: float, data: dict[str, Any]) -> bytes:
    """Compact JSON with sorted keys, as Resend's deliveries come."""
    body = {"created_at": iso_timestamp(at), "data": data, "type": event_type}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
