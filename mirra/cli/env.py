"""`mirra env`: the variables that route an app into a session."""

from __future__ import annotations

import typer

from mirra.cli.client import CliError, ControlClient, require_server
from mirra.cli.environment import render, session_environment
from mirra.sessions.registry import DEFAULT_SESSION_ID

FORMATS = ("sh", "fish", "json")


def env(
    session: str = typer.Option(
        DEFAULT_SESSION_ID, "--session", "-s", help="Session id (default: the default session)."
    ),
    shell_format: str = typer.Option(
        "sh", "--format", "-f", help="sh (export lines), fish (set -gx lines) or json (one object)."
    ),
) -> None:
    """Print the environment for a session: proxy with the session's credentials, the CA bundle
    variables, and the stripe-python trust hook. Use: eval "$(mirra env --session ses_...)"."""
    if shell_format not in FORMATS:
        raise CliError(f"unknown format '{shell_format}'; use one of: {', '.join(FORMATS)}")
    server = require_server()
    ControlClient(server).call("GET", f"/v1/sessions/{session}")
    print(render(session_environment(server.urls, session), shell_format))
