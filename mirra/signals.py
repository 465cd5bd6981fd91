"""Every signal mirra sends, declared once.

Receivers are synchronous and run in the sender's thread, after the request's transaction has
committed. Async consumers (the event stream, webhook delivery) receive through a queue fed by a
receiver. Send only through the `send_*` helpers: they log a failing receiver instead of letting
it fail the request that caused the signal, and never depend on receiver order.

A vendor request sends its signals inside `held()`: they wait for `send_held()`, which direct
mode and the proxy addon call once the answer has been written, so the event log's work is not
part of the request's latency. Every signal still goes out in the order it was sent, and
whatever reads what the signals feed (the event log, its counts) calls `send_held()` first, so it
never misses a request that has been answered.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from blinker import Signal

if TYPE_CHECKING:
    from mirra.mirrors.http import MirrorRequest, MirrorResponse

log = logging.getLogger(__name__)

request_completed = Signal(
    "request_completed: a mirror answered a request. Sender: the session id. Kwargs: "
    "mirror, method, path, status, duration_ms, request_id, and the exchange itself: "
    "request (MirrorRequest), response (MirrorResponse)."
)
state_changed = Signal(
    "state_changed: a mirror object was created, changed or deleted. Sender: the session id. "
    "Kwargs: mirror, entity, entity_id, before (dict or None), after (dict or None)."
)
webhook_dispatched = Signal(
    "webhook_dispatched: a webhook delivery attempt finished. Sender: the session id. Kwargs: "
    "mirror, type, url, status (HTTP status or None), attempt, signature, delivery_id, object_id."
)
session_lifecycle = Signal(
    "session_lifecycle: a session started, ended, was reset, snapshotted or restored. Sender: "
    "the session id. Kwargs: action, and mirror/seed/snapshot_id where they apply."
)


_holding: ContextVar[list[Callable[[], None]] | None] = ContextVar("mirra_holding_signals", default=None)
_held: deque[Callable[[], None]] = deque()  # sends waiting for their request's answer, in order


@contextmanager
def held() -> Iterator[None]:
    """Signals sent inside the block wait for `send_held()`."""
    holding: list[Callable[[], None]] = []
    token = _holding.set(holding)
    try:
        yield
    finally:
        _holding.reset(token)
        _held.extend(holding)


def send_held() -> None:
    """Send every held signal now, oldest first."""
    while _held:
        _held.popleft()()


def _send(signal: Signal, session_id: str, **kwargs: Any) -> None:
    holding = _holding.get()
    if holding is not None:
        holding.append(lambda: _deliver(signal, session_id, kwargs))
    else:
        send_held()  # what was sent before goes out before
        _deliver(signal, session_id, kwargs)


def _deliver(signal: Signal, session_id: str, kwargs: dict[str, Any]) -> None:
    for receiver in signal.receivers_for(session_id):
        try:
            receiver(session_id, **kwargs)
        except Exception:  # a broken consumer must not fail the vendor request
            log.exception("receiver %r of %s failed", receiver, signal.name.split(":")[0])


def send_request_completed(
    session_id: str,
    *,
    mirror: str,
    method: str,
    path: str,
    status: int,
    duration_ms: float,
    request_id: str,
    request: MirrorRequest,
    response: MirrorResponse,
) -> None:
    _send(
        request_completed,
        session_id,
        mirror=mirror,
        method=method,
        path=path,
        status=status,
        duration_ms=duration_ms,
        request_id=request_id,
        request=request,
        response=response,
    )


def send_state_changed(
    session_id: str,
    *,
    mirror: str,
    entity: str,
    entity_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    _send(
        state_changed,
        session_id,
        mirror=mirror,
        entity=entity,
        entity_id=entity_id,
        before=before,
        after=after,
    )


def send_webhook_dispatched(
    session_id: str,
    *,
    mirror: str,
    type: str,
    url: str,
    status: int | None,
    attempt: int,
    signature: str,
    delivery_id: str,
    object_id: str | None,
) -> None:
    _send(
        webhook_dispatched,
        session_id,
        mirror=mirror,
        type=type,
        url=url,
        status=status,
        attempt=attempt,
        signature=signature,
        deliveryId=delivery_id,
        objectId=object_id,
    )


def send_session_lifecycle(session_id: str, *, action: str, **details: str) -> None:
    _send(session_lifecycle, session_id, action=action, **details)
