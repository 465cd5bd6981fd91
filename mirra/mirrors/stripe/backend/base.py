"""What every Stripe backend operation stands on: the session's objects, clock and ids."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement

from mirra.mirrors.documents import Document, Documents
from mirra.mirrors.stripe import ids, models
from mirra.mirrors.stripe.errors import InvalidParameter, ResourceMissing
from mirra.sessions.store import UnitOfWork

if TYPE_CHECKING:
    from mirra.sessions.registry import Session

MAX_LIST_LIMIT = 100
DEFAULT_LIST_LIMIT = 10


class BackendBase:
    def __init__(self, session: Session, uow: UnitOfWork) -> None:
        self.session = session
        self.uow = uow
        self.documents = Documents(uow, models.objects, "stripe")

    def now(self) -> int:
        return self.session.clock.timestamp()

    def new_id(self, kind: str) -> str:
        prefix, length = ids.PREFIXES[kind]
        return self.session.ids.new(prefix, length)

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
        self, kind: str, params: dict[str, Any], where: list[ColumnElement[bool]]
    ) -> tuple[list[Document], bool]:
        """A cursor page: `limit`, `starting_after`, `ending_before`, `created` as Stripe has them."""
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
        return self.documents.page(kind, limit=limit, where=where, **cursors)


def _created_filter(created: int | dict[str, int] | None) -> list[ColumnElement[bool]]:
    column = models.objects.c.created
    if created is None:
        return []
    if isinstance(created, int):
        return [column == created]
    operators = {"gt": column.__gt__, "gte": column.__ge__, "lt": column.__lt__, "lte": column.__le__}
    return [operators[op](value) for op, value in created.items()]
