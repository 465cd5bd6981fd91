"""Templates: drafts, publishing, duplicates, and rendering `{{{VAR}}}` for sends and broadcasts."""

from __future__ import annotations

import re
from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.resend.backend.base import BackendBase
from mirra.mirrors.resend.errors import MissingRequiredField, NotFound, ValidationError
from mirra.mirrors.resend.wire import page

VARIABLE_TYPES = ("string", "number", "boolean", "object", "list")
_PLACEHOLDER = re.compile(r"\{\{\{?\s*([A-Za-z0-9_]+)(?:\s*\|\s*([^}]*?))?\s*\}?\}\}")
_EDITABLE = ("name", "alias", "from", "subject", "reply_to", "html", "text", "variables")


class Templates(BackendBase):
    def create_template(self, body: dict[str, Any]) -> Document:
        for required in ("name", "html"):
            if not body.get(required):
                raise MissingRequiredField(required)
        alias = body.get("alias")
        if alias and self.find("template", alias) is not None:
            raise ValidationError(f"A template with the alias `{alias}` already exists.", status=409)
        now = self.timestamp()
        template = {
            "object": "template",
            "id": self.new_id(),
            "current_version_id": self.new_id(),
            "alias": alias,
            "name": body["name"],
            "created_at": now,
            "updated_at": now,
            "status": "draft",
            "published_at": None,
            "from": body.get("from"),
            "subject": body.get("subject"),
            "reply_to": body.get("reply_to"),
            "html": body["html"],
            "text": body.get("text"),
            "variables": _variables(body.get("variables")),
            "has_unpublished_versions": True,
        }
        return self.insert("template", template, lookup=alias)

    def retrieve_template(self, ref: str) -> Document:
        found = self.get("template", ref) or self.find("template", ref)
        if found is None:
            raise NotFound("Template not found")
        return found

    def list_templates(self, query: dict[str, str]) -> tuple[list[Document], bool]:
        return page(self.newest_first("template"), query, default_limit=20)

    def update_template(self, ref: str, body: dict[str, Any]) -> Document:
        template = self.retrieve_template(ref)
        for name in _EDITABLE:
            if name in body:
                template[name] = _variables(body[name]) if name == "variables" else body[name]
        template["updated_at"] = self.timestamp()
        template["has_unpublished_versions"] = True
        return self.save("template", template, lookup=template["alias"])

    def publish_template(self, ref: str) -> Document:
        template = self.retrieve_template(ref)
        template.update(status="published", published_at=self.timestamp(), has_unpublished_versions=False)
        template["published"] = {name: template[name] for name in _EDITABLE}
        return self.save("template", template, lookup=template["alias"])

    def duplicate_template(self, ref: str) -> Document:
        source = self.retrieve_template(ref)
        body = {name: source[name] for name in _EDITABLE if name != "alias"}
        return self.create_template({**body, "name": f"{source['name']} (Copy)"})

    def delete_template(self, ref: str) -> Document:
        template = self.retrieve_template(ref)
        self.delete("template", template)
        return template

    def rendered_template(self, body: dict[str, Any]) -> dict[str, Any]:
        """The published version of `body["template"]` with its variables filled in."""
        reference = body["template"]
        if not isinstance(reference, dict) or not isinstance(reference.get("id"), str):
            raise ValidationError("The `template` field must be an object with an `id`.")
        template = self.retrieve_template(reference["id"])
        if template["status"] != "published":
            raise ValidationError("Only published templates can be used to send emails.")
        published = template["published"]
        given = reference.get("variables") or {}
        values: dict[str, Any] = {}
        for variable in published["variables"]:
            key = variable["key"]
            if key in given:
                values[key] = given[key]
            elif variable.get("fallback_value") is not None:
                values[key] = variable["fallback_value"]
            else:
                raise ValidationError(f"Missing required variable `{key}`.")
        return {
            "id": template["id"],
            "from": published["from"],
            "subject": render(published["subject"], values),
            "reply_to": published["reply_to"],
            "html": render(published["html"], values),
            "text": render(published["text"], values),
        }


def render(text: str | None, values: dict[str, Any]) -> str | None:
    """Fill `{{{NAME}}}` / `{{{NAME|fallback}}}` placeholders; unknown names keep their fallback."""
    if text is None:
        return None

    def fill(found: re.Match[str]) -> str:
        value = values.get(found.group(1))
        return str(value) if value is not None else (found.group(2) or "")

    return _PLACEHOLDER.sub(fill, text)


def _variables(variables: Any) -> list[dict[str, Any]]:
    if variables is None:
        return []
    if not isinstance(variables, list):
        raise ValidationError("The `variables` field must be an array.")
    checked = []
    for variable in variables:
        if not isinstance(variable, dict) or not isinstance(variable.get("key"), str):
            raise MissingRequiredField("key")
        if variable.get("type", "string") not in VARIABLE_TYPES:
            raise ValidationError(f"The variable `type` must be one of: {', '.join(VARIABLE_TYPES)}.")
        checked.append({"key": variable["key"], "type": variable.get("type", "string"),
                        "fallback_value": variable.get("fallback_value")})
    return checked
