"""Webhook endpoints (the management API) and the log of what was sent to them."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import select

from mirra.delivery import queue as delivery
from mirra.mirrors.documents import Document
from mirra.mirrors.resend import events, webhooks
from mirra.mirrors.resend.backend.base import MIRROR, BackendBase
from mirra.mirrors.resend.errors import MissingRequiredField, NotFound, ValidationError
from mirra.mirrors.resend.wire import page, rest_timestamp

STATUSES = ("enabled", "disabled")


class Webhooks(BackendBase):
    def create_webhook(self, body: dict[str, Any]) -> Document:
        for required in ("endpoint", "events"):
            if not body.get(required):
                raise MissingRequiredField(required)
        hook = {
            "object": "webhook",
            "id": self.new_id(),
            "endpoint": _endpoint(body["endpoint"]),
            "events": _events(body["events"]),
            "status": "enabled",
            "created_at": self.timestamp(),
            "signing_secret": webhooks.new_secret(self.session.ids),
        }
        return self.insert("webhook", hook)

    def retrieve_webhook(self, webhook_id: str) -> Document:
        return self.require("webhook", webhook_id, "Webhook not found")

    def list_webhooks(self, query: dict[str, str]) -> tuple[list[Document], bool]:
        return page(self.newest_first("webhook"), query, default_limit=None)

    def update_webhook(self, webhook_id: str, body: dict[str, Any]) -> Document:
        hook = self.retrieve_webhook(webhook_id)
        if "endpoint" in body:
            hook["endpoint"] = _endpoint(body["endpoint"])
        if "events" in body:
            hook["events"] = _events(body["events"])
        if "status" in body:
            if body["status"] not in STATUSES:
                raise ValidationError("The `status` field must be `enabled` or `disabled`.")
            hook["status"] = body["status"]
        return self.save("webhook", hook)

    def delete_webhook(self, webhook_id: str) -> Document:
        hook = self.retrieve_webhook(webhook_id)
        self.delete("webhook", hook)
        return hook

    def rotate_webhook_secret(self, webhook_id: str) -> Document:
        hook = self.retrieve_webhook(webhook_id)
        hook["signing_secret"] = webhooks.new_secret(self.session.ids)
        return self.save("webhook", hook)

    def webhook_events(self, webhook_id: str) -> list[dict[str, Any]]:
        """What was sent to one endpoint, newest first, as Resend's webhook events."""
        self.retrieve_webhook(webhook_id)
        table = delivery.deliveries_table
        rows = self.uow.conn.execute(
            select(table).where(table.c.mirror == MIRROR, table.c.endpoint_id == webhook_id).order_by(table.c.created_at.desc())
        ).all()
        found: dict[str, dict[str, Any]] = {}
        for row in rows:
            attempts = json.loads(row.attempts)
            status = {"succeeded": "success", "failed": "failed"}.get(row.status, "attempting" if attempts else "pending")
            event = found.setdefault(row.event_id, {
                "id": row.event_id, "type": row.event_type, "created_at": rest_timestamp(row.created_at),
                "status": status, "payload": json.loads(row.payload), "attempts": [], "deliveries": [],
            })
            event["deliveries"].append(row.id)
            event["attempts"] += [
                {"id": f"{row.id}:{a['attempt']}", "http_status_code": a["status"], "response": a["error"] or "",
                 "sent_at": rest_timestamp(a["at"])}
                for a in attempts
            ]
        return list(found.values())

    def webhook_event(self, webhook_id: str, event_id: str) -> dict[str, Any]:
        for event in self.webhook_events(webhook_id):
            if event["id"] == event_id:
                return event
        raise NotFound("Webhook event not found")

    def replay_webhook_event(self, webhook_id: str, event_id: str) -> dict[str, Any]:
        """Send the same message again: same bytes, so the same svix-id."""
        event = self.webhook_event(webhook_id, event_id)
        hook = self.retrieve_webhook(webhook_id)
        payload = json.dumps(event["payload"], sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        delivery.enqueue(self.session, self.uow, mirror=MIRROR, endpoint_id=webhook_id, url=hook["endpoint"],
                         secret=hook["signing_secret"], event_id=event_id, event_type=event["type"],
                         object_id=None, payload=payload)
        return event


def _endpoint(value: Any) -> str:
    parsed = urlparse(value) if isinstance(value, str) else None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValidationError("The `endpoint` field must be a valid URL.")
    return str(value)


def _events(value: Any) -> list[str]:
    if not isinstance(value, list) or not value or any(event not in events.EVENT_TYPES for event in value):
        raise ValidationError(f"The `events` field must be a non-empty array of: {', '.join(events.EVENT_TYPES)}.")
    return list(value)
