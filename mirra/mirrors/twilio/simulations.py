"""Events `simulate` can fire, as if they happened at Twilio or a carrier: an inbound text, a
message that will not be delivered, how a call ends, what Lookups says about a number."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mirra.errors import MirraError
from mirra.mirrors.twilio import calls, inbound, lookups, messages
from mirra.mirrors.twilio.context import Store
from mirra.mirrors.twilio.errors import TwilioError

if TYPE_CHECKING:
    from mirra.sessions.registry import Session

Simulation = Callable[[Store, dict[str, Any]], dict[str, Any]]


def _string(params: dict[str, Any], name: str, event: str, default: str | None = None) -> str:
    value = params.get(name, default)
    if not isinstance(value, str):
        raise MirraError(400, "mirra.simulate.missing_parameter", f"'{name}' (a string) is required.",
                         f'Send e.g. {{"event": "{event}", "{name}": "..."}}.')
    return value


def _integer(params: dict[str, Any], name: str, default: int) -> int:
    value = params.get(name, default)
    if isinstance(value, str) and value.isdigit():  # `mirra simulate -p talkSeconds=30` sends strings
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise MirraError(400, "mirra.simulate.invalid_parameter", f"'{name}' must be an integer.", f'Send e.g. {{"{name}": {default}}}.')
    return value


def message_inbound(store: Store, params: dict[str, Any]) -> dict[str, Any]:
    """A text to one of the session's numbers: {to, from, body, mediaUrl?: [urls]}."""
    media = params.get("mediaUrl", [])
    if not isinstance(media, list) or not all(isinstance(url, str) for url in media):
        raise MirraError(400, "mirra.simulate.invalid_parameter", "'mediaUrl' must be a list of URLs.", '["https://…/cat.jpg"]')
    event = "message.inbound"
    return inbound.receive(store, _string(params, "to", event), _string(params, "from", event), _string(params, "body", event, ""), media)


def _message_outcome(status: str, default_code: int) -> Simulation:
    def plan(store: Store, params: dict[str, Any]) -> dict[str, Any]:
        sid = _string(params, "sid", f"message.{status}")
        return messages.plan_outcome(store, sid, status, _integer(params, "errorCode", default_code))["resource"]

    plan.__doc__ = f"A message on its way ends `{status}` (errorCode, default {default_code}): {{sid, errorCode?}}."
    return plan


def call_outcome(store: Store, params: dict[str, Any]) -> dict[str, Any]:
    """How a call on its way ends: {sid, status: completed|busy|no-answer|failed, talkSeconds?}."""
    status = _string(params, "status", "call.outcome", "completed")
    if status not in ("completed", "busy", "no-answer", "failed"):
        raise MirraError(400, "mirra.simulate.invalid_parameter", f"Unknown call outcome '{status}'.", "completed, busy, no-answer or failed.")
    sid = _string(params, "sid", "call.outcome")
    return calls.plan_outcome(store, sid, status, _integer(params, "talkSeconds", calls.DEFAULT_TALK_SECONDS))["resource"]


def lookup_line_type(store: Store, params: dict[str, Any]) -> dict[str, Any]:
    """What Lookups reports for a number from now on: {phoneNumber, type, carrierName?}."""
    kind = _string(params, "type", "lookup.line_type")
    if kind not in lookups.LINE_TYPES:
        raise MirraError(400, "mirra.simulate.invalid_parameter", f"Unknown line type '{kind}'.", ", ".join(lookups.LINE_TYPES))
    carrier = params.get("carrierName")
    return lookups.set_line_type(store, _string(params, "phoneNumber", "lookup.line_type"), kind, carrier if isinstance(carrier, str) else None)


SIMULATIONS: dict[str, Simulation] = {
    "message.inbound": message_inbound,
    "message.undelivered": _message_outcome("undelivered", 30003),
    "message.failed": _message_outcome("failed", 30008),
    "call.outcome": call_outcome,
    "lookup.line_type": lookup_line_type,
}


def simulate(session: Session, event: str, params: dict[str, Any]) -> dict[str, Any]:
    try:
        with session.store.unit_of_work() as uow:
            return SIMULATIONS[event](Store(session, uow), dict(params))
    except TwilioError as error:
        raise MirraError(400, "mirra.simulate.rejected", error.message, "Fix the event's parameters.") from None
