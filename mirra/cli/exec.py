"""`mirra exec -- CMD`: run a command inside a fresh session with the whole environment set."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import typer

from mirra.cli.client import CliError, ControlClient
from mirra.cli.environment import node_preload, session_environment
from mirra.cli.server import ensure_server

NODE_PACKAGE = Path(__file__).resolve().parents[2] / "js"  # @mirra/node, in a mirra checkout
NODE_COMMANDS = ("node", "npm", "npx", "pnpm", "yarn", "vitest", "jest")


def exec_command(
    command: list[str] = typer.Argument(..., metavar="-- CMD [ARGS]...", help="The command to run, after `--`."),
    mirrors: str = typer.Option("stripe", "--mirrors", help="Comma-separated mirrors for the session."),
    seed: list[str] = typer.Option([], "--seed", help="MIRROR:SEED to load into the session (repeatable)."),
    keep: bool = typer.Option(False, "--keep", help="Keep the session after the command ends."),
) -> None:
    """Run CMD in a new ephemeral session: proxy credentials, CA variables, the stripe-python
    trust hook and (for Node) the @mirra/node preload are set, so the command's vendor calls reach
    the session's mirrors. The session ends when CMD exits (unless --keep); mirra exits with CMD's
    exit code."""
    if shutil.which(command[0]) is None:
        raise CliError(f"command not found: {command[0]}")
    seeds = {}
    for item in seed:
        mirror, colon, name = item.partition(":")
        if not colon or not name:
            raise CliError(f"--seed takes MIRROR:SEED (e.g. stripe:customers), not '{item}'")
        seeds[mirror] = name
    server = ensure_server(quiet=True)
    client = ControlClient(server)
    session = client.call(
        "POST",
        "/v1/sessions",
        json={"mirrors": [m.strip() for m in mirrors.split(",") if m.strip()], "seeds": seeds},
    )
    session_id = session["sessionId"]
    print(f"mirra: session {session_id}; watch it with: mirra events --session {session_id} --follow", file=sys.stderr)
    environment = {**os.environ, **session_environment(server.urls, session_id)}
    if os.path.basename(command[0]) in NODE_COMMANDS and node_preload(os.environ, os.getcwd()) is None:
        print(
            "mirra: @mirra/node is not installed here, so Node's HTTPS calls will not reach mirra; "
            f"add it with: npm install --save-dev {NODE_PACKAGE if NODE_PACKAGE.is_dir() else '@mirra/node'}",
            file=sys.stderr,
        )
    try:
        code = subprocess.call(command, env=environment)
    except KeyboardInterrupt:
        code = 130
    finally:
        if not keep:
            client.call("DELETE", f"/v1/sessions/{session_id}")
    if keep:
        print(f"mirra: kept session {session_id}", file=sys.stderr)
    raise typer.Exit(code)
