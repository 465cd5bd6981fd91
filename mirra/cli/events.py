"""`mirra events`: a session's requests, webhooks, state changes and lifecycle, readable by a person."""

from __future__ import annotations

import json
from typing import Any

import httpx
import typer
from rich.console import Console
from rich.markup import escape

from mirra.cli.client import CliError, ControlClient, parse_stream, require_server
from mirra.sessions.registry import DEFAULT_SESSION_ID

console = Console(highlight=False)


def events(
    session: str = typer.Option(DEFAULT_SESSION_ID, "--session", "-s", help="Session id (default: the default session)."),
    follow: bool = typer.Option(False, "--follow", "-f", help="Keep printing new events as they happen."),
    types: str = typer.Option("", "--type", "-t", help="Only these event types, comma-separated (e.g. state.changed)."),
    mirrors: str = typer.Option("", "--mirror", "-m", help="Only these mirrors, comma-separated."),
    since: int = typer.Option(0, "--since", help="Only events after this sequence number."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line instead of text."),
) -> None:
    """Print a session's event log: every request, webhook, state change and lifecycle step."""
    client = ControlClient(require_server())
    client.call("GET", f"/v1/sessions/{session}")  # a clear error for an unknown session
    params = {"follow": str(follow).lower(), "since": str(since)}
    if types:
        params["types"] = types
    if mirrors:
        params["mirrors"] = mirrors
    try:
        with client.http.stream("GET", f"/v1/sessions/{session}/events", params=params, timeout=None) as response:
            if response.is_error:
                response.read()
                raise CliError(response.json()["error"]["message"])
            for event in parse_stream(response.iter_lines()):
                if as_json:
                    print(json.dumps(event), flush=True)
                else:
                    console.print(describe(event))
    except KeyboardInterrupt:
        pass
    except httpx.HTTPError as error:
        raise CliError(f"the event stream broke off ({error}); resume with --since <last id>") from None


def describe(event: dict[str, Any]) -> str:
    """One line per event, e.g. `#12 18:02:14.120 stripe  POST /v1/customers -> 200 (2.1 ms)`."""
    head = f"[dim]#{event['id']} {event['at'][11:23]}[/dim] {event.get('mirror', 'mirra'):<7}"
    kind = event["event"]
    if kind == "traffic.request_completed":
        colour = "red" if event["status"] >= 400 else "green"
        return (f"{head} {event['method']} {escape(event['path'])} -> [{colour}]{event['status']}[/{colour}]"
                f" ({event['durationMs']:.1f} ms)")
    if kind == "state.changed":
        change = "created" if event["before"] is None else "deleted" if event["after"] is None else "changed"
        fields = "" if change != "changed" else " " + ", ".join(sorted(event["after"]))
        return f"{head} {event['entity']} {event['entityId']} {change}{escape(fields)}"
    if kind == "webhook.dispatched":
        return f"{head} webhook {event['type']} -> {escape(event['url'])} [{event.get('status')}] attempt {event['attempt']}"
    if kind == "session.lifecycle":
        details = " ".join(f"{key}={value}" for key, value in event.items() if key not in ("id", "event", "at", "action", "mirror") and value)
        return f"{head} session {event['action']} {escape(details)}".rstrip()
    return f"{head} {kind} {escape(json.dumps({k: v for k, v in event.items() if k not in ('id', 'event', 'at')}))}"
