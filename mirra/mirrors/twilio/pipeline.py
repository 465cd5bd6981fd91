"""The Twilio request pipeline, in order:

    route_request -> (one unit of work) authenticate -> check_rate_limit -> path account
    -> test-credential gate -> run the handler -> render (any TwilioError: render_error)
    -> add Twilio's headers

The default account is made first, in its own unit of work. A TwilioError rolls the request's
work back; so does a request made with test credentials, which Twilio validates but never keeps.
"""

from __future__ import annotations

import json
import logging
import time
from typing import TYPE_CHECKING, Any

from mirra.mirrors.http import MirrorRequest, MirrorResponse
from mirra.mirrors.routing import Match
from mirra.mirrors.twilio import accounts, auth, routes
from mirra.mirrors.twilio.callbacks import DEFAULT_RETRY_SECONDS
from mirra.mirrors.twilio.context import MIRROR, Params, RequestContext, Store
from mirra.mirrors.twilio.errors import (
    TwilioError,
    method_not_allowed,
    not_found,
    rate_limited,
    render_error,
    test_credentials_refused,
)
from mirra.mirrors.twilio.ratelimit import RateLimiter

if TYPE_CHECKING:
    from mirra.sessions.registry import Session

log = logging.getLogger(__name__)

DEFAULT_SETTINGS: dict[str, Any] = {
    "rateLimitPerSecond": None,  # requests per second per account before 429 / 20429; None: no limit
    "webhookRetrySeconds": list(DEFAULT_RETRY_SECONDS),  # session time before each callback retry
}
LIMITER = RateLimiter()
_CORS_HEADERS = "Accept, Authorization, Content-Type, If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since, Idempotency-Key"


class _Discard(Exception):
    """Test credentials: answer, but keep nothing."""

    def __init__(self, response: tuple[int, Any]) -> None:
        self.response = response


def handle(session: Session, request: MirrorRequest) -> MirrorResponse:
    started = time.perf_counter()
    request_id = "RQ" + session.ids.hex_upper(32).lower()
    try:
        with session.store.unit_of_work() as uow:
            accounts.ensure_default_account(Store(session, uow))
        match = route_request(request)
        status, body = execute(session, request, request_id, match)
        response = MirrorResponse(status, b"" if body is None else json.dumps(body).encode())
    except TwilioError as error:
        response = MirrorResponse(error.status, render_error(error))
    except Exception:  # a mirror bug: answer as Twilio does for its own failures, and say so
        log.exception("twilio mirror failed on %s %s", request.method, request.path)
        response = MirrorResponse(500, render_error(TwilioError(20500, "An internal server error has occurred", 500)))
    return add_twilio_headers(request, response, request_id, time.perf_counter() - started)


def route_request(request: MirrorRequest) -> Match:
    match = routes.router.match(request.method, request.path)
    if match is not None:
        return match
    if any(route.pattern.match(request.path) for route in routes.router.routes):
        raise method_not_allowed()
    raise not_found(request.path)


def execute(session: Session, request: MirrorRequest, request_id: str, match: Match) -> tuple[int, Any]:
    """Run the handler in one unit of work: committed on success and for errors that keep their
    changes (a Verify check that used up its verification); rolled back for test credentials."""
    kept: TwilioError | None = None
    try:
        with session.store.unit_of_work() as uow:
            store = Store(session, uow)
            ctx = _context(session, request, request_id, match, store)
            try:
                result: tuple[int, Any] = match.route.handler(ctx)
            except TwilioError as error:
                if not error.keeps_changes or ctx.test:
                    raise
                kept = error
            else:
                if ctx.test:
                    raise _Discard(result)
    except _Discard as discarded:
        return discarded.response
    if kept is not None:
        raise kept
    return result


def _context(session: Session, request: MirrorRequest, request_id: str, match: Match, store: Store) -> RequestContext:
    """Authenticate, count the request against the limit, find the account it acts for."""
    credentials, test = auth.authenticate(store, request)
    settings = session.settings.get(MIRROR, DEFAULT_SETTINGS)
    if LIMITER.over(f"{session.id}:{credentials['id']}", settings["rateLimitPerSecond"]):
        raise rate_limited()
    account = credentials
    if "AccountSid" in match.path_params:
        account = auth.path_account(store, credentials, test, match.path_params["AccountSid"], request.path)
    if test and (match.route.method, match.route.template) not in routes.TEST_CREDENTIAL_ROUTES:
        raise test_credentials_refused()
    text = request.body.decode("utf-8", errors="replace") if request.method == "POST" else request.query
    return RequestContext(session, request, request_id, store, account, test, Params.parse(text), match.path_params)


def add_twilio_headers(request: MirrorRequest, response: MirrorResponse, request_id: str, seconds: float) -> MirrorResponse:
    headers = [] if response.status == 204 else [("Content-Type", "application/json")]
    headers += [
        ("Twilio-Concurrent-Requests", "1"),
        ("Twilio-Request-Id", request_id),
        ("Twilio-Request-Duration", f"{seconds:.3f}"),
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Headers", _CORS_HEADERS),
        ("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS"),
        ("Access-Control-Expose-Headers", "ETag"),
        ("Access-Control-Allow-Credentials", "true"),
        ("X-Powered-By", "AT-5000"),
        ("X-Shenanigans", "none"),
        ("X-Home-Region", "us1"),
        ("X-API-Domain", request.host),
        ("Strict-Transport-Security", "max-age=31536000"),
    ]
    return MirrorResponse(response.status, response.body, headers)
