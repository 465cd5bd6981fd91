"""What Twilio does with an app's answer to its webhooks: TwiML replies to an inbound text, the
instructions for an answered call. Status callbacks' answers are ignored, as at Twilio."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mirra.mirrors.twilio import calls, inbound
from mirra.mirrors.twilio.context import Store

if TYPE_CHECKING:
    from mirra.sessions.registry import Session
    from mirra.sessions.store import UnitOfWork

FOLLOWERS: dict[str, Callable[[Store, dict[str, Any]], None]] = {
    inbound.RECEIVED: inbound.answer_twiml,
    calls.TWIML_REQUESTED: calls.follow_twiml,
}


def delivered(session: Session, uow: UnitOfWork, delivery: dict[str, Any]) -> None:
    """The delivery queue's ON_DELIVERED hook: act on the TwiML the app answered with."""
    follow = FOLLOWERS.get(delivery["event_type"])
    if follow is not None and delivery["response_body"].strip():
        follow(Store(session, uow), delivery)
