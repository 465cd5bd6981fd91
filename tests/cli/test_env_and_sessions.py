"""`mirra env` and `mirra sessions` against a running server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mirra.testing.server import MirraProcess
from tests.cli.conftest import Run, assert_one_line_error


def test_env_formats(run_cli: Run, mirra: MirraProcess, session: dict[str, Any]) -> None:
    session_id = session["sessionId"]
    as_json = json.loads(run_cli(mirra.home, "env", "--session", session_id, "--format", "json").stdout)
    assert as_json["HTTPS_PROXY"] == session["proxyUrl"]
    assert as_json["HTTPS_PROXY"].endswith(f":mirra@127.0.0.1:{mirra.urls.proxy_port}")
    assert as_json["REQUESTS_CA_BUNDLE"] == as_json["SSL_CERT_FILE"] == str(mirra.ca_bundle)
    assert mirra.ca_cert.read_text().strip() in Path(as_json["NODE_EXTRA_CA_CERTS"]).read_text()
    assert as_json["PYTHONPATH"].split(":")[0].endswith("trust_hook")
    assert "127.0.0.1" in as_json["NO_PROXY"]

    sh = run_cli(mirra.home, "env", "--session", session_id).stdout
    assert f"export HTTPS_PROXY={session['proxyUrl']}" in sh
    fish = run_cli(mirra.home, "env", "--session", session_id, "--format", "fish").stdout
    assert f"set -gx HTTPS_PROXY {session['proxyUrl']}" in fish

    default = json.loads(run_cli(mirra.home, "env", "--format", "json").stdout)
    assert default["HTTPS_PROXY"].startswith("http://default:mirra@")


def test_env_mistakes(run_cli: Run, mirra: MirraProcess) -> None:
    assert_one_line_error(run_cli(mirra.home, "env", "--format", "csv"), "unknown format 'csv'")
    assert_one_line_error(run_cli(mirra.home, "env", "--session", "ses_nope"), "No session 'ses_nope'")


def test_sessions_list_show_end(run_cli: Run, mirra: MirraProcess, session: dict[str, Any]) -> None:
    session_id = session["sessionId"]
    listed = json.loads(run_cli(mirra.home, "sessions", "list", "--json").stdout)
    assert session_id in [s["sessionId"] for s in listed]
    assert "default" in run_cli(mirra.home, "sessions", "list").stdout
    shown = json.loads(run_cli(mirra.home, "sessions", "show", session_id).stdout)
    assert shown["sessionId"] == session_id
    assert run_cli(mirra.home, "sessions", "end", session_id).stdout.strip() == f"ended {session_id}"
    assert_one_line_error(run_cli(mirra.home, "sessions", "show", session_id), "No session")
