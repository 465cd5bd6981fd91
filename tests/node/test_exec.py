"""Unmodified stripe-node, resend-node and twilio-node apps under `mirra exec -- node app`: the
preload (NODE_OPTIONS) and the combined CA file (NODE_EXTRA_CA_CERTS, verification on) that
`mirra env` computes bring each app's calls into the session that `mirra exec` created."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import certifi
import pytest

from mirra.testing.server import MirraProcess
from tests.node.conftest import NodeProject, passed

APPS = {
    "stripe-app.cjs": "stripe",
    "resend-app.mjs": "resend",
    "twilio-app.cjs": "twilio",
}


def mirra_cli(project: NodeProject, *args: str, **env: str) -> Any:
    return project.run(sys.executable, "-m", "mirra", *args, **env)


@pytest.mark.parametrize("app", list(APPS))
def test_an_unmodified_app_reaches_its_session(
    app: str, node_project: Callable[[str], NodeProject], mirra: MirraProcess
) -> None:
    project = node_project("apps")
    vendor = APPS[app]
    result = mirra_cli(project, "exec", "--mirrors", vendor, "--keep", "--", "node", app)
    output = json.loads(passed(result).splitlines()[0])
    session_id = re.search(r"kept session (ses_\w+)", result.stderr).group(1)  # type: ignore[union-attr]
    with mirra.control() as control:
        try:
            mirror = f"/m/{session_id}/{vendor}"
            if vendor == "stripe":
                assert output["status"] == "succeeded"
                state = control.get(f"{mirror}/_mirra/state").json()
                assert [c["id"] for c in state["objects"]["customer"]] == [output["customer"]]
                assert [p["id"] for p in state["objects"]["payment_intent"]] == [output["paymentIntent"]]
            elif vendor == "resend":
                email = control.get(f"{mirror}/emails/{output['email']}", headers={"Authorization": "Bearer re_node_app_key"})
                assert (email.status_code, email.json()["subject"]) == (200, "From Node")
            else:
                assert output["status"] == "queued"
                state = control.get(f"{mirror}/_mirra/state").json()
                assert [m["sid"] for m in state["objects"]["message"]] == [output["message"]]
            traffic = control.get(f"/v1/sessions/{session_id}/events", params={"follow": "false", "types": "traffic.request_completed"})
            assert f"api.{vendor}.com" in traffic.text
        finally:
            control.delete(f"/v1/sessions/{session_id}")


def test_mirra_env_appends_the_preload_and_combines_the_callers_ca(
    node_project: Callable[[str], NodeProject], mirra: MirraProcess, tmp_path: Path
) -> None:
    project = node_project("apps")
    theirs = tmp_path / "corporate-ca.pem"
    first_root = Path(certifi.where()).read_text().split("-----END CERTIFICATE-----")[0]
    theirs.write_text(first_root + "-----END CERTIFICATE-----\n")
    printed = mirra_cli(project, "env", "--format", "json", NODE_OPTIONS="--max-old-space-size=512", NODE_EXTRA_CA_CERTS=str(theirs))
    env = json.loads(passed(printed))
    preload = project.path / "node_modules" / "@mirra" / "node" / "register.cjs"
    assert env["NODE_OPTIONS"] == f"--max-old-space-size=512 --require {preload}"
    combined = Path(env["NODE_EXTRA_CA_CERTS"]).read_text()
    assert combined.startswith(theirs.read_text().rstrip("\n")) and combined.endswith(mirra.ca_cert.read_text())


def test_without_the_preload_node_sdks_do_not_reach_mirra(
    node_project: Callable[[str], NodeProject], mirra: MirraProcess
) -> None:
    """The control: HTTPS_PROXY and the CA alone are not enough for stripe-node."""
    project = node_project("apps")
    env = json.loads(passed(mirra_cli(project, "env", "--format", "json")))
    env.pop("NODE_OPTIONS")
    app = project.run("node", "stripe-app.cjs", **env)
    assert app.returncode != 0
    assert "api.stripe.com" in app.stderr


def test_mirra_exec_says_when_the_package_is_missing(
    node_project: Callable[[str], NodeProject], tmp_path: Path
) -> None:
    project = node_project("apps")
    project.path = tmp_path
    result = mirra_cli(project, "exec", "--", "node", "-e", "process.exit(0)")
    assert result.returncode == 0
    assert f"npm install --save-dev {Path(__file__).resolve().parents[2] / 'js'}" in result.stderr
