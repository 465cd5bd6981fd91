"""The `mirra` typer app: every command group is registered here, and user errors end as one line."""

from __future__ import annotations

import sys

import typer

from mirra.cli import ca, env, events, exec, inspect, listen, mcp, run, server, sessions
from mirra.cli.client import CliError

app = typer.Typer(
    name="mirra",
    help=(
        "Faithful, stateful local mirrors of Stripe, Resend and Twilio. Point unmodified SDKs at "
        "mirra's proxy (HTTPS_PROXY) and every vendor call is answered locally, in a session of "
        "its own. Start with `mirra up`."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)
app.command("proxy")(server.proxy)
app.command("up", short_help="Ensure a server runs, create a session, print its environment.")(server.up)
app.command("env", short_help="Print the environment that routes an app into a session.")(env.env)
app.command("events")(events.events)
app.command("listen", short_help="Forward a session's Stripe or Resend webhooks to a local URL.")(listen.listen)
app.command(
    "exec", context_settings={"allow_interspersed_args": False}, short_help="Run a command inside a fresh session."
)(exec.exec_command)
app.command("run", short_help="Run a markdown scenario against fresh sessions and grade it.")(run.run)
app.command("state")(inspect.state)
app.command("simulate", short_help="Fire a vendor event in a session.")(inspect.simulate)
app.command("mcp", short_help="Serve mirra to coding agents over MCP (stdio or HTTP).")(mcp.mcp)
app.add_typer(sessions.app, name="sessions")
app.add_typer(ca.app, name="ca")


def main() -> None:
    try:
        app()
    except CliError as error:
        print(f"mirra: {error}", file=sys.stderr)
        sys.exit(1)
