"""Webhook endpoints and events: what the account is told, and where."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from mirra.mirrors.documents import Document
from mirra.mirrors.stripe import models
from mirra.mirrors.stripe.backend.base import BackendBase, merge_metadata
from mirra.mirrors.stripe.errors import InvalidParameter

MAX_ENDPOINTS = 16  # Stripe's limit per account


class WebhookEndpoints(BackendBase):
    def create_webhook_endpoint(self, params: dict[str, Any]) -> Document:
        _check_url(params["url"])
        if len(self.documents.page("webhook_endpoint", limit=MAX_ENDPOINTS)[0]) >= MAX_ENDPOINTS:
            raise InvalidParameter(
                f"You have reached the maximum of {MAX_ENDPOINTS} test webhook endpoints.", param="url"
            )
        endpoint = {
            "id": self.new_id("webhook_endpoint"),
            "object": "webhook_endpoint",
            "api_version": params.get("api_version"),
            "application": None,
            "created": self.now(),
            "description": params.get("description"),
            "enabled_events": params["enabled_events"],
            "livemode": False,
            "metadata": merge_metadata({}, params.get("metadata") or {}),
            "status": "enabled",
            "url": params["url"],
        }
        secret = "whsec_" + self.session.ids.new("", 32)
        self.insert("webhook_endpoint", endpoint)
        self.documents.insert(
            "webhook_endpoint_secret",
            {"id": f"{endpoint['id']}:secret", "secret": secret, "created": endpoint["created"]},
            parent=endpoint["id"],
        )
        return {**endpoint, "secret": secret}

    def retrieve_webhook_endpoint(self, endpoint_id: str) -> Document:
        return self.require("webhook_endpoint", endpoint_id)

    def update_webhook_endpoint(self, endpoint_id: str, params: dict[str, Any]) -> Document:
        before = self.require("webhook_endpoint", endpoint_id)
        endpoint = dict(before)
        if "url" in params:
            _check_url(params["url"])
            endpoint["url"] = params["url"]
        for name in ("enabled_events", "description"):
            if name in params:
                endpoint[name] = params[name]
        if "disabled" in params:
            endpoint["status"] = "disabled" if params["disabled"] else "enabled"
        if "metadata" in params:
            endpoint["metadata"] = merge_metadata(before["metadata"], params["metadata"])
        return self.replace("webhook_endpoint", endpoint, before)

    def delete_webhook_endpoint(self, endpoint_id: str) -> Document:
        before = self.require("webhook_endpoint", endpoint_id)
        self.remove("webhook_endpoint", before)
        return {"id": endpoint_id, "object": "webhook_endpoint", "deleted": True}

    def list_webhook_endpoints(self, params: dict[str, Any]) -> tuple[list[Document], bool]:
        return self.list_page("webhook_endpoint", params, [])

    def retrieve_event(self, event_id: str) -> Document:
        return self.require("event", event_id)

    def list_events(self, params: dict[str, Any]) -> tuple[list[Document], bool]:
        column = models.objects.c.lookup
        where = []
        if "type" in params and "types" in params:
            raise InvalidParameter("You may only specify one of these parameters: type, types.", param="type")
        if "type" in params:
            pattern = params["type"]
            where.append(column.like(pattern.replace("*", "%")) if "*" in pattern else column == pattern)
        if "types" in params:
            where.append(column.in_(params["types"]))
        return self.list_page("event", params, where)

    def delivered(self, event_id: str) -> None:
        """One endpoint got the event: one fewer pending webhook."""
        before = self.documents.get("event", event_id)
        if before is not None and before["pending_webhooks"] > 0:
            self.documents.replace("event", {**before, "pending_webhooks": before["pending_webhooks"] - 1}, before, lookup=before["type"])


def _check_url(url: str) -> None:
    """Stripe wants an absolute http(s) URL; mirra also takes local ones, where receivers run."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidParameter(f"Invalid URL: {url}", param="url")
