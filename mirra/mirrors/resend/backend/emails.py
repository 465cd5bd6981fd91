"""Emails: validate and store sends (single, batch, scheduled), update and cancel schedules.

An email keeps, beside Resend's fields, what a mail catcher would show: its recipients with
each one's own last event, its attachments and its event history (see `lifecycle`).
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import re
from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.resend import addresses, scheduling
from mirra.mirrors.resend.backend.base import BackendBase
from mirra.mirrors.resend.errors import (
    InvalidAttachment,
    MissingRequiredField,
    NotFound,
    ResendError,
    ValidationError,
)
from mirra.mirrors.resend.wire import as_list, page, rest_timestamp

MAX_RECIPIENTS = 50
MAX_BATCH = 100
MAX_ATTACHMENTS_BYTES = 40 * 1024 * 1024  # after base64
SEND_JOB = "resend.email.send"
_TAG = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
BATCH_MODES = ("strict", "permissive")


class Emails(BackendBase):
    def send_email(self, body: Any) -> Document:
        draft = self.email_draft(body)
        scheduled = body.get("scheduled_at")
        if scheduled is not None:
            at = scheduling.scheduled_time(scheduled, self.now())
            return self.store_email(draft, scheduled_at=at)
        email = self.store_email(draft)
        self.mark_sent(email)
        return email

    def send_batch(self, body: Any, mode: str) -> tuple[list[Document], list[dict[str, Any]]]:
        """Strict: the first invalid email fails the whole batch. Permissive: the valid ones go."""
        if mode not in BATCH_MODES:
            raise ValidationError("The `x-batch-validation` header must be `strict` or `permissive`.")
        if not isinstance(body, list):
            raise ValidationError("The request body must be an array of emails.")
        if not body:
            raise ValidationError("The request body must contain at least one email.")
        if len(body) > MAX_BATCH:
            raise ValidationError(f"Too many emails: a batch can contain at most {MAX_BATCH}.")
        drafts, errors = [], []
        for index, item in enumerate(body):
            try:
                drafts.append(self.batch_draft(item))
            except ResendError as error:
                if mode == "strict":
                    raise
                errors.append({"index": index, "message": error.message})
        emails = [self.store_email(draft, queued=True) for draft in drafts]
        for email in emails:
            self.schedule(SEND_JOB, self.now(), {"email": email["id"], "scheduled_at": None})
        return emails, errors

    def batch_draft(self, item: Any) -> dict[str, Any]:
        if isinstance(item, dict):
            if item.get("attachments"):
                raise ValidationError("Attachments are not supported in batch emails.")
            if item.get("scheduled_at") is not None:
                raise ValidationError("Scheduling is not supported in batch emails.")
        return self.email_draft(item)

    def email_draft(self, body: Any) -> dict[str, Any]:
        """Resend's checks, in its order: to, html/text, subject, from, then formats and sender."""
        if not isinstance(body, dict):
            raise ValidationError("The request body must be a JSON object.")
        template = self.rendered_template(body) if body.get("template") is not None else None
        to = as_list(body.get("to"))
        if not to:
            raise MissingRequiredField("to")
        html, text = body.get("html"), body.get("text")
        if template is not None:
            if html is not None or text is not None or body.get("react") is not None:
                raise ValidationError("The `template` field cannot be used together with `html`, `text` or `react`.")
            html, text = template["html"], template["text"]
        elif html is None and text is None:
            raise ValidationError("Missing `html` or `text` field.")
        subject = body.get("subject") or (template or {}).get("subject")
        if not subject:
            raise MissingRequiredField("subject")
        sender = body.get("from") or (template or {}).get("from")
        if not sender:
            raise MissingRequiredField("from")
        if not isinstance(sender, str) or addresses.mailbox(sender) is None:
            raise ValidationError(addresses.invalid_address_message("from"))
        cc, bcc = as_list(body.get("cc")), as_list(body.get("bcc"))
        reply_to = as_list(body.get("reply_to")) or as_list((template or {}).get("reply_to"))
        for field, values in (("to", to), ("cc", cc), ("bcc", bcc), ("reply_to", reply_to)):
            if any(addresses.mailbox(value) is None for value in values):
                raise ValidationError(addresses.invalid_address_message(field))
        if len(to) > MAX_RECIPIENTS:
            raise ValidationError(f"Too many recipients in the `to` field: the maximum is {MAX_RECIPIENTS}.")
        recipients = [addresses.mailbox(value) or value for value in to + cc + bcc]
        self.check_recipients(recipients)
        self.check_sender(addresses.mailbox(sender) or sender, recipients)
        return {
            "from": sender,
            "to": to,
            "cc": cc,
            "bcc": bcc,
            "reply_to": reply_to,
            "subject": subject,
            "html": html,
            "text": text,
            "headers": _headers(body.get("headers")),
            "tags": _tags(body.get("tags")),
            "attachments": self.attachments(body.get("attachments")),
            "topic_id": body.get("topic_id"),
            "template_id": (template or {}).get("id"),
            "broadcast_id": None,
        }

    def check_recipients(self, recipients: list[str]) -> None:
        if not self.settings["rejectReservedRecipients"]:
            return
        for recipient in recipients:
            domain = addresses.domain_of(recipient)
            if domain in addresses.RESERVED_DOMAINS:
                raise ValidationError(
                    f"The {domain} domain is reserved and cannot receive emails. "
                    "Use a test address such as delivered@resend.dev instead."
                )

    def check_sender(self, sender: str, recipients: list[str]) -> None:
        domain = addresses.domain_of(sender)
        if self.sending_domain is not None and domain != self.sending_domain:
            raise ValidationError(
                f"This API key is restricted to send emails from the {self.sending_domain} domain only.", status=403
            )
        if domain == addresses.TEST_DOMAIN:
            owner = self.settings["accountEmail"]
            for recipient in recipients:
                if recipient.lower() != owner.lower() and addresses.domain_of(recipient) != addresses.TEST_DOMAIN:
                    raise ValidationError(
                        f"You can only send testing emails to your own email address ({owner}). To send emails "
                        "to other recipients, please verify a domain at resend.com/domains, and change the "
                        "`from` address to an email using this domain.",
                        status=403,
                    )
            return
        found = self.find("domain", domain)
        if found is None or found["status"] != "verified":
            raise ValidationError(
                f"The {domain} domain is not verified. Please, add and verify your domain on https://resend.com/domains",
                status=403,
            )

    def attachments(self, items: Any) -> list[dict[str, Any]]:
        if items is None:
            return []
        if not isinstance(items, list):
            raise ValidationError("The `attachments` field must be an array.")
        stored, total = [], 0
        for item in items:
            if not isinstance(item, dict):
                raise InvalidAttachment()
            content, path = item.get("content"), item.get("path")
            if content is None and not path:
                raise InvalidAttachment()
            encoded = _base64_content(content) if content is not None else None
            total += len(encoded or "")
            filename = item.get("filename") or (str(path).rstrip("/").rpartition("/")[2] if path else None)
            content_id = item.get("content_id") or item.get("inline_content_id")
            stored.append({
                "id": self.new_id(),
                "filename": filename,
                "content_type": item.get("content_type") or mimetypes.guess_type(filename or "")[0] or "application/octet-stream",
                "content_id": content_id,
                "content_disposition": "inline" if content_id else "attachment",
                "size": len(base64.b64decode(encoded)) if encoded else None,
                "path": path,
                "content": encoded,
            })
        if total > MAX_ATTACHMENTS_BYTES:
            raise ValidationError("The attachments exceed the 40 MB limit per email.")
        return stored

    def store_email(self, draft: dict[str, Any], *, scheduled_at: float | None = None, queued: bool = False) -> Document:
        email_id = self.new_id()
        recipients = [
            {"email": addresses.mailbox(value) or value, "type": kind, "last_event": None}
            for kind in ("to", "cc", "bcc")
            for value in draft[kind]
        ]
        email = {
            "object": "email",
            "id": email_id,
            "to": draft["to"],
            "from": draft["from"],
            "created_at": self.timestamp(),
            "subject": draft["subject"],
            "html": draft["html"],
            "text": draft["text"],
            "bcc": draft["bcc"] or None,
            "cc": draft["cc"] or None,
            "reply_to": draft["reply_to"] or None,
            "last_event": "queued",
            "scheduled_at": rest_timestamp(scheduled_at) if scheduled_at is not None else None,
            "tags": draft["tags"],
            "headers": draft["headers"],
            "topic_id": draft["topic_id"],
            "template_id": draft["template_id"],
            "broadcast_id": draft["broadcast_id"],
            "message_id": f"<{self.new_id()}@email.amazonses.com>",
            "attachments": draft["attachments"],
            "recipients": recipients,
            "events": [],
        }
        self.insert("email", email)
        if scheduled_at is not None:
            self.record_event(email, "scheduled", [r["email"] for r in recipients])
            self.schedule(SEND_JOB, scheduled_at, {"email": email_id, "scheduled_at": email["scheduled_at"]})
            self.save("email", email)
        elif queued:
            self.record_event(email, "queued", [r["email"] for r in recipients])
            self.save("email", email)
        return email

    def retrieve_email(self, email_id: str) -> Document:
        return self.require("email", email_id, "Email not found")

    def list_emails(self, query: dict[str, str]) -> tuple[list[Document], bool]:
        return page(self.newest_first("email"), query, default_limit=20)

    def update_email(self, email_id: str, body: dict[str, Any]) -> Document:
        email = self.retrieve_email(email_id)
        if "scheduled_at" not in body:
            raise MissingRequiredField("scheduled_at")
        if email["last_event"] != "scheduled":
            raise ValidationError("Only scheduled emails can be updated.", status=403)
        at = scheduling.scheduled_time(body["scheduled_at"], self.now())
        email["scheduled_at"] = rest_timestamp(at)
        self.schedule(SEND_JOB, at, {"email": email_id, "scheduled_at": email["scheduled_at"]})
        return self.save("email", email)

    def cancel_email(self, email_id: str) -> Document:
        email = self.retrieve_email(email_id)
        if email["last_event"] != "scheduled":
            raise ValidationError("Only scheduled emails can be canceled.", status=403)
        self.record_event(email, "canceled", [r["email"] for r in email["recipients"]])
        return self.save("email", email)

    def email_attachment(self, email_id: str, attachment_id: str) -> dict[str, Any]:
        for attachment in self.retrieve_email(email_id)["attachments"]:
            if attachment["id"] == attachment_id:
                return attachment
        raise NotFound("Attachment not found")


