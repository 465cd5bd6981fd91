"""The Vitest plugin: a sample suite (stripe-node payment and its signed webhook checked with
`stripe.webhooks.constructEvent`; a resend-node email and its `email.delivered` webhook checked
with `resend.webhooks.verify`) passes in every pool, with no proxy or CA code in the tests; with
`scope: 'file'`, two files running at the same time each see only their own session."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mirra.testing.server import MirraProcess
from tests.node.conftest import NodeProject, passed


def ended(mirra: MirraProcess, session_id: str) -> bool:
    with mirra.control() as control:
        return control.get(f"/v1/sessions/{session_id}").status_code == 404


@pytest.mark.parametrize("pool", ["threads", "forks", "vmThreads", "vmForks"])
def test_the_sample_suite_passes_in_every_pool(
    pool: str, node_project: Callable[[str], NodeProject], mirra: MirraProcess, tmp_path: Path
) -> None:
    project = node_project("vitest")
    output = passed(project.run(project.bin("vitest"), "run", f"--pool={pool}", MARKERS=str(tmp_path)))
    assert "3 passed" in output
    session_id = (tmp_path / "payments").read_text()
    assert (tmp_path / "email").read_text() == session_id  # one session for the run
    assert ended(mirra, session_id)


def test_files_with_their_own_sessions_see_nothing_of_each_other(
    node_project: Callable[[str], NodeProject], mirra: MirraProcess, tmp_path: Path
) -> None:
    project = node_project("vitest")
    result = project.run(project.bin("vitest"), "run", "--config", "vitest.per-file.config.mjs", MARKERS=str(tmp_path))
    assert "2 passed" in passed(result)
    sessions = {(tmp_path / name).read_text() for name in ("a", "b")}
    assert len(sessions) == 2 and all(ended(mirra, session_id) for session_id in sessions)
