"""API keys: tokens shown once, full or sending access; deleted tokens stop authenticating."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from mirra.mirrors.documents import Document
from mirra.mirrors.resend import models
from mirra.mirrors.resend.backend.base import BackendBase
from mirra.mirrors.resend.errors import (
    InvalidAccess,
    MissingRequiredField,
    ValidationError,
)
from mirra.mirrors.resend.wire import page

PERMISSIONS = ("full_access", "sending_access")
MAX_NAME = 50


class ApiKeys(BackendBase):
    def create_api_key(self, body: dict[str, Any]) -> Document:
        name = body.get("name")
        if name is None:
            raise MissingRequiredField("name")
        _check_name(name)
        permission = body.get("permission", "full_access")
        if permission not in PERMISSIONS:
            raise InvalidAccess()
        domain_id = body.get("domain_id") if permission == "sending_access" else None
        if domain_id is not None:
            self.require("domain", domain_id, "Domain not found")
        key_id = self.new_id()
        token = f"re_{self.session.ids.new('', 8)}_{self.session.ids.new('', 24)}"
        key = {
            "id": key_id,
            "name": name,
            "created_at": self.timestamp(),
            "last_used_at": None,
            "permission": permission,
            "domain_id": domain_id,
            "token": token,
        }
        return self.insert("api_key", key, lookup=token)

    def list_api_keys(self, query: dict[str, str]) -> tuple[list[Document], bool]:
        return page(self.newest_first("api_key"), query, default_limit=None)

    def update_api_key(self, key_id: str, body: dict[str, Any]) -> Document:
        key = self.require("api_key", key_id, "API key not found")
        if "name" in body:
            _check_name(body["name"])
            key["name"] = body["name"]
        return self.save("api_key", key, lookup=key["token"])

    def delete_api_key(self, key_id: str) -> Document:
        key = self.require("api_key", key_id, "API key not found")
        self.delete("api_key", key)
        return key

    def key_for_token(self, token: str) -> Document | None:
        return self.find("api_key", token)

    def token_was_revoked(self, token: str) -> bool:
        table = models.objects
        return self.uow.conn.execute(
            select(table.c.id).where(table.c.kind == "api_key", table.c.lookup == token, table.c.deleted.is_(True))
        ).first() is not None

    def touch_api_key(self, key: Document) -> None:
        key["last_used_at"] = self.timestamp()
        self.save("api_key", key, lookup=key["token"])


def _check_name(name: Any) -> None:
    if not isinstance(name, str):
        raise ValidationError("The `name` field must be a string.")
    if len(name) > MAX_NAME:
        raise ValidationError(f"The `name` field must be at most {MAX_NAME} characters.")
