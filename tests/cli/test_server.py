"""`mirra proxy` lifecycle and `mirra up`: start, announce, refuse busy ports, stop cleanly."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from pathlib import Path

import pytest

from mirra.testing.server import start_mirra
from tests.cli.conftest import Run, assert_one_line_error


def wait_for(condition: object, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stops_cleanly_and_removes_server_json(tmp_path: Path, sig: int) -> None:
    mirra = start_mirra(tmp_path)
    info = json.loads((tmp_path / "server.json").read_text())
    assert info["pid"] == mirra.process.pid
    assert info["apiUrl"] == mirra.urls.api_url
    assert mirra.stop(sig) == 0
    assert not (tmp_path / "server.json").exists()
    log = (tmp_path / "proxy.log").read_text()
    assert "Traceback" not in log
    assert "export HTTPS_PROXY=http://default:mirra@127.0.0.1:" in log


def test_busy_ports_fail_with_one_line(run_cli: Run, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        proxy = run_cli(tmp_path, "proxy", "--proxy-port", port, "--api-port", "0")
        api = run_cli(tmp_path, "proxy", "--proxy-port", "0", "--api-port", port)
    assert_one_line_error(proxy, f"127.0.0.1:{port}", "--proxy-port")
    assert_one_line_error(api, f"127.0.0.1:{port}", "--api-port")
    assert not (tmp_path / "server.json").exists()


def test_a_second_server_on_the_same_home_is_refused(run_cli: Run, tmp_path: Path) -> None:
    mirra = start_mirra(tmp_path)
    try:
        assert_one_line_error(run_cli(tmp_path, "proxy", "--proxy-port", "0", "--api-port", "0"), "already running")
    finally:
        mirra.stop()


def test_up_starts_a_server_in_the_background_and_creates_a_session(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli(tmp_path, "up", "--json")
    assert result.returncode == 0, result.stderr
    server = json.loads((tmp_path / "server.json").read_text())
    try:
        session = json.loads(result.stdout)
        assert session["sessionId"].startswith("ses_")
        assert session["mirrors"][0]["vendor"] == "stripe"
        again = run_cli(tmp_path, "up", "--name", "staging", "--persistent")
        assert again.returncode == 0
        assert "is ready" in again.stdout and "export HTTPS_PROXY=http://ses_" in again.stdout
        assert json.loads((tmp_path / "server.json").read_text())["pid"] == server["pid"]  # reused
        assert_one_line_error(run_cli(tmp_path, "up", "--mirrors", "github"), "Unknown mirror 'github'")
    finally:
        os.kill(server["pid"], signal.SIGTERM)
        wait_for(lambda: not (tmp_path / "server.json").exists())
