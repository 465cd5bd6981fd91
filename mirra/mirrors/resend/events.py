"""Resend's webhook event types and the `data` each carries (snake_case; tags as an object)."""

from __future__ import annotations

from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.resend.wire import iso_timestamp, parse_rest_timestamp

EMAIL_EVENT_TYPES = (
    "email.sent",
    "email.scheduled",
    "email.delivered",
    "email.delivery_delayed",
    "email.complained",
    "email.bounced",
    "email.opened",
    "email.clicked",
    "email.received",
    "email.failed",
    "email.suppressed",
)
CONTACT_EVENT_TYPES = ("contact.created", "contact.updated", "contact.deleted", "contact.topics.updated")
DOMAIN_EVENT_TYPES = ("domain.created", "domain.updated", "domain.deleted")
TOPIC_EVENT_TYPES = ("topic.created", "topic.updated", "topic.deleted")
EVENT_TYPES = EMAIL_EVENT_TYPES + CONTACT_EVENT_TYPES + DOMAIN_EVENT_TYPES + TOPIC_EVENT_TYPES


def iso(rest_time: str) -> str:
    return iso_timestamp(parse_rest_timestamp(rest_time))


def email_data(email: Document, impacted: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "email_id": email["id"],
        "created_at": iso(email["created_at"]),
        "from": email["from"],
        "to": impacted,
        "subject": email["subject"],
        "message_id": email["message_id"],
    }
    if email["tags"]:
        data["tags"] = {tag["name"]: tag["value"] for tag in email["tags"]}
    if email["headers"]:
        data["headers"] = [{"name": name, "value": value} for name, value in email["headers"].items()]
    for optional in ("broadcast_id", "template_id"):
        if email.get(optional):
            data[optional] = email[optional]
    return data


def contact_data(contact: Document) -> dict[str, Any]:
    return {
        "id": contact["id"],
        "audience_id": contact["segment_ids"][0] if contact["segment_ids"] else None,
        "segment_ids": list(contact["segment_ids"]),
        "created_at": iso(contact["created_at"]),
        "updated_at": iso(contact["updated_at"]),
        "email": contact["email"],
        "first_name": contact["first_name"],
        "last_name": contact["last_name"],
        "unsubscribed": contact["unsubscribed"],
    }


def domain_data(domain: Document) -> dict[str, Any]:
    return {
        "id": domain["id"],
        "name": domain["name"],
        "status": domain["status"],
        "created_at": iso(domain["created_at"]),
        "region": domain["region"],
        "records": [dict(record) for record in domain["records"]],
    }


def topic_data(topic: Document, *, deleted: bool = False) -> dict[str, Any]:
    return {
        "id": topic["id"],
        "name": topic["name"],
        "description": topic["description"],
        "default_subscription": topic["default_subscription"],
        "deleted": deleted,
        "created_at": iso(topic["created_at"]),
        "updated_at": iso(topic["updated_at"]),
    }
