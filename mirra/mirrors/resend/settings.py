"""The Resend mirror's per-session settings: defaults and their validation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mirra.mirrors.resend import webhooks
from mirra.mirrors.settings import (
    check_rate_limit,
    check_retry_schedule,
    invalid_setting,
)

if TYPE_CHECKING:
    from mirra.sessions.registry import Session

DEFAULT_SETTINGS: dict[str, Any] = {
    "rateLimitPerSecond": 5,  # the team's limit (Resend's current default); the window is 1 s of session time
    "invalidApiKeyStatus": 401,  # live Resend: 401 validation_error; 400 seen for revoked keys; docs: 403 invalid_api_key
    "accountEmail": "owner@mirra.dev",  # the account owner: who onboarding@resend.dev may send to
    "rejectReservedRecipients": True,  # 422 for @example.com / @test.com recipients, as Resend does
    "deliverySeconds": 2,  # session seconds from `sent` to the recipient's outcome
    "domainVerificationSeconds": 5,  # session seconds a verification stays `pending`
    "webhookRetrySeconds": list(webhooks.DEFAULT_RETRY_SECONDS),  # session seconds before each retry
}


def resend_settings(session: Session) -> dict[str, Any]:
    return session.settings.get("resend", DEFAULT_SETTINGS)


def check_settings(changes: dict[str, Any]) -> None:
    check_rate_limit(changes, "E.g. 2 (older accounts), 5 (default) or 100.", nullable=False)
    if "invalidApiKeyStatus" in changes and changes["invalidApiKeyStatus"] not in (400, 401, 403):
        _invalid("invalidApiKeyStatus", "must be 400, 401 or 403",
                 "401/400 answer validation_error 'API key is invalid'; 403 answers invalid_api_key.")
    if "accountEmail" in changes and not (isinstance(changes["accountEmail"], str) and "@" in changes["accountEmail"]):
        _invalid("accountEmail", "must be an email address", 'E.g. "you@yourcompany.com".')
    if "rejectReservedRecipients" in changes and not isinstance(changes["rejectReservedRecipients"], bool):
        _invalid("rejectReservedRecipients", "must be true or false", "false lets @example.com recipients through.")
    for name in ("deliverySeconds", "domainVerificationSeconds"):
        value = changes.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            _invalid(name, "must be a number of seconds (0 or more)", "E.g. 2.")
    check_retry_schedule(changes, "E.g. [5, 300, 1800, 7200, 18000, 36000] for Resend's real schedule.")


def _invalid(name: str, problem: str, hint: str) -> None:
    raise invalid_setting(name, problem, hint)
