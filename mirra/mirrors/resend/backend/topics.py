"""Topics: what contacts subscribe to; topic.* webhooks."""

from __future__ import annotations

from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.resend import events
from mirra.mirrors.resend.backend.base import BackendBase
from mirra.mirrors.resend.errors import MissingRequiredField, ValidationError
from mirra.mirrors.resend.wire import page

VISIBILITIES = ("public", "private")


class Topics(BackendBase):
    def create_topic(self, body: dict[str, Any]) -> Document:
        name = body.get("name")
        if not name:
            raise MissingRequiredField("name")
        if "default_subscription" not in body:
            raise MissingRequiredField("default_subscription")
        if body["default_subscription"] not in ("opt_in", "opt_out"):
            raise ValidationError("The `default_subscription` field must be `opt_in` or `opt_out`.")
        _check(body)
        now = self.timestamp()
        topic = {
            "object": "topic",
            "id": self.new_id(),
            "name": name,
            "description": body.get("description"),
            "default_subscription": body["default_subscription"],
            "visibility": body.get("visibility", "private"),
            "created_at": now,
            "updated_at": now,
        }
        self.insert("topic", topic)
        self.emit("topic.created", events.topic_data(topic))
        return topic

    def retrieve_topic(self, topic_id: str) -> Document:
        return self.require("topic", topic_id, "Topic not found")

    def list_topics(self, query: dict[str, str]) -> tuple[list[Document], bool]:
        return page(self.newest_first("topic"), query, default_limit=None)

    def update_topic(self, topic_id: str, body: dict[str, Any]) -> Document:
        topic = self.retrieve_topic(topic_id)
        _check(body)
        for name in ("name", "description", "visibility"):
            if name in body:
                topic[name] = body[name]
        topic["updated_at"] = self.timestamp()
        self.save("topic", topic)
        self.emit("topic.updated", events.topic_data(topic))
        return topic

    def delete_topic(self, topic_id: str) -> Document:
        topic = self.retrieve_topic(topic_id)
        self.delete("topic", topic)
        self.emit("topic.deleted", events.topic_data(topic, deleted=True))
        return topic


def _check(body: dict[str, Any]) -> None:
    if "name" in body and (not isinstance(body["name"], str) or len(body["name"]) > 50):
        raise ValidationError("The `name` field must be a string of at most 50 characters.")
    if body.get("description") is not None and (not isinstance(body["description"], str) or len(body["description"]) > 200):
        raise ValidationError("The `description` field must be a string of at most 200 characters.")
    if "visibility" in body and body["visibility"] not in VISIBILITIES:
        raise ValidationError("The `visibility` field must be `public` or `private`.")
