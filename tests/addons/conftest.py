"""An in-process `mirra proxy` (its own loop in a thread), for tests that look inside it: a spy
addon sees every `server_connect` mitmproxy attempts, before any DNS lookup or socket."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from mirra.addons import default_addons
from mirra.certs import CertificateAuthority
from mirra.mirrors.admin import AdminServices
from mirra.mirrors.catalog import default_catalog
from mirra.proxy.master import start_proxy
from mirra.sessions.registry import SessionRegistry
from mirra.sessions.runner import JobRunner


class ConnectSpy:
    def __init__(self) -> None:
        self.attempts: list[tuple[str, int]] = []

    def server_connect(self, data: object) -> None:
        self.attempts.append(data.server.address)  # type: ignore[attr-defined]


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[tuple[int, ConnectSpy, Path]]:
    ca = CertificateAuthority(tmp_path / "certs").ensure()
    catalog = default_catalog()
    registry = SessionRegistry(tmp_path, catalog)
    spy = ConnectSpy()
    loop = asyncio.new_event_loop()
    started: dict[str, object] = {}
    ready = threading.Event()
    stop_requested = asyncio.Event()

    async def run() -> None:
        running = await start_proxy(
            host="127.0.0.1",
            port=0,
            confdir=ca.confdir,
            passthrough=["localhost"],
            addons=[*default_addons(registry, catalog, AdminServices(registry, JobRunner(registry), tmp_path)), spy],
        )
        started["proxy"] = running
        ready.set()
        await stop_requested.wait()
        await running.stop()

    thread = threading.Thread(target=loop.run_until_complete, args=(run(),), daemon=True)
    thread.start()
    assert ready.wait(30)
    yield started["proxy"].port, spy, ca.bundle_path  # type: ignore[attr-defined]
    loop.call_soon_threadsafe(stop_requested.set)
    thread.join(30)
    loop.close()
    registry.close()
