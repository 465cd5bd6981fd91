"""A mirrored call opens no upstream connection; only passthrough hosts are ever connected to.

The proxy runs in-process (its own loop in a thread) so a spy addon can see every
`server_connect` mitmproxy attempts: the hook fires before any DNS lookup or socket.
"""

from __future__ import annotations

import asyncio
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import stripe

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


class LocalSite(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"local site")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_site() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), LocalSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


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


def test_mirrored_call_opens_no_upstream_connection(
    proxy: tuple[int, ConnectSpy, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, spy, bundle = proxy
    monkeypatch.setattr(stripe, "ca_bundle_path", str(bundle))
    client = stripe.StripeClient(
        "sk_test_guard", http_client=stripe.RequestsClient(proxy=f"http://default:mirra@127.0.0.1:{port}")
    )
    created = client.v1.customers.create({"name": "offline"})
    assert client.v1.customers.retrieve(created.id).name == "offline"
    assert spy.attempts == []


def test_passthrough_host_is_forwarded_and_seen_by_the_spy(
    proxy: tuple[int, ConnectSpy, Path], local_site: int
) -> None:
    port, spy, _ = proxy
    response = requests.get(
        f"http://localhost:{local_site}/", proxies={"http": f"http://127.0.0.1:{port}"}, timeout=30
    )
    assert response.text == "local site"
    assert spy.attempts == [("localhost", local_site)]


def test_unmirrored_host_is_refused_at_connect(proxy: tuple[int, ConnectSpy, Path]) -> None:
    port, spy, bundle = proxy
    with pytest.raises(requests.exceptions.ProxyError, match="403"):
        requests.get("https://example.com/", proxies={"https": f"http://127.0.0.1:{port}"},
                     verify=str(bundle), timeout=30)
    plain = requests.get("http://example.com/", proxies={"http": f"http://127.0.0.1:{port}"}, timeout=30)
    assert plain.status_code == 403
    assert plain.json()["error"]["code"] == "mirra.proxy.host_not_mirrored"
    assert "--passthrough example.com" in plain.json()["error"]["hint"]
    assert spy.attempts == []
