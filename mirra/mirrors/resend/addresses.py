"""Email addresses as Resend reads them: `email@x.com` or `Name <email@x.com>`, and the
`@resend.dev` test recipients whose outcome is fixed (`delivered@`, `bounced+label@`, ...)."""

from __future__ import annotations

import re

_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
_NAMED = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<(?P<address>[^<>]+)>\s*$")

TEST_DOMAIN = "resend.dev"
TEST_OUTCOMES = ("delivered", "bounced", "complained", "suppressed")
# Recipient domains Resend refuses outright (documentation domains).
RESERVED_DOMAINS = ("example.com", "test.com")


def mailbox(value: str) -> str | None:
    """The bare address of `value` in either accepted form, or None if it is neither."""
    named = _NAMED.match(value)
    address = named.group("address").strip() if named else value.strip()
    return address if _ADDRESS.match(address) else None


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].lower()


def test_outcome(address: str) -> str | None:
    """`bounced` for `bounced@resend.dev` or `bounced+x@resend.dev`; None for other addresses."""
    local, _, domain = address.lower().rpartition("@")
    if domain != TEST_DOMAIN:
        return None
    base = local.partition("+")[0]
    return base if base in TEST_OUTCOMES else None


def invalid_address_message(field: str) -> str:
    return (
        f"Invalid `{field}` field. The email address needs to follow the `email@example.com` or "
        "`Name <email@example.com>` format."
    )
