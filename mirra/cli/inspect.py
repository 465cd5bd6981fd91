"""`mirra state` and `mirra simulate`: look into a session's mirror and fire vendor events, through
the mirror's admin routes in direct mode."""

from __future__ import annotations

import json
from typing import Any

import typer

from mirra.cli.client import CliError, ControlClient, require_server
from mirra.sessions.registry import DEFAULT_SESSION_ID

SESSION_OPTION = typer.Option(DEFAULT_SESSION_ID, "--session", "-s", help="Session id (default: the default session).")


def state(
    mirror: str = typer.Argument(..., help="The mirror: stripe, resend or twilio."),
    session: str = SESSION_OPTION,
    kind: str | None = typer.Option(None, "--kind", "-k", help="Only this kind of object (e.g. customer)."),
) -> None:
    """Print a mirror's whole state in a session as JSON (objects by kind, webhook deliveries)."""
    body = _admin(session, mirror, "GET", "state")
    if kind is not None:
        body = body.get("objects", {}).get(kind, [])
    print(json.dumps(body, indent=2))


def simulate(
    mirror: str = typer.Argument(..., help="The mirror: stripe, resend or twilio."),
    event: str = typer.Argument(..., help="The vendor event (the mirror's metadata lists them)."),
    param: list[str] = typer.Option([], "--param", "-p", help="NAME=VALUE passed to the simulation (repeatable)."),
    session: str = SESSION_OPTION,
) -> None:
    """Fire a vendor event in a session as if it happened at the vendor: its state changes,
    webhooks and timers follow as they would for the real event."""
    params: dict[str, Any] = {}
    for item in param:
        name, equals, value = item.partition("=")
        if not equals or not name:
            raise CliError(f"--param takes NAME=VALUE (e.g. customer=cus_123), not '{item}'")
        params[name] = value
    print(json.dumps(_admin(session, mirror, "POST", "simulate", {"event": event, **params}), indent=2))


def _admin(session: str, mirror: str, method: str, route: str, body: dict[str, Any] | None = None) -> Any:
    client = ControlClient(require_server())
    return client.call(method, f"/m/{session}/{mirror}/_mirra/{route}", **({"json": body} if body is not None else {}))
