"""`mirra mcp --http` with no mirra server running: the first tool call starts one in the
background (as `mirra up` does), and the agent's streamable-HTTP client is answered."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from mcp import Client

pytestmark = pytest.mark.anyio
START_TIMEOUT_SECONDS = 30


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def http_agent_url(tmp_path: Path) -> Iterator[str]:
    """`mirra mcp --http` in an empty MIRRA_HOME; whatever server it starts is stopped afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "mcp.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "mirra", "mcp", "--http", "--port", str(port)],
            env={**os.environ, "MIRRA_HOME": str(tmp_path)},
            stdin=subprocess.DEVNULL, stdout=output, stderr=output,
        )
    url = f"http://127.0.0.1:{port}/mcp"
    try:
        _wait_until_listening(url, process, log)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        server = tmp_path / "server.json"
        if server.exists():
            os.kill(json.loads(server.read_text())["pid"], signal.SIGTERM)


def _wait_until_listening(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            httpx.get(url, timeout=1, trust_env=False)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError("mirra mcp --http did not listen in time")


async def test_streamable_http_starts_a_mirra_server_on_first_use(http_agent_url: str, tmp_path: Path) -> None:
    assert not (tmp_path / "server.json").exists()
    async with Client(http_agent_url, cache=None) as agent:
        assert "wait_for_webhook" in {tool.name for tool in (await agent.list_tools()).tools}
        result = await agent.call_tool("get_session", {"session_id": "default"})
        assert not result.is_error, result.content
        session = json.loads(result.content[0].text)  # type: ignore[union-attr]
    assert session["sessionId"] == "default"
    started = json.loads((tmp_path / "server.json").read_text())
    assert session["proxyUrl"] == f"http://default:mirra@127.0.0.1:{started['proxyPort']}"
