"""`mirra proxy`: the embedded mitmproxy Master and the control server in one asyncio loop.

Start order: the CA (mitmproxy must find it), the session registry, the proxy, the control
server; then `server.json` is written so clients can find this process. Stop order is the
reverse, and `server.json` is removed.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from pathlib import Path

import uvicorn

from mirra import signals
from mirra.addons import default_addons
from mirra.certs import CertificateAuthority
from mirra.control_api.app import build_app
from mirra.control_api.auth import load_or_create_token
from mirra.control_api.urls import ServerUrls
from mirra.delivery import queue as delivery_queue
from mirra.errors import MirraError
from mirra.home import certs_dir, mirra_home, server_file
from mirra.mirrors.admin import AdminServices
from mirra.mirrors.catalog import default_catalog
from mirra.proxy.master import ProxyStartError, start_proxy
from mirra.runtime_config import ServerConfig
from mirra.scenarios.runs import RunManager
from mirra.sessions.recording import record_events
from mirra.sessions.registry import SessionRegistry
from mirra.sessions.runner import JobRunner

HOUSEKEEPING_SECONDS = 1.0


class StartError(Exception):
    """mirra could not start; the message is one line saying why and what to do."""


def configure_logging() -> None:
    """mitmproxy puts its handlers on the root logger; without our own, its errors vanish."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("mirra: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)


async def serve(config: ServerConfig, on_ready: Callable[[ServerUrls], None]) -> None:
    """Run until SIGINT/SIGTERM (or cancellation)."""
    home = mirra_home()
    ca = CertificateAuthority(certs_dir()).ensure()
    token = load_or_create_token(home)
    catalog = default_catalog()
    _check_free(config.host, config.proxy_port, "--proxy-port")
    api_socket = _bind(config.host, config.api_port, "--api-port")
    wake_runner: list[Callable[[], None]] = []
    registry = SessionRegistry(home, catalog, on_job_scheduled=lambda: [wake() for wake in wake_runner])
    runner = JobRunner(registry)
    wake_runner.append(runner.notify)
    admin = AdminServices(registry, runner, home / "snapshots")
    stop_recording = record_events(registry)
    try:
        proxy = await start_proxy(
            host=config.host,
            port=config.proxy_port,
            confdir=ca.confdir,
            passthrough=config.passthrough,
            addons=default_addons(registry, catalog, admin),
        )
    except ProxyStartError as error:
        api_socket.close()
        stop_recording()
        registry.close()
        raise StartError(str(error)) from None
    urls = ServerUrls(config.host, proxy.port, api_socket.getsockname()[1])
    run_manager = RunManager(registry, catalog, runner, urls, home)
    server = uvicorn.Server(
        uvicorn.Config(
            build_app(registry, catalog, urls, token, admin, run_manager),
            log_level="warning",
            access_log=False,
            lifespan="off",
        )
    )
    api_task = asyncio.create_task(server.serve(sockets=[api_socket]))
    background = [
        asyncio.create_task(runner.run_forever()),
        asyncio.create_task(_housekeeping(registry)),
    ]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        while not server.started and not api_task.done():
            await asyncio.sleep(0.005)
        freeze_startup_objects()
        _write_server_file(urls, home)
        on_ready(urls)
        await asyncio.wait(
            [asyncio.create_task(stop.wait()), api_task], return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        await run_manager.close()
        for task in background:
            task.cancel()
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(api_task, *background, return_exceptions=True)
        await proxy.stop()
        await delivery_queue.close_client()
        stop_recording()
        registry.close()
        server_file().unlink(missing_ok=True)
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


async def _housekeeping(registry: SessionRegistry) -> None:
    """About once a second: end expired ephemeral sessions, and send the held signals of calls
    whose answer never left (a client that went away), so they still count; the event log's own
    timer writes the events."""
    while True:
        signals.send_held()
        for session_id in registry.expired(time.time()):
            with contextlib.suppress(MirraError):
                registry.end(session_id)
        await asyncio.sleep(HOUSEKEEPING_SECONDS)


def freeze_startup_objects() -> None:
    """Keep what startup made (modules, the Master, the app: ~140k objects) out of every later
    collection: a full collection walked them all, a 90-110 ms pause in a call every few hundred."""
    gc.collect()
    gc.freeze()


def _bind(host: str, port: int, option: str) -> socket.socket:
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted connections only for TCP-typed
    # sockets, and uvicorn writes headers and body apart (a 40 ms delayed-ACK stall otherwise).
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise StartError(
            f"cannot listen on {host}:{port} ({error.strerror}); "
            f"choose another port with {option}, or 0 to let the OS choose"
        ) from None
    sock.listen(128)
    return sock


def _check_free(host: str, port: int, option: str) -> None:
    """Fail early with mirra's own line: mitmproxy only logs a failed bind."""
    if port != 0:
        _bind(host, port, option).close()


def _write_server_file(urls: ServerUrls, home: Path) -> None:
    info = {
        "pid": os.getpid(),
        "host": urls.host,
        "proxyPort": urls.proxy_port,
        "apiPort": urls.api_port,
        "apiUrl": urls.api_url,
        "proxyUrl": f"http://{urls.host}:{urls.proxy_port}",
        "home": str(home),
    }
    path = server_file()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(info, indent=2) + "\n")
    tmp.replace(path)
