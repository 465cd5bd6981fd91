"""The Jest preset (global setup and teardown, and the test environment): the sample suite passes
with workers and one session for the run, on a server the run starts and stops itself; and
in-band against a running server, one session per test file (the worker switches between them)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from mirra.testing.server import MirraProcess
from tests.node.conftest import NodeProject, passed
from tests.node.test_vitest import ended


def test_workers_with_a_server_started_for_the_run(
    node_project: Callable[[str], NodeProject], tmp_path: Path
) -> None:
    project = node_project("jest")
    home, scratch, markers = tmp_path / "no-server-here", tmp_path / "tmp", tmp_path / "markers"
    for folder in (home, scratch, markers):
        folder.mkdir()
    result = project.run(
        project.bin("jest"), "--maxWorkers=2", "--cacheDirectory", str(tmp_path / "jest-cache"),
        MIRRA_HOME=str(home), TMPDIR=str(scratch), MARKERS=str(markers),
    )
    assert "Tests:       2 passed" in passed(result)
    assert (markers / "payments").read_text() == (markers / "email").read_text()
    started = list(scratch.glob("mirra-home-*"))
    assert len(started) == 1 and (started[0] / "token").exists()
    assert not (started[0] / "server.json").exists()  # stopped by the global teardown


def test_in_band_with_a_session_per_file(
    node_project: Callable[[str], NodeProject], mirra: MirraProcess, tmp_path: Path
) -> None:
    project = node_project("jest")
    options = {"mirra": {"scope": "file", "mirrors": ["stripe", "resend"]}}
    result = project.run(
        project.bin("jest"), "--runInBand", "--cacheDirectory", str(tmp_path / "jest-cache"),
        "--testEnvironmentOptions", json.dumps(options), MARKERS=str(tmp_path),
    )
    assert "Tests:       2 passed" in passed(result)
    sessions = {(tmp_path / name).read_text() for name in ("payments", "email")}
    assert len(sessions) == 2 and all(ended(mirra, session_id) for session_id in sessions)
