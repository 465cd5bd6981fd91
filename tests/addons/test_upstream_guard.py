"""A mirrored call opens no upstream connection; only passthrough hosts are ever connected to."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import stripe

from tests.addons.conftest import ConnectSpy


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
