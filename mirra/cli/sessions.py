"""`mirra sessions`: list, show and end sessions."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from mirra.cli.client import ControlClient, require_server

app = typer.Typer(help="List, inspect and end sessions.", no_args_is_help=True)


@app.command("list")
def list_sessions(
    as_json: bool = typer.Option(False, "--json", help="Print the control API's JSON."),
) -> None:
    """List sessions, newest first."""
    client = ControlClient(require_server())
    sessions = []
    cursor = None
    while True:
        page = client.call("GET", "/v1/sessions", params={"limit": 100, **({"cursor": cursor} if cursor else {})})
        sessions.extend(page["data"])
        cursor = page["nextCursor"]
        if not page["hasMore"]:
            break
    if as_json:
        print(json.dumps(sessions, indent=2))
        return
    table = Table("session", "name", "mode", "mirrors", "created", "expires")
    for session in sessions:
        table.add_row(
            session["sessionId"],
            session["name"],
            "persistent" if session["persistent"] else "ephemeral",
            ",".join(mirror["vendor"] for mirror in session["mirrors"]),
            session["createdAt"],
            session.get("expiresAt", "-"),
        )
    Console().print(table)


@app.command("show")
def show(session: str = typer.Argument(..., help="Session id.")) -> None:
    """Print one session as JSON (mirrors with their direct-mode URLs, proxy URL, times)."""
    print(json.dumps(ControlClient(require_server()).call("GET", f"/v1/sessions/{session}"), indent=2))


@app.command("end")
def end(session: str = typer.Argument(..., help="Session id.")) -> None:
    """End a session: ephemeral state is deleted, persistent state archived."""
    ControlClient(require_server()).call("DELETE", f"/v1/sessions/{session}")
    print(f"ended {session}")
