"""Fixtures for the Node tests: the npm package's dependencies installed once (cached in
js/node_modules, keyed by package.json and package-lock.json), and sample projects that use
@mirra/node as an installed package, run with the machine's node against the shared mirra server.

A project is copied under js/.cache/work/, with node_modules/@mirra/node holding the files the
package publishes (package.json's `files`): stripe, vitest, jest and the package's own
dependencies resolve from js/node_modules, up the tree, as from a hoisted install.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mirra.testing.server import MirraProcess

REPO = Path(__file__).resolve().parents[2]
JS = REPO / "js"
PROJECTS = Path(__file__).parent / "projects"
STAMP = JS / "node_modules" / ".mirra-install-key"
PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "NO_PROXY", "no_proxy", "MIRRA_SESSION", "MIRRA_API_URL")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        skip = pytest.mark.skip(reason=f"{' and '.join(missing)} not found on PATH: the Node tests need them")
        for item in items:
            if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """js/node_modules from `npm ci`, reinstalled only when package.json or the lock changed."""
    key = hashlib.sha256((JS / "package.json").read_bytes() + (JS / "package-lock.json").read_bytes()).hexdigest()
    (JS / ".cache").mkdir(exist_ok=True)
    with open(JS / ".cache" / "install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # pytest-xdist workers install once between them
        if not STAMP.exists() or STAMP.read_text() != key:
            subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=JS, check=True, capture_output=True, timeout=600,
            )
            STAMP.write_text(key)
    return JS / "node_modules"


@dataclass
class NodeProject:
    """A sample project in its own folder, and the environment to run node in against `mirra`."""

    path: Path
    env: dict[str, str]

    def run(self, *command: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(command), check=False, cwd=self.path, env={**self.env, **env},
            capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
        )

    def bin(self, name: str) -> str:
        return str(JS / "node_modules" / ".bin" / name)


@pytest.fixture
def node_project(node_modules: Path, mirra: MirraProcess) -> Iterator[Callable[[str], NodeProject]]:
    """Copy tests/node/projects/<name> with @mirra/node installed into it; run against `mirra`."""
    (JS / ".cache" / "work").mkdir(parents=True, exist_ok=True)
    folders: list[Path] = []

    def make(name: str) -> NodeProject:
        folder = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=JS / ".cache" / "work"))
        folders.append(folder)
        shutil.copytree(PROJECTS / name, folder, dirs_exist_ok=True)
        install_package(folder / "node_modules" / "@mirra" / "node")
        env = {name: value for name, value in os.environ.items() if name not in PROXY_VARIABLES}
        env.update(MIRRA_HOME=str(mirra.home), MIRRA_COMMAND=str(Path(sys.executable).parent / "mirra"), NO_COLOR="1")
        env.pop("NODE_OPTIONS", None)
        return NodeProject(folder, env)

    yield make
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def install_package(target: Path) -> None:
    """What `npm install @mirra/node` puts in node_modules: package.json and its `files`."""
    manifest = json.loads((JS / "package.json").read_text())
    target.mkdir(parents=True)
    shutil.copy(JS / "package.json", target)
    for entry in manifest["files"]:
        source = JS / entry
        if source.is_dir():
            shutil.copytree(source, target / entry)
        elif source.exists():
            shutil.copy(source, target / entry)


def passed(result: subprocess.CompletedProcess[str]) -> str:
    """The run's output, after checking it exited 0 (its output is the failure message)."""
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result.stdout + result.stderr
