"""`mirra proxy` (run in the foreground) and `mirra up` (ensure a server, create a session)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time

import typer
from rich.console import Console

from mirra.cli.client import CliError, ControlClient, RunningServer, find_server
from mirra.cli.environment import render, session_environment
from mirra.control_api.auth import TOKEN_FILE
from mirra.control_api.urls import ServerUrls
from mirra.home import mirra_home
from mirra.runtime_config import DEFAULT_API_PORT, DEFAULT_PROXY_PORT, ServerConfig
from mirra.sessions.registry import DEFAULT_SESSION_ID

START_TIMEOUT_SECONDS = 30
err = Console(stderr=True)


def proxy(
    proxy_port: int = typer.Option(
        DEFAULT_PROXY_PORT, "--proxy-port", help="Port of the HTTPS proxy (0: let the OS choose)."
    ),
    api_port: int = typer.Option(
        DEFAULT_API_PORT, "--api-port", help="Port of the control API and direct mode (0: let the OS choose)."
    ),
    host: str = typer.Option("127.0.0.1", "--host", help="Address both servers listen on."),
    passthrough: list[str] = typer.Option(
        [], "--passthrough", help="A host that is not mirrored but may be reached through the proxy (repeatable)."
    ),
) -> None:
    """Run mirra in the foreground: the TLS-intercepting proxy and the control API, until Ctrl-C.

    Calls to api.stripe.com are answered by the mirrors in the session named by the proxy
    credentials (default: the default session); other hosts are refused unless passed through.
    """
    # Imported here: mitmproxy takes half a second to import, and only this command needs it.
    from mirra.runtime import StartError, configure_logging, serve

    configure_logging()
    if find_server() is not None:
        raise CliError(
            f"a mirra server is already running (see {mirra_home() / 'server.json'}); "
            "stop it first, or use another MIRRA_HOME"
        )
    config = ServerConfig(host, proxy_port, api_port, tuple(passthrough))
    try:
        asyncio.run(serve(config, _announce))
    except StartError as error:
        raise CliError(str(error)) from None
    except KeyboardInterrupt:
        pass


def _announce(urls: ServerUrls) -> None:
    print(f"mirra is running. proxy {urls.proxy_url(DEFAULT_SESSION_ID)}  control API {urls.api_url}")
    print(f"Dashboard: {login_link(urls)}")
    print("To send an app's vendor calls to the default session, export:")
    print(render(session_environment(urls, DEFAULT_SESSION_ID), "sh"))
    print("Stop with Ctrl-C.", flush=True)


def up(
    mirrors: str = typer.Option(
        "stripe", "--mirrors", help="Comma-separated mirrors for the session, e.g. stripe,resend,twilio."
    ),
    name: str | None = typer.Option(None, "--name", help="Session name (required with --persistent)."),
    persistent: bool = typer.Option(False, "--persistent", help="Keep the session across restarts (needs --name)."),
    as_json: bool = typer.Option(False, "--json", help="Print the control API's session object only."),
    proxy_port: int = typer.Option(0, "--proxy-port", help="Proxy port if a server must be started (0: OS chooses)."),
    api_port: int = typer.Option(0, "--api-port", help="Control API port if a server must be started (0: OS chooses)."),
) -> None:
    """Make sure a mirra server runs (starting one in the background if needed), create a
    session, and print its id, URLs and the environment to export."""
    server = ensure_server(proxy_port, api_port, quiet=as_json)
    payload: dict[str, object] = {
        "mirrors": [item.strip() for item in mirrors.split(",") if item.strip()],
        "persistent": persistent,
    }
    if name:
        payload["name"] = name
    session = ControlClient(server).call("POST", "/v1/sessions", json=payload)
    if as_json:
        print(json.dumps(session, indent=2))
        return
    print(f"session {session['sessionId']} is ready")
    for mirror in session["mirrors"]:
        print(f"  {mirror['vendor']}: {mirror['url']}")
    print(f"  proxy: {session['proxyUrl']}")
    print(f"  dashboard: {login_link(server.urls)}#/sessions/{session['sessionId']}")
    print(render(session_environment(server.urls, session["sessionId"]), "sh"))


def login_link(urls: ServerUrls) -> str:
    """The dashboard's sign-in link: the token turns into a cookie and leaves the address bar."""
    token = (mirra_home() / TOKEN_FILE).read_text().strip()
    return f"{urls.api_url}/login?token={token}"


def ensure_server(proxy_port: int = 0, api_port: int = 0, *, quiet: bool = False) -> RunningServer:
    """The running server, or a new one started in the background (logging to server.log)."""
    return find_server() or _start_background_server(proxy_port, api_port, quiet=quiet)


def _start_background_server(proxy_port: int, api_port: int, *, quiet: bool) -> RunningServer:
    log_path = mirra_home() / "server.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "mirra", "proxy", "--proxy-port", str(proxy_port), "--api-port", str(api_port)],
            stdout=log,
            stderr=log,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=os.environ.copy(),
        )
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    with err.status("starting mirra in the background…") if not quiet else contextlib.nullcontext():
        while time.monotonic() < deadline:
            server = find_server()
            if server is not None and server.pid == process.pid:
                return server
            if process.poll() is not None:
                break
            time.sleep(0.05)
    tail = log_path.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
    raise CliError(f"mirra did not start: {tail[0]} (full log: {log_path})")

