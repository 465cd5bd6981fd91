"""Run `mirra proxy` as a user would: a subprocess on OS-chosen ports with its own MIRRA_HOME."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from mirra.certs.ca import BUNDLE_FILE, CA_CERT_FILE
from mirra.cli.environment import session_environment
from mirra.control_api.urls import ServerUrls

START_TIMEOUT_SECONDS = 30


@dataclass
class MirraProcess:
    """A running `mirra proxy` and what a client needs to use it."""

    process: subprocess.Popen[bytes]
    home: Path
    urls: ServerUrls
    token: str

    @property
    def ca_cert(self) -> Path:
        return self.home / "certs" / CA_CERT_FILE

    @property
    def ca_bundle(self) -> Path:
        return self.home / "certs" / BUNDLE_FILE

    def control(self) -> httpx.Client:
        """An httpx client for the control API, with the bearer token."""
        return httpx.Client(
            base_url=self.urls.api_url,
            headers={"authorization": f"Bearer {self.token}"},
            trust_env=False,
            timeout=30,
        )

    def environment(self, session_id: str) -> dict[str, str]:
        """What `mirra env --session ID --format json` prints, for this server."""
        return session_environment(self.urls, session_id, self.home)

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=30)


@contextmanager
def running_mirra(home: Path, extra_args: Sequence[str] = ()) -> Iterator[MirraProcess]:
    mirra = start_mirra(home, extra_args)
    try:
        yield mirra
    finally:
        mirra.stop()


def start_mirra(home: Path, extra_args: Sequence[str] = ()) -> MirraProcess:
    """Start `python -m mirra proxy --proxy-port 0 --api-port 0` and wait for server.json."""
    home.mkdir(parents=True, exist_ok=True)
    server_json = home / "server.json"
    server_json.unlink(missing_ok=True)
    env = {**os.environ, "MIRRA_HOME": str(home)}
    log = open(home / "proxy.log", "ab")  # noqa: SIM115 - owned by the child process
    process = subprocess.Popen(
        [sys.executable, "-m", "mirra", "proxy", "--proxy-port", "0", "--api-port", "0", *extra_args],
        env=env,
        stdout=log,
        stderr=log,
        stdin=subprocess.DEVNULL,
    )
    log.close()
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"mirra exited early: {(home / 'proxy.log').read_text()[-2000:]}")
        try:
            info = json.loads(server_json.read_text())
        except (OSError, ValueError):
            time.sleep(0.02)
            continue
        urls = ServerUrls(info["host"], info["proxyPort"], info["apiPort"])
        token = (home / "token").read_text().strip()
        return MirraProcess(process, home, urls, token)
    process.kill()
    raise RuntimeError("mirra did not write server.json in time")
