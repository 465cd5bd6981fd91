"""Start and stop the embedded mitmproxy Master with the minimal addon set plus mirra's addons.

Notes that shape this module (see shared/notes/mitmproxy.md): `Master` must be built inside the
running loop; options an addon declares exist only after it is added; a failed bind is only
logged, so the listening address is checked; `connection_strategy=lazy` and
`upstream_cert=False` keep mitmproxy from contacting a vendor at CONNECT time.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mitmproxy import options
from mitmproxy.addons import core, next_layer, proxyserver, tlsconfig
from mitmproxy.master import Master


class ProxyStartError(Exception):
    """The proxy could not listen; the message says why and what to do."""


@dataclass
class RunningProxy:
    master: Master
    task: asyncio.Task[None]
    port: int

    async def stop(self) -> None:
        self.master.shutdown()
        await self.task
        # mitmproxy leaves its listeners open at shutdown (the process usually exits next).
        await self.master.addons.get("proxyserver").servers.update([])


class _Ready:
    def __init__(self) -> None:
        self.event = asyncio.Event()

    def running(self) -> None:
        self.event.set()


async def start_proxy(
    *,
    host: str,
    port: int,
    confdir: Path,
    passthrough: Sequence[str],
    addons: Sequence[object],
) -> RunningProxy:
    opts = options.Options(
        listen_host=host, listen_port=port, mode=["regular"], confdir=str(confdir), upstream_cert=False
    )
    master = Master(opts, with_termlog=False)
    ready = _Ready()
    master.addons.add(core.Core(), proxyserver.Proxyserver(), next_layer.NextLayer(), tlsconfig.TlsConfig())
    master.addons.add(*addons, ready)
    master.options.update(
        connection_strategy="lazy",
        mirra_passthrough=list(passthrough),
        # Passthrough hosts are tunnelled, not intercepted: their TLS is the client's own.
        ignore_hosts=[rf"^{re.escape(name)}(:\d+)?$" for name in passthrough],
    )
    task = asyncio.create_task(master.run())
    await asyncio.wait([task, asyncio.create_task(ready.event.wait())], return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        task.result()
    addresses = master.addons.get("proxyserver").listen_addrs()
    if not addresses:
        master.shutdown()
        await task
        raise ProxyStartError(
            f"the proxy could not listen on {host}:{port} (is the port already in use?); "
            "choose another with --proxy-port, or 0 to let the OS choose"
        )
    return RunningProxy(master, task, addresses[0][1])
