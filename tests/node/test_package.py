"""The package as published: its declarations type-check a TypeScript user's code; the preload
also loads as an ES module (`node --import @mirra/node/register`) and leaves loopback alone."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

from tests.node.conftest import NodeProject, passed


def test_the_type_declarations_compile_a_typical_use(node_project: Callable[[str], NodeProject]) -> None:
    project = node_project("types")
    passed(project.run(project.bin("tsc"), "-p", "."))


def test_the_preload_loads_with_import(node_project: Callable[[str], NodeProject]) -> None:
    project = node_project("apps")
    env = json.loads(passed(project.run(sys.executable, "-m", "mirra", "env", "--format", "json")))
    env.pop("NODE_OPTIONS")
    app = project.run("node", "--import", "@mirra/node/register", "stripe-app.cjs", **env)
    assert json.loads(passed(app))["status"] == "succeeded"


def test_loopback_stays_out_of_the_proxy(node_project: Callable[[str], NodeProject]) -> None:
    project = node_project("apps")
    env = json.loads(passed(project.run(sys.executable, "-m", "mirra", "env", "--format", "json")))
    assert "register.cjs" in env["NODE_OPTIONS"]
    local = json.loads(passed(project.run("node", "loopback.cjs", **env)))
    assert local == {"viaFetch": "local", "viaLocalhost": "local"}
