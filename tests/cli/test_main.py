"""Help that explains, and one-line errors for user mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Run, assert_one_line_error


@pytest.mark.parametrize(
    "args",
    [[], ["--help"], ["proxy", "--help"], ["up", "--help"], ["env", "--help"], ["sessions", "--help"],
     ["sessions", "list", "--help"], ["ca", "--help"], ["ca", "bundle", "--help"]],
)
def test_every_command_explains_itself(run_cli: Run, tmp_path: Path, args: list[str]) -> None:
    result = run_cli(tmp_path, *args)
    assert "Usage: " in result.stdout
    assert result.returncode in (0, 2)  # bare `mirra` shows help and exits 2, as typer does
    assert len(result.stdout.split()) > 10


def test_commands_needing_a_server_say_how_to_start_one(run_cli: Run, tmp_path: Path) -> None:
    for args in (["env"], ["sessions", "list"], ["sessions", "show", "default"]):
        assert_one_line_error(run_cli(tmp_path, *args), "no mirra server is running", "mirra proxy")
