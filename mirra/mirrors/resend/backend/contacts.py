"""Segments (formerly audiences), contacts (global, by id or email), their segment memberships,
topic subscriptions and properties; contact.* webhooks."""

from __future__ import annotations

import re
from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.resend import events
from mirra.mirrors.resend.backend.base import BackendBase
from mirra.mirrors.resend.errors import MissingRequiredField, NotFound, ValidationError
from mirra.mirrors.resend.wire import page

SUBSCRIPTIONS = ("opt_in", "opt_out")
_PROPERTY_KEY = re.compile(r"^[A-Za-z0-9_]{1,50}$")


class Contacts(BackendBase):
    # segments -------------------------------------------------------------------------------
    def create_segment(self, body: dict[str, Any]) -> Document:
        name = body.get("name")
        if not name:
            raise MissingRequiredField("name")
        if not isinstance(name, str):
            raise ValidationError("The `name` field must be a string.")
        segment = {"object": "segment", "id": self.new_id(), "name": name, "created_at": self.timestamp()}
        return self.insert("segment", segment)

    def retrieve_segment(self, segment_id: str) -> Document:
        return self.require("segment", segment_id, "Audience not found")

    def list_segments(self, query: dict[str, str]) -> tuple[list[Document], bool]:
        return page(self.newest_first("segment"), query, default_limit=None)

    def update_segment(self, segment_id: str, body: dict[str, Any]) -> Document:
        segment = self.retrieve_segment(segment_id)
        if body.get("name"):
            segment["name"] = body["name"]
        return self.save("segment", segment)

    def delete_segment(self, segment_id: str) -> None:
        """Resend answers `deleted: true` even for ids it never had."""
        segment = self.get("segment", segment_id)
        if segment is not None:
            for contact in self.documents.of_kind("contact"):
                if segment_id in contact["segment_ids"]:
                    contact["segment_ids"].remove(segment_id)
                    self.save("contact", contact, lookup=contact["email"].lower())
            self.delete("segment", segment)

    # contacts -------------------------------------------------------------------------------
    def create_contact(self, body: dict[str, Any], segment_id: str | None = None) -> Document:
        email = body.get("email")
        if not email:
            raise MissingRequiredField("email")
        if not isinstance(email, str) or "@" not in email:
            raise ValidationError("Invalid `email` field.")
        segment_ids = [segment_id] if segment_id else []
        for entry in body.get("segments") or []:
            segment_ids.append(entry["id"] if isinstance(entry, dict) else entry)
        for sid in segment_ids:
            self.retrieve_segment(sid)
        existing = self.find("contact", email.lower())
        if existing is not None:
            for sid in segment_ids:
                if sid not in existing["segment_ids"]:
                    existing["segment_ids"].append(sid)
            return self.write_contact(existing, "contact.updated")
        now = self.timestamp()
        contact = {
            "object": "contact",
            "id": self.new_id(),
            "email": email,
            "first_name": body.get("first_name"),
            "last_name": body.get("last_name"),
            "created_at": now,
            "updated_at": now,
            "unsubscribed": bool(body.get("unsubscribed", False)),
            "properties": self.checked_properties(body.get("properties") or {}),
            "segment_ids": segment_ids,
            "topics": self.checked_topics(body.get("topics") or []),
        }
        self.insert("contact", contact, lookup=email.lower())
        self.emit("contact.created", events.contact_data(contact))
        return contact

    def write_contact(self, contact: Document, event_type: str) -> Document:
        contact["updated_at"] = self.timestamp()
        self.save("contact", contact, lookup=contact["email"].lower())
        self.emit(event_type, events.contact_data(contact))
        return contact

    def find_contact(self, identifier: str) -> Document | None:
        return self.get("contact", identifier) or self.find("contact", identifier.lower())

    def retrieve_contact(self, identifier: str, segment_id: str | None = None) -> Document:
        contact = self.find_contact(identifier)
        if contact is None or (segment_id is not None and segment_id not in contact["segment_ids"]):
            raise NotFound("Contact not found")
        return contact

    def list_contacts(self, query: dict[str, str], segment_id: str | None = None) -> tuple[list[Document], bool]:
        if segment_id is not None:
            self.retrieve_segment(segment_id)
        contacts = [c for c in self.newest_first("contact") if segment_id is None or segment_id in c["segment_ids"]]
        return page(contacts, query, default_limit=None)

    def update_contact(self, identifier: str, body: dict[str, Any], segment_id: str | None = None) -> Document:
        contact = self.retrieve_contact(identifier, segment_id)
        for name in ("first_name", "last_name"):
            if name in body:
                contact[name] = body[name]
        if "unsubscribed" in body:
            contact["unsubscribed"] = bool(body["unsubscribed"])
        if body.get("properties") is not None:
            contact["properties"] = {**contact["properties"], **self.checked_properties(body["properties"])}
        return self.write_contact(contact, "contact.updated")

    def delete_contact(self, identifier: str, segment_id: str | None = None) -> None:
        """Resend answers `deleted: true` even for contacts it never had."""
        contact = self.find_contact(identifier)
        if contact is None:
            return
        if segment_id is not None and len(contact["segment_ids"]) > 1:
            contact["segment_ids"].remove(segment_id)
            self.write_contact(contact, "contact.updated")
            return
        self.delete("contact", contact)
        self.emit("contact.deleted", events.contact_data(contact))

    def contact_segments(self, identifier: str) -> list[Document]:
        contact = self.retrieve_contact(identifier)
        return [s for sid in contact["segment_ids"] if (s := self.get("segment", sid)) is not None]

    def add_contact_to_segment(self, identifier: str, segment_id: str) -> Document:
        contact = self.retrieve_contact(identifier)
        self.retrieve_segment(segment_id)
        if segment_id not in contact["segment_ids"]:
            contact["segment_ids"].append(segment_id)
            self.write_contact(contact, "contact.updated")
        return contact

    def remove_contact_from_segment(self, identifier: str, segment_id: str) -> Document:
        contact = self.retrieve_contact(identifier)
        if segment_id in contact["segment_ids"]:
            contact["segment_ids"].remove(segment_id)
            self.write_contact(contact, "contact.updated")
        return contact

    def contact_topics(self, identifier: str) -> tuple[Document, list[dict[str, Any]]]:
        contact = self.retrieve_contact(identifier)
        chosen = {entry["id"]: entry["subscription"] for entry in contact["topics"]}
        topics = [
            {"id": t["id"], "name": t["name"], "description": t["description"],
             "subscription": chosen.get(t["id"], t["default_subscription"])}
            for t in self.newest_first("topic")
        ]
        return contact, topics

    def update_contact_topics(self, identifier: str, body: Any) -> Document:
        """Both SDKs send a bare array; the OpenAPI spec documents `{"topics": [...]}`."""
        entries = body.get("topics") if isinstance(body, dict) else body
        if not isinstance(entries, list):
            raise MissingRequiredField("topics")
        contact = self.retrieve_contact(identifier)
        changes = {entry["id"]: entry["subscription"] for entry in self.checked_topics(entries)}
        contact["topics"] = [e for e in contact["topics"] if e["id"] not in changes]
        contact["topics"] += [{"id": tid, "subscription": sub} for tid, sub in changes.items()]
        contact["updated_at"] = self.timestamp()
        self.save("contact", contact, lookup=contact["email"].lower())
        self.emit("contact.topics.updated", {"email": contact["email"], "topics": [dict(e) for e in contact["topics"]]})
        return contact

    def checked_topics(self, entries: list[Any]) -> list[dict[str, str]]:
        checked = []
        for entry in entries:
            if not isinstance(entry, dict) or entry.get("subscription") not in SUBSCRIPTIONS:
                raise ValidationError("Each topic needs an `id` and a `subscription` of `opt_in` or `opt_out`.")
            self.require("topic", str(entry.get("id")), "Topic not found")
            checked.append({"id": entry["id"], "subscription": entry["subscription"]})
        return checked

    def checked_properties(self, properties: Any) -> dict[str, Any]:
        if not isinstance(properties, dict):
            raise ValidationError("The `properties` field must be an object.")
        known = {p["key"]: p for p in self.documents.of_kind("contact_property")}
        for key, value in properties.items():
            definition = known.get(key)
            if definition is None:
                raise NotFound("Contact property not found")
            expected = str if definition["type"] == "string" else (int, float)
            if value is not None and (isinstance(value, bool) or not isinstance(value, expected)):
                raise ValidationError(f"The `{key}` property must be a {definition['type']}.")
        return dict(properties)

    # contact properties -----------------------------------------------------------------------
    def create_contact_property(self, body: dict[str, Any]) -> Document:
        key = body.get("key")
        if not key:
            raise MissingRequiredField("key")
        if not isinstance(key, str) or not _PROPERTY_KEY.match(key):
            raise ValidationError("The `key` field may only contain letters, numbers and underscores (at most 50).")
        kind = body.get("type")
        if kind not in ("string", "number"):
            raise ValidationError('The `type` field must be "string" or "number".')
        if any(p["key"] == key for p in self.documents.of_kind("contact_property")):
            raise ValidationError(f"A contact property with the key `{key}` already exists.", status=409)
        prop = {"object": "contact_property", "id": self.new_id(), "key": key, "type": kind,
                "fallback_value": body.get("fallback_value"), "created_at": self.timestamp()}
        return self.insert("contact_property", prop)

    def retrieve_contact_property(self, property_id: str) -> Document:
        return self.require("contact_property", property_id, "Contact property not found")

    def list_contact_properties(self, query: dict[str, str]) -> tuple[list[Document], bool]:
        return page(self.newest_first("contact_property"), query, default_limit=None)

    def update_contact_property(self, property_id: str, body: dict[str, Any]) -> Document:
        prop = self.retrieve_contact_property(property_id)
        if "fallback_value" in body:
            prop["fallback_value"] = body["fallback_value"]
        return self.save("contact_property", prop)

    def delete_contact_property(self, property_id: str) -> Document:
        prop = self.retrieve_contact_property(property_id)
        self.delete("contact_property", prop)
        return prop
