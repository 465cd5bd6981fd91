"""mirra's mitmproxy addons, one small class per file.

`default_addons()` is the one list: its order is the order hooks run in. Addons talk to each
other only through namespaced `flow.metadata` keys ("mirra.session"); none holds vendor logic.
"""

from __future__ import annotations

from mirra.addons.host_guard import HostGuard
from mirra.addons.mirror_router import MirrorRouter
from mirra.addons.session_resolver import SessionResolver
from mirra.addons.upstream_guard import UpstreamGuard
from mirra.mirrors.admin import AdminServices
from mirra.mirrors.catalog import MirrorCatalog
from mirra.sessions.registry import SessionRegistry


def default_addons(registry: SessionRegistry, catalog: MirrorCatalog, admin: AdminServices) -> list[object]:
    return [
        SessionResolver(),
        HostGuard(catalog),
        MirrorRouter(registry, catalog, admin),
        UpstreamGuard(catalog),
    ]
