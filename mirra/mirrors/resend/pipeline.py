"""The Resend request pipeline, in order:

    rate limit -> authenticate -> route -> read body
    -> (one unit of work) idempotency key -> handler -> remember the response
    -> render_error (any ResendError, anywhere) -> JSON content type + ratelimit-* headers

A ResendError rolls the unit of work back, so bad input changes nothing and does not consume
an idempotency key.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from mirra.mirrors import idempotency
from mirra.mirrors.http import MirrorRequest, MirrorResponse
from mirra.mirrors.resend import routes
from mirra.mirrors.resend.backend import ResendBackend
from mirra.mirrors.resend.context import RequestContext
from mirra.mirrors.resend.errors import (
    JSON_CONTENT_TYPE,
    ApplicationError,
    InvalidApiKey,
    InvalidIdempotencyKey,
    InvalidIdempotentRequest,
    MethodNotAllowed,
    MissingApiKey,
    RateLimitExceeded,
    ResendError,
    RestrictedApiKey,
    UnknownEndpoint,
    encode,
    render_error,
)
from mirra.mirrors.resend.ratelimit import RateLimiter
from mirra.mirrors.resend.settings import resend_settings
from mirra.mirrors.resend.wire import read_body
from mirra.mirrors.routing import Match

if TYPE_CHECKING:
    from mirra.sessions.registry import Session

log = logging.getLogger(__name__)

IDEMPOTENCY_SCOPE = "resend"
IDEMPOTENCY_RETENTION_SECONDS = 24 * 3600
IDEMPOTENT_ROUTES = frozenset({"/emails", "/emails/batch"})
MAX_IDEMPOTENCY_KEY = 256
LIMITER = RateLimiter()


def handle(session: Session, request: MirrorRequest) -> MirrorResponse:
    settings = resend_settings(session)
    window = LIMITER.take(session.id, settings["rateLimitPerSecond"], session.clock.now())
    try:
        if window.exceeded:
            raise RateLimitExceeded()
        token = api_key(request)
        match = route_request(request)
        response = execute(session, request, match, token, settings)
    except ResendError as error:
        response = render_error(error)
    except Exception:  # a mirror bug: answer as Resend does for its own failures, and say so
        log.exception("resend mirror failed on %s %s", request.method, request.path)
        response = render_error(ApplicationError())
    return MirrorResponse(response.status, response.body, [("Content-Type", JSON_CONTENT_TYPE), *window.headers()])


def api_key(request: MirrorRequest) -> str:
    scheme, _, token = (request.header("authorization") or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise MissingApiKey()
    return token.strip()


def route_request(request: MirrorRequest) -> Match:
    if routes.out_of_scope(request.path):
        raise UnknownEndpoint()
    match = routes.router.match(request.method, request.path)
    if match is not None:
        return match
    if any(routes.router.match(method, request.path) for method in ("GET", "POST", "PATCH", "PUT", "DELETE")):
        raise MethodNotAllowed()
    raise UnknownEndpoint()


def execute(session: Session, request: MirrorRequest, match: Match, token: str, settings: dict[str, Any]) -> MirrorResponse:
    key = idempotency_key(request, match)
    with session.store.unit_of_work() as uow:
        backend = ResendBackend(session, uow)
        authorize(backend, token, request, match, settings)
        body = read_body(request.body)
        fingerprint = _fingerprint(request, body)
        if key is not None:
            stored = idempotency.find(uow, IDEMPOTENCY_SCOPE, key)
            if stored is not None and stored.created_at < session.clock.now() - IDEMPOTENCY_RETENTION_SECONDS:
                idempotency.forget(uow, IDEMPOTENCY_SCOPE, key)
                stored = None
            if stored is not None:
                if stored.fingerprint != fingerprint:
                    raise InvalidIdempotentRequest()
                return stored.response
        ctx = RequestContext(request, backend, match.path_params, dict(parse_qsl(request.query)), body)
        status, answer = match.route.handler(ctx)
        response = MirrorResponse(status, encode(answer))
        if key is not None:
            idempotency.remember(uow, IDEMPOTENCY_SCOPE, key, fingerprint, key, response, session.clock.now())
        return response


def authorize(backend: ResendBackend, token: str, request: MirrorRequest, match: Match, settings: dict[str, Any]) -> None:
    """Any `re_` key works; keys made through /api-keys keep their permission (and a sending key
    its one domain) until deleted."""
    if not token.startswith("re_") or len(token) <= len("re_") or backend.token_was_revoked(token):
        raise InvalidApiKey(settings["invalidApiKeyStatus"])
    key = backend.key_for_token(token)
    if key is None:
        return
    if key["permission"] == "sending_access" and (request.method, match.route.template) not in routes.SENDING_ROUTES:
        raise RestrictedApiKey()
    if key["domain_id"] is not None:
        domain = backend.get("domain", key["domain_id"])
        backend.sending_domain = domain["name"] if domain is not None else ""
    backend.touch_api_key(key)


def idempotency_key(request: MirrorRequest, match: Match) -> str | None:
    """Only POST /emails and /emails/batch honour `Idempotency-Key` (1 to 256 characters)."""
    key = request.header("idempotency-key")
    if key is None or request.method != "POST" or match.route.template not in IDEMPOTENT_ROUTES:
        return None
    if not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY:
        raise InvalidIdempotencyKey()
    return key


def _fingerprint(request: MirrorRequest, body: Any) -> str:
    """Method, endpoint and the body's content (not its formatting)."""
    canonical = json.dumps([request.method, request.path, body], sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()
