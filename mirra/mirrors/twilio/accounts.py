"""Accounts (the session's default one and its subaccounts) and their API keys.

Every session gets a default account on first use: a full account with an auth token and a pair
of test credentials (their own AC SID and token), derived from the session id, shown by the
mirror's state and printed by `mirra env`.
"""

from __future__ import annotations

from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.twilio.context import RequestContext, Store
from mirra.mirrors.twilio.credentials import DefaultCredentials, default_credentials
from mirra.mirrors.twilio.errors import TwilioError
from mirra.mirrors.twilio.formats import API_VERSION, rfc2822
from mirra.mirrors.twilio.paging import page_2010

ACCOUNT_SUBRESOURCES = (
    "addresses", "conferences", "signing_keys", "transcriptions", "connect_apps", "sip",
    "authorized_connect_apps", "usage", "keys", "applications", "recordings", "short_codes",
    "calls", "notifications", "incoming_phone_numbers", "queues", "messages", "outgoing_caller_ids",
    "available_phone_numbers", "balance",
)
_SUBRESOURCE_PATHS = {
    "addresses": "Addresses", "conferences": "Conferences", "signing_keys": "SigningKeys",
    "transcriptions": "Transcriptions", "connect_apps": "ConnectApps", "sip": "SIP",
    "authorized_connect_apps": "AuthorizedConnectApps", "usage": "Usage", "keys": "Keys",
    "applications": "Applications", "recordings": "Recordings", "short_codes": "SMS/ShortCodes",
    "calls": "Calls", "notifications": "Notifications", "incoming_phone_numbers": "IncomingPhoneNumbers",
    "queues": "Queues", "messages": "Messages", "outgoing_caller_ids": "OutgoingCallerIds",
    "available_phone_numbers": "AvailablePhoneNumbers", "balance": "Balance",
}


def ensure_default_account(store: Store) -> Document:
    """The session's first account, made on first use with the session's derived credentials."""
    for doc in store.docs.of_kind("account"):
        if doc["owner"] is None:
            return doc
    return create_account(store, "My first Twilio account", None, default_credentials(store.session.id))


def create_account(store: Store, friendly_name: str, owner: str | None, given: DefaultCredentials | None = None) -> Document:
    """An account with its auth token and test credentials (random unless `given`)."""
    random = store.session.ids
    sid, token, test_sid, test_token = given or (store.sid("AC"), random.hex_upper(32).lower(), store.sid("AC"), random.hex_upper(32).lower())
    now = store.now()
    resource = {
        "auth_token": token,
        "date_created": rfc2822(now),
        "date_updated": rfc2822(now),
        "friendly_name": friendly_name,
        "owner_account_sid": owner or sid,
        "sid": sid,
        "status": "active",
        "subresource_uris": {
            name: f"/{API_VERSION}/Accounts/{sid}/{_SUBRESOURCE_PATHS[name]}.json" for name in ACCOUNT_SUBRESOURCES
        },
        "type": "Full",
        "uri": f"/{API_VERSION}/Accounts/{sid}.json",
    }
    doc = {
        "id": sid,
        "created": int(now),
        "account": sid,
        "owner": owner,
        "test_account_sid": test_sid,
        "test_auth_token": test_token,
        "resource": resource,
    }
    return store.insert("account", doc)


def credentials(account: Document) -> dict[str, Any]:
    """What the mirror's state shows about an account's credentials."""
    return {
        "accountSid": account["id"],
        "authToken": account["resource"]["auth_token"],
        "testAccountSid": account["test_account_sid"],
        "testAuthToken": account["test_auth_token"],
        "friendlyName": account["resource"]["friendly_name"],
        "ownerAccountSid": account["owner"],
    }


def create_subaccount(ctx: RequestContext) -> tuple[int, Any]:
    if ctx.account["owner"] is not None:
        raise TwilioError(20003, "Authenticate", 401)
    name = ctx.params.get("FriendlyName") or f"SubAccount Created at {rfc2822(ctx.now())}"
    return 201, create_account(ctx.store, name, ctx.account_sid)["resource"]


def fetch_account(ctx: RequestContext) -> tuple[int, Any]:
    return 200, ctx.account["resource"]


def update_account(ctx: RequestContext) -> tuple[int, Any]:
    before = ctx.account
    resource = dict(before["resource"])
    if "FriendlyName" in ctx.params:
        resource["friendly_name"] = ctx.params.get("FriendlyName")
    status = ctx.params.get("Status")
    if status is not None:
        if status not in ("active", "suspended", "closed"):
            raise TwilioError(20001, f"Invalid parameter Status: {status}")
        resource["status"] = status
    resource["date_updated"] = rfc2822(ctx.now())
    return 200, ctx.store.save("account", {**before, "resource": resource}, before)["resource"]


def list_accounts(ctx: RequestContext) -> tuple[int, Any]:
    """The credentials' account and its subaccounts, newest first."""
    owned = [doc for doc in ctx.store.docs.of_kind("account") if ctx.account_sid in (doc["id"], doc["owner"])]
    if name := ctx.params.get("FriendlyName"):
        owned = [doc for doc in owned if doc["resource"]["friendly_name"] == name]
    if status := ctx.params.get("Status"):
        owned = [doc for doc in owned if doc["resource"]["status"] == status]
    return page_2010(ctx, "accounts", [doc["resource"] for doc in reversed(owned)])


def create_key(ctx: RequestContext) -> tuple[int, Any]:
    now = ctx.now()
    sid = ctx.store.sid("SK")
    resource = {
        "sid": sid,
        "friendly_name": ctx.params.get("FriendlyName") or sid,
        "date_created": rfc2822(now),
        "date_updated": rfc2822(now),
    }
    secret = ctx.store.session.ids.new("", 32)
    ctx.store.insert("key", {"id": sid, "created": int(now), "account": ctx.account_sid, "secret": secret, "resource": resource})
    return 201, {**resource, "secret": secret}


def key_for(ctx: RequestContext) -> Document:
    return ctx.store.owned("key", ctx.path["Sid"], ctx.account_sid, f"/{API_VERSION}/Accounts/{ctx.account_sid}/Keys/{ctx.path['Sid']}.json")


def fetch_key(ctx: RequestContext) -> tuple[int, Any]:
    return 200, key_for(ctx)["resource"]


def delete_key(ctx: RequestContext) -> tuple[int, Any]:
    ctx.store.delete("key", key_for(ctx))
    return 204, None


def list_keys(ctx: RequestContext) -> tuple[int, Any]:
    return page_2010(ctx, "keys", [doc["resource"] for doc in reversed(ctx.store.of_account("key", ctx.account_sid))])
