"""The JSON Resend answers for each object: stored documents carry more than the API shows."""

from __future__ import annotations

from typing import Any

from mirra.mirrors.documents import Document

EMAIL_FIELDS = ("object", "id", "to", "from", "created_at", "subject", "html", "text", "bcc", "cc", "reply_to",
                "last_event", "scheduled_at")
EMAIL_LIST_FIELDS = ("id", "to", "from", "created_at", "subject", "bcc", "cc", "reply_to", "last_event", "scheduled_at")
DOMAIN_LIST_FIELDS = ("id", "name", "status", "created_at", "region", "capabilities", "open_tracking", "click_tracking")
CONTACT_FIELDS = ("object", "id", "email", "first_name", "last_name", "created_at", "unsubscribed", "properties")
CONTACT_LIST_FIELDS = ("id", "email", "first_name", "last_name", "created_at", "unsubscribed")
BROADCAST_LIST_FIELDS = ("id", "name", "audience_id", "segment_id", "status", "created_at", "scheduled_at", "sent_at", "topic_id")
TEMPLATE_FIELDS = ("object", "id", "current_version_id", "alias", "name", "created_at", "updated_at", "status",
                   "published_at", "from", "subject", "reply_to", "html", "text", "variables", "has_unpublished_versions")
TEMPLATE_LIST_FIELDS = ("id", "name", "status", "published_at", "created_at", "updated_at", "alias")
WEBHOOK_LIST_FIELDS = ("id", "endpoint", "events", "status", "created_at")
ATTACHMENT_FIELDS = ("id", "filename", "content_type", "content_id", "content_disposition", "size")


def pick(obj: Document, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: obj.get(name) for name in fields}


def email(obj: Document) -> dict[str, Any]:
    shown = pick(obj, EMAIL_FIELDS)
    if obj["tags"]:
        shown["tags"] = obj["tags"]
    if obj.get("topic_id"):
        shown["topic_id"] = obj["topic_id"]
    return shown


def domain(obj: Document) -> dict[str, Any]:
    return {name: value for name, value in obj.items() if name != "custom_return_path"}


def created_domain(obj: Document) -> dict[str, Any]:
    return {name: value for name, value in domain(obj).items() if name not in ("object", "tls")}


def attachment(obj: dict[str, Any]) -> dict[str, Any]:
    shown = pick(obj, ATTACHMENT_FIELDS)
    content = obj["content"]
    shown["download_url"] = f"data:{obj['content_type']};base64,{content}" if content is not None else obj["path"]
    shown["expires_at"] = None
    return shown


def template(obj: Document) -> dict[str, Any]:
    return pick(obj, TEMPLATE_FIELDS)


def email_state(obj: Document) -> dict[str, Any]:
    """What a mail catcher shows: the rendered email, each recipient's fate and the history."""
    return {**obj, "attachments": [pick(a, (*ATTACHMENT_FIELDS, "path")) for a in obj["attachments"]]}
