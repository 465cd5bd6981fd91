"""`mirra mcp`: serve mirra to coding agents over the Model Context Protocol."""

from __future__ import annotations

import sys

import typer

DEFAULT_HTTP_PORT = 8212  # next to the proxy's 8210 and the control API's 8211


def mcp(
    http: bool = typer.Option(False, "--http", help="Serve streamable HTTP at http://HOST:PORT/mcp instead of stdio."),
    port: int = typer.Option(DEFAULT_HTTP_PORT, "--port", help="Port for --http."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address for --http."),
) -> None:
    """Serve mirra's tools and resources over MCP, so a coding agent (Claude Code, Cursor, any
    MCP client) can create sessions, inspect mirror state and traffic, wait for webhooks,
    simulate vendor events, move the clock and run scenarios. Speaks stdio by default (what
    agent configs launch); uses the running mirra server, starting one in the background if
    none runs."""
    # Imported here: the MCP SDK is only needed by this command.
    from mirra.mcp.server import build_server

    server = build_server()
    if http:
        print(f"mirra MCP server: http://{host}:{port}/mcp (streamable HTTP). Stop with Ctrl-C.", file=sys.stderr, flush=True)
        server.run("streamable-http", host=host, port=port)
    else:
        server.run()
