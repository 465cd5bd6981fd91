"""Vendor events `simulate` can fire, as if they happened out in the world (a recipient opens or
clicks, a mailbox delays or bounces, a user marks spam, DNS checks fail). Each runs the same
lifecycle step the clock would, so state, history and webhooks are the real ones."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mirra.errors import MirraError
from mirra.mirrors.resend import views
from mirra.mirrors.resend.backend import ResendBackend
from mirra.mirrors.resend.backend.lifecycle import BOUNCE, click_details

if TYPE_CHECKING:
    from mirra.sessions.registry import Session

Simulation = Callable[[ResendBackend, dict[str, Any]], dict[str, Any]]


def _required(params: dict[str, Any], name: str, event: str) -> str:
    value = params.get(name)
    if not isinstance(value, str):
        raise MirraError(400, "mirra.simulate.missing_parameter", f"'{name}' (an id) is required.",
                         f'Send e.g. {{"event": "{event}", "{name}": "...", "recipient"?: "..."}}.')
    return value


def _email_step(status: str, extra: Callable[[ResendBackend, dict[str, Any]], dict[str, Any]] | None = None) -> Simulation:
    def run(backend: ResendBackend, params: dict[str, Any]) -> dict[str, Any]:
        email_id = _required(params, "email_id", f"email.{status}")
        details = extra(backend, params) if extra else {}
        return views.email_state(backend.simulate_step(email_id, status, params.get("recipient"), details))

    return run


def _click(backend: ResendBackend, params: dict[str, Any]) -> dict[str, Any]:
    return click_details(params.get("link", "https://example.org/"), backend.now())


def _bounce(_backend: ResendBackend, params: dict[str, Any]) -> dict[str, Any]:
    return {"bounce": {**BOUNCE, **{k: params[k] for k in ("message", "subType", "type") if k in params}}}


def _failure(_backend: ResendBackend, params: dict[str, Any]) -> dict[str, Any]:
    return {"failed": {"reason": params.get("reason", "reached_daily_quota")}}


def domain_failed(backend: ResendBackend, params: dict[str, Any]) -> dict[str, Any]:
    """DNS records were not found: the domain (and its records) become `failed`."""
    domain = backend.get("domain", _required(params, "domain_id", "domain.failed"))
    if domain is None:
        raise MirraError(404, "mirra.simulate.not_found", "No such domain in this session.", "Pass a domain id.")
    return backend.set_domain_status(domain, "failed")


SIMULATIONS: dict[str, Simulation] = {
    "email.opened": _email_step("opened"),
    "email.clicked": _email_step("clicked", _click),
    "email.delivery_delayed": _email_step("delivery_delayed"),
    "email.bounced": _email_step("bounced", _bounce),
    "email.complained": _email_step("complained"),
    "email.failed": _email_step("failed", _failure),
    "domain.failed": domain_failed,
}


def simulate(session: Session, event: str, params: dict[str, Any]) -> dict[str, Any]:
    with session.store.unit_of_work() as uow:
        return SIMULATIONS[event](ResendBackend(session, uow), dict(params))
