"""`mirra listen --forward-to URL`: forward a session's Stripe webhooks to a local URL, like
`stripe listen`; prints the signing secret, then every delivery; removes the endpoint on Ctrl-C."""

from __future__ import annotations

import httpx
import typer
from rich.console import Console

from mirra.cli.client import CliError, ControlClient, parse_stream, require_server
from mirra.sessions.registry import DEFAULT_SESSION_ID

CLI_API_KEY = "sk_test_mirra_listen"
console = Console(highlight=False)


def listen(
    forward_to: str = typer.Option(..., "--forward-to", "-f", help="URL that receives the webhooks, e.g. http://localhost:4242/webhook."),
    session: str = typer.Option(DEFAULT_SESSION_ID, "--session", "-s", help="Session id (default: the default session)."),
    events: str = typer.Option("*", "--events", "-e", help="Comma-separated event types to forward (default: all)."),
) -> None:
    """Register a webhook endpoint in the session's Stripe mirror pointing at --forward-to, print
    its signing secret (for stripe.Webhook.construct_event), and show deliveries as they happen."""
    server = require_server()
    client = ControlClient(server)
    client.call("GET", f"/v1/sessions/{session}")
    mirror = httpx.Client(base_url=server.urls.mirror_url(session, "stripe"), trust_env=False, timeout=30,
                          headers={"Authorization": f"Bearer {CLI_API_KEY}"})
    form = [("url", forward_to)] + [(f"enabled_events[{i}]", name.strip()) for i, name in enumerate(events.split(","))]
    created = mirror.post("/v1/webhook_endpoints", data=dict(form))
    if created.is_error:
        raise CliError(f"Stripe mirror refused the endpoint: {created.json()['error']['message']}")
    endpoint = created.json()
    console.print(f"Ready! Your webhook signing secret is [bold]{endpoint['secret']}[/bold] (^C to quit)")
    try:
        params = {"types": "webhook.dispatched", "mirrors": "stripe", "since": str(_last_event_id(client, session))}
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
        mirror.delete(f"/v1/webhook_endpoints/{endpoint['id']}")
        mirror.close()


def _last_event_id(client: ControlClient, session: str) -> int:
    """Start after what the log already holds: only new deliveries are shown."""
    with client.http.stream("GET", f"/v1/sessions/{session}/events", params={"follow": "false"}) as stream:
        ids = [event["id"] for event in parse_stream(stream.iter_lines())]
    return ids[-1] if ids else 0
