"""Broadcasts: a draft to a segment, sent now or at `scheduled_at` as one email per subscribed
contact (placeholders like `{{{FIRST_NAME|there}}}` filled per contact); cancel and delete rules."""

from __future__ import annotations

from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.resend import addresses, scheduling
from mirra.mirrors.resend.backend.base import BackendBase
from mirra.mirrors.resend.backend.templates import render
from mirra.mirrors.resend.errors import MissingRequiredField, ValidationError
from mirra.mirrors.resend.wire import as_list, page, rest_timestamp

SEND_JOB = "resend.broadcast.send"
RECIPIENT_EVENTS = ("sent", "delivered", "opened", "clicked", "bounced", "complained", "unsubscribed", "suppressed")
_EDITABLE = ("name", "from", "subject", "reply_to", "preview_text", "html", "text", "topic_id")


class Broadcasts(BackendBase):
    def create_broadcast(self, body: dict[str, Any]) -> Document:
        segment_id = body.get("segment_id") or body.get("audience_id")
        if not segment_id:
            raise MissingRequiredField("segment_id")
        for required in ("from", "subject"):
            if not body.get(required):
                raise MissingRequiredField(required)
        self.retrieve_segment(segment_id)
        _check_sender_format(body["from"])
        broadcast = {
            "object": "broadcast",
            "id": self.new_id(),
            "name": body.get("name") or "Untitled",
            "audience_id": segment_id,
            "segment_id": segment_id,
            "from": body["from"],
            "subject": body["subject"],
            "reply_to": as_list(body.get("reply_to")) or None,
            "preview_text": body.get("preview_text"),
            "html": body.get("html"),
            "text": body.get("text"),
            "topic_id": body.get("topic_id"),
            "status": "draft",
            "created_at": self.timestamp(),
            "scheduled_at": None,
            "sent_at": None,
        }
        self.insert("broadcast", broadcast)
        if body.get("send"):
            return self.send_broadcast(broadcast["id"], {"scheduled_at": body.get("scheduled_at")})
        if body.get("scheduled_at") is not None:
            raise ValidationError("The `scheduled_at` field can only be used together with `send: true`.")
        return broadcast

    def retrieve_broadcast(self, broadcast_id: str) -> Document:
        return self.require("broadcast", broadcast_id, "Broadcast not found")

    def list_broadcasts(self, query: dict[str, str]) -> tuple[list[Document], bool]:
        return page(self.newest_first("broadcast"), query, default_limit=None)

    def update_broadcast(self, broadcast_id: str, body: dict[str, Any]) -> Document:
        broadcast = self.retrieve_broadcast(broadcast_id)
        if broadcast["status"] != "draft":
            raise ValidationError("Only draft broadcasts can be updated.", status=403)
        segment_id = body.get("segment_id") or body.get("audience_id")
        if segment_id:
            self.retrieve_segment(segment_id)
            broadcast.update(segment_id=segment_id, audience_id=segment_id)
        if body.get("from"):
            _check_sender_format(body["from"])
        for name in _EDITABLE:
            if name in body:
                broadcast[name] = as_list(body[name]) or None if name == "reply_to" else body[name]
        return self.save("broadcast", broadcast)

    def send_broadcast(self, broadcast_id: str, body: dict[str, Any]) -> Document:
        broadcast = self.retrieve_broadcast(broadcast_id)
        if broadcast["status"] != "draft":
            raise ValidationError("Only draft broadcasts can be sent.", status=403)
        if not broadcast["html"] and not broadcast["text"]:
            raise ValidationError("Missing `html` or `text` field.")
        self.check_sender(addresses.mailbox(broadcast["from"]) or broadcast["from"], [])
        if body.get("scheduled_at") is not None:
            at = scheduling.scheduled_time(body["scheduled_at"], self.now())
            broadcast.update(status="scheduled", scheduled_at=rest_timestamp(at))
        else:
            at = self.now()
            broadcast["status"] = "queued"
        self.schedule(SEND_JOB, at, {"broadcast": broadcast_id, "scheduled_at": broadcast["scheduled_at"]})
        return self.save("broadcast", broadcast)

    def cancel_broadcast(self, broadcast_id: str) -> Document:
        """Scheduled goes back to draft (editable again); queued becomes canceled."""
        broadcast = self.retrieve_broadcast(broadcast_id)
        if broadcast["status"] == "scheduled":
            broadcast.update(status="draft", scheduled_at=None)
        elif broadcast["status"] == "queued":
            broadcast["status"] = "canceled"
        else:
            raise ValidationError("Only queued or scheduled broadcasts can be canceled", status=403)
        return self.save("broadcast", broadcast)

    def delete_broadcast(self, broadcast_id: str) -> Document:
        broadcast = self.retrieve_broadcast(broadcast_id)
        if broadcast["status"] not in ("draft", "scheduled"):
            raise ValidationError("Only draft or scheduled broadcasts can be deleted.", status=403)
        self.delete("broadcast", broadcast)
        return broadcast

    def duplicate_broadcast(self, broadcast_id: str) -> Document:
        source = self.retrieve_broadcast(broadcast_id)
        copy = {**source, "id": self.new_id(), "status": "draft", "created_at": self.timestamp(),
                "scheduled_at": None, "sent_at": None}
        return self.insert("broadcast", copy)

    def deliver_broadcast(self, broadcast_id: str, scheduled_at: str | None) -> None:
        """The broadcast's time came: one email per subscribed contact of its segment."""
        broadcast = self.get("broadcast", broadcast_id)
        if broadcast is None or broadcast["status"] not in ("queued", "scheduled") or broadcast["scheduled_at"] != scheduled_at:
            return
        for contact in reversed(self.newest_first("contact")):
            if broadcast["segment_id"] not in contact["segment_ids"] or contact["unsubscribed"]:
                continue
            if broadcast["topic_id"] and _opted_out(self.get("topic", broadcast["topic_id"]), contact, broadcast["topic_id"]):
                continue
            values = {"FIRST_NAME": contact["first_name"], "LAST_NAME": contact["last_name"], "EMAIL": contact["email"],
                      **contact["properties"]}
            draft = {
                "from": broadcast["from"], "to": [contact["email"]], "cc": [], "bcc": [],
                "reply_to": broadcast["reply_to"] or [], "subject": render(broadcast["subject"], values),
                "html": render(broadcast["html"], values), "text": render(broadcast["text"], values),
                "headers": {}, "tags": [], "attachments": [], "topic_id": broadcast["topic_id"],
                "template_id": None, "broadcast_id": broadcast_id,
            }
            self.mark_sent(self.store_email(draft, queued=True))
        broadcast.update(status="sent", sent_at=self.timestamp())
        self.save("broadcast", broadcast)

    def broadcast_recipients(self, broadcast_id: str, query: dict[str, str]) -> list[dict[str, Any]]:
        """The broadcast's recipients that had event `type` (unsubscribed: contacts who left since)."""
        self.retrieve_broadcast(broadcast_id)
        kind = query.get("type")
        if kind not in RECIPIENT_EVENTS:
            raise ValidationError(f"The `type` parameter must be one of: {', '.join(RECIPIENT_EVENTS)}.")
        rows = []
        for email, recipient in self.broadcast_deliveries(broadcast_id):
            contact = self.find("contact", recipient.lower())
            if kind == "unsubscribed":
                matching = [{}] if contact is not None and contact["unsubscribed"] else []
            else:
                matching = [e for e in email["events"] if e["type"] == f"email.{kind}" and recipient in e["recipients"]]
            if not matching or query.get("email", "").lower() not in recipient.lower():
                continue
            row: dict[str, Any] = {"id": email["id"], "contact_id": contact["id"] if contact else None, "email": recipient}
            if kind in ("opened", "clicked"):
                row["count"] = len(matching)
            if kind == "clicked":
                urls = [event["click"]["link"] for event in matching]
                row["clicked_links"] = [{"url": url, "clicks": urls.count(url)} for url in dict.fromkeys(urls)]
            if kind == "bounced":
                row["bounce_type"] = matching[-1]["bounce"]["type"].lower()
            rows.append(row)
        return rows

    def broadcast_clicked_links(self, broadcast_id: str) -> list[dict[str, Any]]:
        self.retrieve_broadcast(broadcast_id)
        clicks: dict[str, list[str]] = {}
        for email, recipient in self.broadcast_deliveries(broadcast_id):
            for event in email["events"]:
                if event["type"] == "email.clicked" and recipient in event["recipients"]:
                    clicks.setdefault(event["click"]["link"], []).append(recipient)
        return [
            {"id": f"{broadcast_id}:{index}", "url": url, "clicks": len(who), "unique_clicks": len(set(who))}
            for index, (url, who) in enumerate(clicks.items())
        ]

    def broadcast_deliveries(self, broadcast_id: str) -> list[tuple[Document, str]]:
        return [
            (email, recipient["email"])
            for email in self.documents.of_kind("email")
            if email["broadcast_id"] == broadcast_id
            for recipient in email["recipients"]
        ]


def _opted_out(topic: Document | None, contact: Document, topic_id: str) -> bool:
    chosen = {entry["id"]: entry["subscription"] for entry in contact["topics"]}
    default = topic["default_subscription"] if topic else "opt_in"
    return chosen.get(topic_id, default) == "opt_out"


def _check_sender_format(sender: Any) -> None:
    if not isinstance(sender, str) or addresses.mailbox(sender) is None:
        raise ValidationError(addresses.invalid_address_message("from"))
