"""One flow of the unmodified resend Node SDK (6.x) through the proxy: send with an idempotency
key and its replay, a batch (the SDK always sends x-batch-validation), an error passed through
verbatim, a raw `+` email in a path, and the bare-array topic update.

npm installs resend and the undici matching Node's bundled major into tests/resend/.node-cache
(gitignored) once; the test is skipped, saying why, when node or npm is missing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mirra.testing.server import MirraProcess
from tests.resend.conftest import API_KEY, ResendMirror

HERE = Path(__file__).parent
CACHE = HERE / ".node-cache"
RESEND_VERSION = "6"


@pytest.fixture(scope="module")
def node_packages() -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed for the Node SDK test (install Node 20+ with npm)")
    undici_major = subprocess.run([node, "-p", "process.versions.undici.split('.')[0]"], capture_output=True,
                                  text=True, check=True).stdout.strip()
    marker = CACHE / f"installed-resend{RESEND_VERSION}-undici{undici_major}"
    if not marker.exists():
        CACHE.mkdir(exist_ok=True)
        (CACHE / "package.json").write_text('{"private": true}')
        installed = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--silent", f"resend@{RESEND_VERSION}", f"undici@{undici_major}"],
            cwd=CACHE, capture_output=True, text=True, timeout=300, check=False,
        )
        if installed.returncode != 0:
            pytest.skip(f"npm could not install resend and undici: {installed.stderr[-500:]}")
        marker.touch()
    return CACHE


def test_node_sdk_flow(mirra: MirraProcess, resend_mirror: ResendMirror, node_packages: Path) -> None:
    script = node_packages / "flow.cjs"
    shutil.copyfile(HERE / "node" / "flow.cjs", script)
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "HTTPS_PROXY": resend_mirror.session["proxyUrl"],
        "NODE_EXTRA_CA_CERTS": str(mirra.ca_bundle),
        "RESEND_API_KEY": API_KEY,
    }
    ran = subprocess.run(["node", str(script)], cwd=node_packages, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert ran.returncode == 0, ran.stderr
    result: dict[str, Any] = json.loads(ran.stdout)
    sent_id = result["sent"]["data"]["id"]
    assert result["sent"]["error"] is None and result["replay"]["data"]["id"] == sent_id
    assert len(result["batch"]["data"]["data"]) == 1
    assert result["invalid"]["data"] is None
    assert result["invalid"]["error"] == {"statusCode": 422, "message": "Missing `to` field.", "name": "missing_required_field"}
    assert result["topics"]["data"]["topics"][0]["subscription"] == "opt_out"
    assert result["contact"]["data"]["email"] == "node+1@acme.dev" and result["contact"]["data"]["first_name"] == "Node"
    assert [e["id"] for e in resend_mirror.state()["objects"]["email"]] == [sent_id, result["batch"]["data"]["data"][0]["id"]]
