"""The default account's credentials, derived from the session id: the same after a reset or a
restore, and known to `mirra env` without asking the server. (The session id already grants
everything through the proxy, so deriving from it gives nothing away.)"""

from __future__ import annotations

import hashlib
from typing import NamedTuple


class DefaultCredentials(NamedTuple):
    account_sid: str
    auth_token: str
    test_account_sid: str
    test_auth_token: str


def default_credentials(session_id: str) -> DefaultCredentials:
    def derive(purpose: str) -> str:
        return hashlib.sha256(f"mirra.twilio.{purpose}:{session_id}".encode()).hexdigest()[:32]

    return DefaultCredentials("AC" + derive("account"), derive("auth_token"), "AC" + derive("test_account"), derive("test_auth_token"))
