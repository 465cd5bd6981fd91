"""Refuse hosts nobody mirrors, unless the user passed them through with `--passthrough`.

Refusal happens at CONNECT (a 403 ends the tunnel before any TLS or upstream work), and again
for plain-HTTP proxy requests. Passthrough hosts are not intercepted: mitmproxy tunnels them.
"""

from __future__ import annotations

from collections.abc import Sequence

from mitmproxy import ctx, http
from mitmproxy.addonmanager import Loader

from mirra.errors import error_body
from mirra.mirrors.catalog import MirrorCatalog


class HostGuard:
    def __init__(self, catalog: MirrorCatalog) -> None:
        self.catalog = catalog

    def load(self, loader: Loader) -> None:
        loader.add_option(
            "mirra_passthrough",
            Sequence[str],
            [],
            "Hosts that are not mirrored but may be reached through the proxy (forwarded as-is).",
        )

    def http_connect(self, flow: http.HTTPFlow) -> None:
        self._refuse_unknown(flow)

    def request(self, flow: http.HTTPFlow) -> None:
        if flow.response is None and not flow.error:
            self._refuse_unknown(flow)

    def _refuse_unknown(self, flow: http.HTTPFlow) -> None:
        host = flow.request.pretty_host.lower()
        if self.catalog.for_host(host) or is_passthrough(host):
            return
        mirrored = ", ".join(sorted(self.catalog.hosts()))
        flow.response = http.Response.make(
            403,
            error_body(
                "mirra.proxy.host_not_mirrored",
                f"mirra does not mirror {host} and refused the request; nothing was sent to it.",
                f"Mirrored hosts: {mirrored}. To let requests to {host} through, start mirra "
                f"with --passthrough {host}.",
            ),
            {"content-type": "application/json"},
        )
        # Clients refused at CONNECT show only the status line: make it say what to do.
        flow.response.reason = f"Forbidden by mirra: {host} is not mirrored (see --passthrough)"


def is_passthrough(host: str) -> bool:
    return host.lower() in {name.lower() for name in ctx.options.mirra_passthrough}
