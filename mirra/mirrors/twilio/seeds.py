"""Twilio seeds: API calls run through the mirror itself with the default account's credentials,
so seeded objects are exactly what the API would make.

    starter   a phone number (+15017122661) and a Verify service ("mirra")
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from mirra.mirrors.http import MirrorRequest
from mirra.mirrors.twilio.accounts import ensure_default_account
from mirra.mirrors.twilio.context import Store

if TYPE_CHECKING:
    from mirra.sessions.registry import Session

# seed -> steps: (host, path with {AccountSid}, form parameters)
SEEDS: dict[str, list[tuple[str, str, dict[str, str]]]] = {
    "starter": [
        ("api.twilio.com", "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json", {"PhoneNumber": "+15017122661"}),
        ("verify.twilio.com", "/v2/Services", {"FriendlyName": "mirra"}),
    ],
}


def seed_names() -> list[str]:
    return sorted(SEEDS)


def load_seed(session: Session, name: str) -> None:
    from mirra.mirrors.twilio.pipeline import (
        handle,  # the pipeline imports this package
    )

    with session.store.unit_of_work() as uow:
        account = ensure_default_account(Store(session, uow))
    token = base64.b64encode(f"{account['id']}:{account['resource']['auth_token']}".encode()).decode()
    for host, path, params in SEEDS[name]:
        request = MirrorRequest(
            method="POST",
            host=host,
            path=path.format(AccountSid=account["id"]),
            query="",
            headers={"authorization": f"Basic {token}", "content-type": "application/x-www-form-urlencoded"},
            body=urlencode(params).encode(),
        )
        response = handle(session, request)
        if response.status != 201:
            raise RuntimeError(f"seed {name!r} step {path} failed: {json.loads(response.body)}")
