"""`mirra listen --forward-to URL`: forward a session's Stripe (or Resend) webhooks to a local URL,
like `stripe listen`; prints the signing secret, then every delivery; removes the endpoint on Ctrl-C.

The endpoint is registered through the vendor's own API in direct mode, so it is an ordinary
endpoint of the session: signed, retried and listed like any other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import httpx
import typer
from rich.console import Console

from mirra.cli.client import CliError, ControlClient, parse_stream, require_server
from mirra.sessions.registry import DEFAULT_SESSION_ID

console = Console(highlight=False)


class Registrar(Protocol):
    """How one vendor's API registers and removes a webhook endpoint."""

    api_key: str
    verifier: str  # how the app checks the signature, for the ready line

    def create(self, mirror: httpx.Client, url: str, events: list[str], all_types: list[str]) -> tuple[str, str]:
        """(endpoint id, signing secret)"""
        ...

    def remove(self, mirror: httpx.Client, endpoint_id: str) -> None: ...


@dataclass(frozen=True)
class StripeRegistrar:
    api_key: str = "sk_test_mirra_listen"
    verifier: str = "stripe.Webhook.construct_event"

    def create(self, mirror: httpx.Client, url: str, events: list[str], all_types: list[str]) -> tuple[str, str]:
        form = [("url", url)] + [(f"enabled_events[{i}]", name) for i, name in enumerate(events or ["*"])]
        created = mirror.post("/v1/webhook_endpoints", data=dict(form))
        if created.is_error:
            raise CliError(f"the Stripe mirror refused the endpoint: {created.json()['error']['message']}")
        return created.json()["id"], created.json()["secret"]

    def remove(self, mirror: httpx.Client, endpoint_id: str) -> None:
        mirror.delete(f"/v1/webhook_endpoints/{endpoint_id}")


@dataclass(frozen=True)
class ResendRegistrar:
    api_key: str = "re_mirra_listen"
    verifier: str = "svix's Webhook(secret).verify"

    def create(self, mirror: httpx.Client, url: str, events: list[str], all_types: list[str]) -> tuple[str, str]:
        created = mirror.post("/webhooks", json={"endpoint": url, "events": events or all_types})
        if created.is_error:
            raise CliError(f"the Resend mirror refused the webhook: {created.json()['message']}")
        return created.json()["id"], created.json()["signing_secret"]

    def remove(self, mirror: httpx.Client, endpoint_id: str) -> None:
        mirror.delete(f"/webhooks/{endpoint_id}")


REGISTRARS: dict[str, Registrar] = {"stripe": StripeRegistrar(), "resend": ResendRegistrar()}


def listen(
    forward_to: str = typer.Option(..., "--forward-to", "-f", help="URL that receives the webhooks, e.g. http://localhost:4242/webhook."),
    session: str = typer.Option(DEFAULT_SESSION_ID, "--session", "-s", help="Session id (default: the default session)."),
    events: str = typer.Option("", "--events", "-e", help="Comma-separated event types to forward (default: all)."),
    mirror_name: str = typer.Option("stripe", "--mirror", "-m", help="Whose webhooks: stripe or resend."),
) -> None:
    """Register a webhook endpoint in the session's Stripe (or Resend) mirror pointing at
    --forward-to, print its signing secret, and show deliveries as they happen."""
    registrar = REGISTRARS.get(mirror_name)
    if registrar is None:
        raise CliError(f"mirra listen forwards the webhooks of {' and '.join(REGISTRARS)}, not '{mirror_name}'")
    server = require_server()
    client = ControlClient(server)
    client.call("GET", f"/v1/sessions/{session}")
    all_types = client.call("GET", f"/m/{session}/{mirror_name}/_mirra/metadata")["webhookEventTypes"]
    mirror = httpx.Client(base_url=server.urls.mirror_url(session, mirror_name), trust_env=False, timeout=30,
                          headers={"Authorization": f"Bearer {registrar.api_key}"})
    wanted = [name.strip() for name in events.split(",") if name.strip()]
    endpoint_id, secret = registrar.create(mirror, forward_to, wanted, all_types)
    console.print(f"Ready! Your webhook signing secret is [bold]{secret}[/bold] "
                  f"(verify with {registrar.verifier}; ^C to quit)")
    try:
        params = {"types": "webhook.dispatched", "mirrors": mirror_name, "since": str(_last_event_id(client, session))}
        with client.http.stream("GET", f"/v1/sessions/{session}/events", params=params, timeout=None) as stream:
            for event in parse_stream(stream.iter_lines()):
                status = event.get("status") or "failed"
                colour = "green" if isinstance(status, int) and status < 300 else "red"
                console.print(f"{event['at'][11:19]}  --> {event['type']}  <-- [{colour}]{status}[/{colour}] POST {event['url']} (attempt {event['attempt']})")
    except KeyboardInterrupt:
        pass
    except httpx.HTTPError as error:
        raise CliError(f"the event stream broke off ({error})") from None
    finally:
        registrar.remove(mirror, endpoint_id)
        mirror.close()


def _last_event_id(client: ControlClient, session: str) -> int:
    """Start after what the log already holds: only new deliveries are shown."""
    with client.http.stream("GET", f"/v1/sessions/{session}/events", params={"follow": "false"}) as stream:
        ids = [event["id"] for event in parse_stream(stream.iter_lines())]
    return ids[-1] if ids else 0
