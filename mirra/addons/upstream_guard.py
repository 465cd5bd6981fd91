"""The hard guarantee: no upstream connection to anything but a passthrough host.

`server_connect` fires before any DNS lookup or socket. Mirrored flows are answered in-process
and never get here; if one ever did, it is refused and counted.
"""

from __future__ import annotations

import logging

from mitmproxy.proxy import server_hooks

from mirra.addons.host_guard import is_passthrough
from mirra.mirrors.catalog import MirrorCatalog

log = logging.getLogger(__name__)


class UpstreamGuard:
    def __init__(self, catalog: MirrorCatalog) -> None:
        self.catalog = catalog
        self.refused: list[tuple[str, int]] = []

    def server_connect(self, data: server_hooks.ServerConnectionHookData) -> None:
        address = data.server.address
        host = address[0] if address else ""
        if host and is_passthrough(host) and not self.catalog.for_host(host):
            return
        self.refused.append((host, address[1] if address else 0))
        log.warning("mirra refused an upstream connection to %s", host or "an unknown host")
        data.server.error = "mirra: upstream connections are disabled"
