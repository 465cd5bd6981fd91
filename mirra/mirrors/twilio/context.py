"""What the pipeline learns about one request, handed to the handler."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from mirra.mirrors.documents import Document, Documents
from mirra.mirrors.http import MirrorRequest
from mirra.mirrors.twilio import models
from mirra.mirrors.twilio.errors import not_found

if TYPE_CHECKING:
    from mirra.sessions.registry import Session
    from mirra.sessions.store import UnitOfWork

MIRROR = "twilio"


class Params:
    """Form or query parameters in order; repeated keys (`MediaUrl=…&MediaUrl=…`) kept."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs

    @classmethod
    def parse(cls, text: str) -> Params:
        return cls(parse_qsl(text, keep_blank_values=True))

    def get(self, name: str) -> str | None:
        return next((value for key, value in self.pairs if key == name), None)

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.pairs if key == name]

    def __contains__(self, name: str) -> bool:
        return any(key == name for key, _ in self.pairs)

    def flag(self, name: str) -> bool:
        return (self.get(name) or "").lower() == "true"


@dataclass
class Store:
    """One session's Twilio objects inside one unit of work."""

    session: Session
    uow: UnitOfWork
    at: float | None = None
    """The time the work happens at, when not now: a job's due time (steps a clock advance
    passes over keep their own times)."""
    docs: Documents = field(init=False)

    def __post_init__(self) -> None:
        self.docs = Documents(self.uow, models.objects, MIRROR)

    def now(self) -> float:
        return self.session.clock.now() if self.at is None else self.at

    def sid(self, prefix: str) -> str:
        return prefix + self.session.ids.hex_upper(32).lower()

    def get(self, kind: str, sid: str) -> Document | None:
        return self.docs.get(kind, sid)

    def owned(self, kind: str, sid: str, account: str, path: str) -> Document:
        """The account's object, or Twilio's 404 naming the requested path."""
        doc = self.docs.get(kind, sid)
        if doc is None or doc["account"] != account:
            raise not_found(path)
        return doc

    def of_account(self, kind: str, account: str) -> list[Document]:
        return [doc for doc in self.docs.of_kind(kind) if doc["account"] == account]

    def insert(self, kind: str, doc: Document, lookup: str | None = None) -> Document:
        return self.docs.insert(kind, doc, parent=doc.get("account"), lookup=lookup)

    def save(self, kind: str, doc: Document, before: Document) -> Document:
        return self.docs.replace(kind, doc, before)

    def delete(self, kind: str, doc: Document) -> None:
        self.docs.mark_deleted(kind, doc)


@dataclass
class RequestContext:
    session: Session
    request: MirrorRequest
    request_id: str
    store: Store
    account: Document
    """The account the request acts for (the path's AccountSid, or the credentials' own)."""
    test: bool = False
    """Made with the account's test credentials: validated, never stored, no callbacks."""
    params: Params = field(default_factory=lambda: Params([]))
    path: dict[str, str] = field(default_factory=dict)

    @property
    def account_sid(self) -> str:
        return str(self.account["id"])

    def now(self) -> float:
        return self.store.now()

