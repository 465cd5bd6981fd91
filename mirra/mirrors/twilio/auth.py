"""Who is calling: HTTP Basic with an Account SID and auth token, the account's test credentials,
or an API key SID and secret; then which account the path names, and whether they may use it."""

from __future__ import annotations

import base64
import binascii
import hmac
import re

from mirra.mirrors.documents import Document
from mirra.mirrors.http import MirrorRequest
from mirra.mirrors.twilio.context import Store
from mirra.mirrors.twilio.errors import authentication_error, not_found

_ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")


def authenticate(store: Store, request: MirrorRequest) -> tuple[Document, bool]:
    """The credentials' account, and whether they are its test credentials."""
    scheme, _, encoded = (request.header("authorization") or "").strip().partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        raise authentication_error("Authentication Error - No credentials provided")
    try:
        username, _, password = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise authentication_error("Authentication Error - No credentials provided") from None
    if username.startswith("SK"):
        key = store.get("key", username)
        if key is None:
            raise authentication_error("Authentication Error - invalid username")
        _check(password, key["secret"])
        account = store.get("account", key["account"])
        if account is None:
            raise authentication_error("Authentication Error - invalid username")
        return account, False
    for account in store.docs.of_kind("account"):
        if account["id"] == username:
            _check(password, account["resource"]["auth_token"])
            return account, False
        if account["test_account_sid"] == username:
            _check(password, account["test_auth_token"])
            return account, True
    raise authentication_error("Authentication Error - invalid username")


def path_account(store: Store, credentials: Document, test: bool, sid: str, path: str) -> Document:
    """The account a 2010 path names: the credentials' own (its test SID for test credentials)
    or, for main-account credentials, one of its subaccounts."""
    if not _ACCOUNT_SID.match(sid):
        raise not_found(path)
    if test:
        if sid != credentials["test_account_sid"]:
            raise authentication_error("Authenticate")
        return credentials
    if sid == credentials["id"]:
        return credentials
    account = store.get("account", sid)
    if account is None or account["owner"] != credentials["id"]:
        raise authentication_error("Authenticate")
    return account


def _check(given: str, expected: str) -> None:
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise authentication_error("Authenticate")