def _base64_content(content: Any) -> str:
    """Python may send a list of byte values; Node and curl send base64."""
    if isinstance(content, list) and all(isinstance(b, int) and 0 <= b < 256 for b in content):
        return base64.b64encode(bytes(content)).decode()
    if isinstance(content, str):
        try:
            base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError("The attachment `content` must be base64-encoded.") from None
        return content
    raise InvalidAttachment()


def _tags(tags: Any) -> list[dict[str, str]]:
    if tags is None:
        return []
    if not isinstance(tags, list) or not all(isinstance(tag, dict) for tag in tags):
        raise ValidationError("The `tags` field must be an array of objects with `name` and `value`.")
    for tag in tags:
        if not isinstance(tag.get("name"), str) or not _TAG.match(tag["name"]) or (
            tag.get("value") is not None and (not isinstance(tag["value"], str) or not _TAG.match(tag["value"]))
        ):
            raise ValidationError("Tags should only contain ASCII letters (a-z, A-Z), numbers (0-9), underscores (_), or dashes (-).")
    return [{"name": tag["name"], "value": tag.get("value")} for tag in tags]


def _headers(headers: Any) -> dict[str, str]:
    if headers is None:
        return {}
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        raise ValidationError("The `headers` field must be an object of string values.")
    return dict(headers)
