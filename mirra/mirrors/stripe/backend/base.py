"""What every Stripe backend operation stands on: the session's objects, clock and ids."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement

from mirra.delivery import queue as delivery
from mirra.mirrors.documents import Document, Documents
from mirra.mirrors.stripe import events, ids, models, search
from mirra.mirrors.stripe.errors import InvalidParameter, ResourceMissing
from mirra.mirrors.stripe.wire import json_body
from mirra.sessions.store import UnitOfWork

if TYPE_CHECKING:
    from mirra.sessions.registry import Session

API_VERSION = "2026-10-28.endive"
MAX_LIST_LIMIT = 100
DEFAULT_LIST_LIMIT = 10


class BackendBase:
    def __init__(
        self,
        session: Session,
        uow: UnitOfWork,
        *,
        request_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> None:
        self.session = session
        self.uow = uow
        self.documents = Documents(uow, models.objects, "stripe", models.BOOKKEEPING)
        self.request_id = request_id  # recorded in the events this request causes
        self.idempotency_key = idempotency_key
        self.frozen_at: int | None = None  # a test clock's time (or a timer's), when acting on its objects

    def insert(self, kind: str, obj: Document, *, parent: str | None = None, lookup: str | None = None) -> Document:
        """Store a new object and announce it (events, webhooks)."""
        self.documents.insert(kind, obj, parent=parent, lookup=lookup)
        self.announce(kind, None, obj)
        return obj

    def replace(self, kind: str, obj: Document, before: Document, *, lookup: str | None = None) -> Document:
        if obj != before:
            self.documents.replace(kind, obj, before, lookup=lookup)
            self.announce(kind, before, obj)
        return obj

    def remove(self, kind: str, before: Document) -> None:
        self.documents.mark_deleted(kind, before)
        self.announce(kind, before, None)

    def announce(self, kind: str, before: Document | None, after: Document | None) -> None:
        """Record the Stripe events this change produces and queue their webhooks."""
        for event_type in events.events_for(kind, before, after):
            obj = after if after is not None else {**before, "deleted": True}  # type: ignore[dict-item]
            previous = events.previous_attributes(before, after) if before and after else None
            self.emit(event_type, obj, previous)

    def search(self, kind: str, resource: str, params: dict[str, Any]) -> dict[str, Any]:
        """A `search_result` page: `page` is the opaque cursor the previous page gave."""
        clauses, join = search.parse(resource, params["query"])
        limit = params.get("limit", DEFAULT_LIST_LIMIT)
        if not 1 <= limit <= MAX_LIST_LIMIT:
            raise InvalidParameter(f"Invalid limit: must be between 1 and {MAX_LIST_LIMIT}", param="limit")
        found = [obj for obj in self.documents.page(kind, limit=1_000_000)[0] if search.matches(obj, clauses, join)]
        start = 0
        if params.get("page"):
            try:
                start = int(base64.urlsafe_b64decode(params["page"].encode()).decode().removeprefix("offset:"))
            except ValueError:
                raise InvalidParameter("Invalid page: the cursor is not one this search gave.", param="page") from None
        data = found[start : start + limit]
        has_more = start + limit < len(found)
        result: dict[str, Any] = {
            "object": "search_result",
            "data": data,
            "has_more": has_more,
            "next_page": base64.urlsafe_b64encode(f"offset:{start + limit}".encode()).decode() if has_more else None,
            "url": f"/v1/{resource}/search",
        }
        if "total_count" in params.get("expand", []):
            result["total_count"] = len(found)
        return result

    def emit(self, event_type: str, obj: Document, previous: Document | None = None) -> Document:
        endpoints = [
            endpoint
            for endpoint in self.documents.of_kind("webhook_endpoint")
            if endpoint["status"] == "enabled"
            and ("*" in endpoint["enabled_events"] or event_type in endpoint["enabled_events"])
        ]
        event = events.event_object(
            self.new_id("event"),
            event_type,
            self.now(),
            obj,
            previous,
            self.request_id,
            self.idempotency_key,
            API_VERSION,
            len(endpoints),
        )
        self.documents.insert("event", event, lookup=event_type)
        payload = json_body(event) if endpoints else b""
        for endpoint in endpoints:
            delivery.enqueue(
                self.session,
                self.uow,
                mirror="stripe",
                endpoint_id=endpoint["id"],
                url=endpoint["url"],
                secret=self.endpoint_secret(endpoint["id"]),
                event_id=event["id"],
                event_type=event_type,
                object_id=obj.get("id"),
                payload=payload,
            )
        return event

    def endpoint_secret(self, endpoint_id: str) -> str:
        """Signing secrets are kept apart: Stripe shows them only when the endpoint is created."""
        secret = self.documents.get("webhook_endpoint_secret", f"{endpoint_id}:secret")
        assert secret is not None
        return str(secret["secret"])

    def now(self) -> int:
        """The session clock, unless this work happens on a test clock's (or a due timer's) time."""
        return self.frozen_at if self.frozen_at is not None else self.session.clock.timestamp()

    def new_id(self, kind: str) -> str:
        prefix, length = ids.PREFIXES[kind]
        return self.session.ids.new_sortable(prefix, length)

    def load(self, object_id: str) -> Document | None:
        """Any live object by id, for expansion."""
        kind = ids.kind_of(object_id)
        return self.documents.get(kind, object_id) if kind else None

    def require(self, kind: str, object_id: str, *, param: str = "id") -> Document:
        """The object, or Stripe's resource_missing (404 for a path id, 400 for a parameter)."""
        found = self.documents.get(kind, object_id)
        if found is None:
            raise ResourceMissing(ids.NOUNS[kind], object_id, param=param)
        return found

    def list_page(
        self,
        kind: str,
        params: dict[str, Any],
        where: list[ColumnElement[bool]],
        matches: Callable[[Document], bool] | None = None,
    ) -> tuple[list[Document], bool]:
        """A cursor page: `limit`, `starting_after`, `ending_before`, `created` as Stripe has them;
        `matches` keeps only the objects a list's other filters want (before the page is cut)."""
        limit = params.get("limit", DEFAULT_LIST_LIMIT)
        if not 1 <= limit <= MAX_LIST_LIMIT:
            raise InvalidParameter(
                f"Invalid limit: must be between 1 and {MAX_LIST_LIMIT}", param="limit"
            )
        if "starting_after" in params and "ending_before" in params:
            raise InvalidParameter(
                "You may only specify one of these parameters: ending_before, starting_after.",
                param="ending_before",
            )
        cursors = {}
        for name in ("starting_after", "ending_before"):
            if name in params:
                self.require(kind, params[name], param=name)
                cursors[name] = self.documents.seq_of(params[name])
        where = [*where, *_created_filter(params.get("created"))]
        return self.documents.page(kind, limit=limit, where=where, matches=matches, **cursors)


def _created_filter(created: int | dict[str, int] | None) -> list[ColumnElement[bool]]:
    column = models.objects.c.created
    if created is None:
        return []
    if isinstance(created, int):
        return [column == created]
    operators = {"gt": column.__gt__, "gte": column.__ge__, "lt": column.__lt__, "lte": column.__le__}
    return [operators[op](value) for op, value in created.items()]


def merge_metadata(current: dict[str, str], update: dict[str, str | None] | None) -> dict[str, str]:
    """Stripe merges metadata; `metadata[k]=` drops a key and `metadata=` drops them all."""
    if update is None:
        return {}
    merged = {**current, **update}
    return {key: value for key, value in merged.items() if value is not None}


ADDRESS_FIELDS = ("city", "country", "line1", "line2", "postal_code", "state")


def address_object(address: dict[str, Any] | None) -> dict[str, Any]:
    """Stripe's address hash: every field present, null where not given."""
    address = address or {}
    return {name: address.get(name) for name in ADDRESS_FIELDS}
