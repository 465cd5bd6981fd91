"""Domains: DNS records to publish, and verification on the session clock
(not_started ─verify─► pending ─► verified, or failed by simulation), with domain.* webhooks."""

from __future__ import annotations

import base64
import re
from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.resend import events
from mirra.mirrors.resend.backend.base import BackendBase
from mirra.mirrors.resend.errors import (
    InvalidRegion,
    MissingRequiredField,
    ValidationError,
)
from mirra.mirrors.resend.wire import page

REGIONS = ("us-east-1", "eu-west-1", "sa-east-1", "ap-northeast-1")
VERIFY_JOB = "resend.domain.verify"
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_TLS = ("opportunistic", "enforced")
_CAPABILITY = ("enabled", "disabled")


class Domains(BackendBase):
    def create_domain(self, body: dict[str, Any]) -> Document:
        name = body.get("name")
        if not name:
            raise MissingRequiredField("name")
        if not isinstance(name, str) or not _DOMAIN.match(name.lower()):
            raise ValidationError("Invalid domain name. Use a domain such as `example.com` or `mail.example.com`.")
        name = name.lower()
        region = body.get("region", "us-east-1")
        if region not in REGIONS:
            raise InvalidRegion()
        if self.find("domain", name) is not None:
            raise ValidationError(f"The domain {name} has already been registered.", status=403)
        return_path = body.get("custom_return_path") or "send"
        capabilities = _capabilities({"sending": "enabled", "receiving": "disabled"}, body.get("capabilities"))
        domain = {
            "object": "domain",
            "id": self.new_id(),
            "name": name,
            "status": "not_started",
            "created_at": self.timestamp(),
            "region": region,
            "open_tracking": _flag(body, "open_tracking", False),
            "click_tracking": _flag(body, "click_tracking", False),
            "tls": _choice(body, "tls", _TLS, "opportunistic"),
            "tracking_subdomain": body.get("tracking_subdomain"),
            "custom_return_path": return_path,
            "capabilities": capabilities,
            "records": [],
        }
        domain["records"] = self.dns_records(domain)
        self.insert("domain", domain, lookup=name)
        self.emit("domain.created", events.domain_data(domain))
        return domain

    def dns_records(self, domain: Document) -> list[dict[str, Any]]:
        """SPF (MX + TXT on the return-path subdomain), DKIM, and Receiving MX when enabled."""
        apex_suffix = _relative_suffix(domain["name"])
        status = domain["status"]
        dkim = base64.b64encode(bytes.fromhex("30819f300d06092a864886f70d010101050003818d0030818902818100" + self.session.ids.hex_upper(256))).decode()
        records = []
        if domain["capabilities"]["sending"] == "enabled":
            records += [
                {"record": "SPF", "name": domain["custom_return_path"] + apex_suffix, "type": "MX", "ttl": "Auto",
                 "status": status, "value": f"feedback-smtp.{domain['region']}.amazonses.com", "priority": 10},
                {"record": "SPF", "name": domain["custom_return_path"] + apex_suffix, "type": "TXT", "ttl": "Auto",
                 "status": status, "value": '"v=spf1 include:amazonses.com ~all"'},
                {"record": "DKIM", "name": "resend._domainkey" + apex_suffix, "type": "TXT", "ttl": "Auto",
                 "status": status, "value": f"p={dkim}"},
            ]
        if domain["capabilities"]["receiving"] == "enabled":
            records.append({"record": "Receiving", "name": domain["name"], "type": "MX", "ttl": "Auto",
                            "status": status, "value": f"inbound-smtp.{domain['region']}.amazonaws.com", "priority": 10})
        return records

    def retrieve_domain(self, domain_id: str) -> Document:
        return self.require("domain", domain_id, "Domain not found")

    def list_domains(self, query: dict[str, str]) -> tuple[list[Document], bool]:
        return page(self.newest_first("domain"), query, default_limit=None)

    def update_domain(self, domain_id: str, body: dict[str, Any]) -> Document:
        domain = self.retrieve_domain(domain_id)
        before = dict(domain)
        domain["open_tracking"] = _flag(body, "open_tracking", domain["open_tracking"])
        domain["click_tracking"] = _flag(body, "click_tracking", domain["click_tracking"])
        domain["tls"] = _choice(body, "tls", _TLS, domain["tls"])
        if "tracking_subdomain" in body:
            domain["tracking_subdomain"] = body["tracking_subdomain"]
        if body.get("capabilities") is not None:
            domain["capabilities"] = _capabilities(domain["capabilities"], body["capabilities"])
            kept = {(r["record"], r["type"]): r["value"] for r in domain["records"]}
            domain["records"] = [
                {**record, "value": kept.get((record["record"], record["type"]), record["value"])}
                for record in self.dns_records(domain)
            ]
        if domain != before:
            self.save("domain", domain, lookup=domain["name"])
            self.emit("domain.updated", events.domain_data(domain))
        return domain

    def verify_domain(self, domain_id: str) -> Document:
        domain = self.retrieve_domain(domain_id)
        if domain["status"] != "verified":
            self.set_domain_status(domain, "pending")
        self.schedule(VERIFY_JOB, self.now() + self.settings["domainVerificationSeconds"], {"domain": domain_id})
        return domain

    def finish_verification(self, domain_id: str) -> None:
        domain = self.get("domain", domain_id)
        if domain is not None and domain["status"] == "pending":
            self.set_domain_status(domain, "verified")

    def set_domain_status(self, domain: Document, status: str) -> Document:
        domain["status"] = status
        for record in domain["records"]:
            record["status"] = status
        self.save("domain", domain, lookup=domain["name"])
        self.emit("domain.updated", events.domain_data(domain))
        return domain

    def delete_domain(self, domain_id: str) -> Document:
        domain = self.retrieve_domain(domain_id)
        self.delete("domain", domain)
        self.emit("domain.deleted", events.domain_data(domain))
        return domain


def _relative_suffix(name: str) -> str:
    """Record names are relative to the registered domain: `send.mail` for mail.example.com."""
    labels = name.split(".")
    return "." + ".".join(labels[:-2]) if len(labels) > 2 else ""


def _flag(body: dict[str, Any], name: str, default: bool) -> bool:
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise ValidationError(f"The `{name}` field must be a boolean.")
    return value


def _choice(body: dict[str, Any], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = body.get(name, default)
    if value not in allowed:
        raise ValidationError(f"The `{name}` field must be one of: {', '.join(allowed)}.")
    return str(value)


def _capabilities(current: dict[str, str], changes: Any) -> dict[str, str]:
    if changes is None:
        return dict(current)
    if not isinstance(changes, dict) or any(
        key not in ("sending", "receiving") or value not in _CAPABILITY for key, value in changes.items()
    ):
        raise ValidationError("The `capabilities` field must be {sending?, receiving?} with `enabled` or `disabled`.")
    return {**current, **changes}
