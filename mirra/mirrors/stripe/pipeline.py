"""The Stripe request pipeline, in order:

    authenticate_api_key -> check_rate_limit -> route_request -> decode_params
    -> execute: (one unit of work) run_handler -> remember_response
                (a key already used: roll back, then check_idempotency_key replays)
    -> render_error (any StripeError, anywhere) -> add_stripe_headers

A handler's changes commit together with the idempotency record; a StripeError rolls them
back, and only errors raised once execution began are kept for replay, as Stripe does.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
from typing import TYPE_CHECKING, Any

import orjson

from mirra.mirrors import idempotency
from mirra.mirrors.http import MirrorRequest, MirrorResponse
from mirra.mirrors.routing import Match
from mirra.mirrors.stripe import forms, params, routes, webhooks
from mirra.mirrors.stripe.backend import StripeBackend
from mirra.mirrors.stripe.backend.base import API_VERSION
from mirra.mirrors.stripe.backend.invoice_payments import DUNNING_DEFAULTS
from mirra.mirrors.stripe.context import RequestContext
from mirra.mirrors.stripe.errors import (
    ApiError,
    IdempotencyError,
    InvalidApiKey,
    MissingApiKey,
    PublishableKeyUsed,
    StripeError,
    UnrecognizedUrl,
    render_error,
)
from mirra.mirrors.stripe.ratelimit import RateLimiter
from mirra.mirrors.stripe.wire import json_body
from mirra.sessions.store import UnitOfWork

if TYPE_CHECKING:
    from mirra.sessions.registry import Session

log = logging.getLogger(__name__)

IDEMPOTENCY_SCOPE = "stripe"
DEFAULT_SETTINGS: dict[str, Any] = {
    "rateLimitPerSecond": None,  # Stripe's test mode allows 25; None: no limit
    "webhookRetrySeconds": list(webhooks.DEFAULT_RETRY_SECONDS),  # session time before each retry
    **DUNNING_DEFAULTS,  # failed subscription payments: retry days and the final action
}
LIMITER = RateLimiter()
IDEMPOTENCY_RETENTION_SECONDS = 24 * 3600
_SECRET_KEY_PREFIXES = ("sk_test_", "rk_test_")


def handle(session: Session, request: MirrorRequest) -> MirrorResponse:
    ctx = RequestContext(
        session=session,
        request=request,
        request_id=session.ids.new("req_", 14),
        api_version=request.header("stripe-version") or API_VERSION,
    )
    replayed_from: str | None = None
    try:
        authenticate_api_key(request)
        LIMITER.check(session.id, session.settings.get("stripe", DEFAULT_SETTINGS)["rateLimitPerSecond"])
        match = route_request(request)
        ctx.path_params = match.path_params
        tree = decode_params(request)
        response, replayed_from = execute(ctx, match, tree)
    except StripeError as error:
        response = render_error(error, ctx.request_id, session.clock.timestamp())
    except Exception:  # a mirror bug: answer as Stripe does for its own failures, and say so
        log.exception("stripe mirror failed on %s %s", request.method, request.path)
        response = render_error(ApiError(), ctx.request_id, session.clock.timestamp())
    return add_stripe_headers(ctx, response, replayed_from)


class _KeyTaken(Exception):
    """The idempotency key already has a stored response: the work done meanwhile rolls back."""


def execute(ctx: RequestContext, match: Match, tree: forms.Tree) -> tuple[MirrorResponse, str | None]:
    """Run the request in one unit of work and keep its response for the idempotency key.

    Returns the response and, for a replay, the id of the request that first produced it. A
    StripeError raised once execution began rolls the work back and is itself kept for replay.
    Optimistic: the SDKs send a fresh key with every call, so the request runs first and storing
    its response is what finds a key already used; the work then rolls back, and the earlier
    response (or Stripe's idempotency error) is the answer.
    """
    key = ctx.request.header("idempotency-key") if ctx.request.method == "POST" else None
    fingerprint = _fingerprint(ctx.request, tree)
    store = ctx.session.store
    error: StripeError | None = None
    try:
        with store.unit_of_work() as uow:
            ctx.backend = StripeBackend(ctx.session, uow, request_id=ctx.request_id, idempotency_key=key)
            try:
                response = run_handler(ctx, match, tree)
            except StripeError as failure:
                if not failure.keeps_changes:
                    raise
                response = render_error(failure, ctx.request_id, ctx.session.clock.timestamp())
            if not remember_response(ctx, uow, key, fingerprint, response):
                raise _KeyTaken
            return response, None
    except _KeyTaken:
        pass
    except StripeError as failure:
        if key is None:
            raise
        error = failure
    with store.unit_of_work() as uow:
        stored = check_idempotency_key(ctx, uow, key, fingerprint)
        if stored is not None:
            return stored.response, stored.request_id
        if error is not None and error.stored_for_idempotency:
            response = render_error(error, ctx.request_id, ctx.session.clock.timestamp())
            remember_response(ctx, uow, key, fingerprint, response)
            return response, None
    if error is not None:
        raise error
    return execute(ctx, match, tree)  # the key's response had expired (and is forgotten): run afresh


def authenticate_api_key(request: MirrorRequest) -> str:
    """The secret key from `Bearer <key>` or Basic `<key>:`; any test-mode secret key works."""
    header = (request.header("authorization") or "").strip()
    scheme, _, credentials = header.partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "basic":
        try:
            credentials = base64.b64decode(credentials).decode().partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            raise MissingApiKey() from None
    elif scheme.lower() != "bearer":
        raise MissingApiKey()
    if not credentials:
        raise MissingApiKey()
    if credentials.startswith(("pk_test_", "pk_live_")):
        raise PublishableKeyUsed()
    if not credentials.startswith(_SECRET_KEY_PREFIXES) or len(credentials) <= len("sk_test_"):
        raise InvalidApiKey(credentials)
    return credentials


def route_request(request: MirrorRequest) -> Match:
    match = routes.router.match(request.method, request.path)
    if match is None:
        raise UnrecognizedUrl(request.method, request.path)
    return match


def decode_params(request: MirrorRequest) -> forms.Tree:
    body = request.body.decode("utf-8", errors="replace") if request.body else ""
    return forms.decode(request.query, body)


def check_idempotency_key(
    ctx: RequestContext, uow: UnitOfWork, key: str | None, fingerprint: str
) -> idempotency.StoredResponse | None:
    """A stored response to replay; None to run the request; IdempotencyError on misuse."""
    if key is None:
        return None
    stored = idempotency.find(uow, IDEMPOTENCY_SCOPE, key)
    if stored is None:
        return None
    if stored.created_at < ctx.session.clock.now() - IDEMPOTENCY_RETENTION_SECONDS:
        idempotency.forget(uow, IDEMPOTENCY_SCOPE, key)
        return None
    if stored.fingerprint != fingerprint:
        raise IdempotencyError(key)
    return stored


def run_handler(ctx: RequestContext, match: Match, tree: forms.Tree) -> MirrorResponse:
    if match.route.params:
        ctx.params = params.validate(params.schema_for(match.route.params), tree)
    result = match.route.handler(ctx)
    return MirrorResponse(200, json_body(result))


def remember_response(
    ctx: RequestContext, uow: UnitOfWork, key: str | None, fingerprint: str, response: MirrorResponse
) -> bool:
    """Keep the response for the key; False when the key already has one."""
    if key is None:
        return True
    if response.status in (409, 429):  # not kept, as Stripe does
        return idempotency.find(uow, IDEMPOTENCY_SCOPE, key) is None
    return idempotency.remember(
        uow, IDEMPOTENCY_SCOPE, key, fingerprint, ctx.request_id, response, ctx.session.clock.now()
    )


def add_stripe_headers(
    ctx: RequestContext, response: MirrorResponse, replayed_from: str | None
) -> MirrorResponse:
    headers = [
        ("Content-Type", "application/json"),
        ("Cache-Control", "no-cache, no-store"),
        ("Request-Id", ctx.request_id),
        ("Stripe-Version", ctx.api_version),
    ]
    key = ctx.request.header("idempotency-key")
    if ctx.request.method == "POST":
        if key:
            headers.append(("Idempotency-Key", key))
        headers.append(("Original-Request", replayed_from or ctx.request_id))
        if replayed_from:
            headers.append(("Idempotent-Replayed", "true"))
        headers.append(("Stripe-Should-Retry", "false"))
    return MirrorResponse(response.status, response.body, headers)


def _fingerprint(request: MirrorRequest, tree: forms.Tree) -> str:
    canonical = orjson.dumps([request.method, request.path, tree], option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()
