"""Where mirra keeps its files: one folder, `MIRRA_HOME` (default `~/.mirra`)."""

from __future__ import annotations

import os
from pathlib import Path


def mirra_home() -> Path:
    """The folder for the CA, the control-API token, server.json and session databases."""
    home = Path(os.environ.get("MIRRA_HOME") or Path.home() / ".mirra").expanduser()
    home.mkdir(parents=True, exist_ok=True)
    return home


def server_file() -> Path:
    """Written by a running `mirra proxy`: pid, ports and URLs; removed on shutdown."""
    return mirra_home() / "server.json"


def certs_dir() -> Path:
    return mirra_home() / "certs"

