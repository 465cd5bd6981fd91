"""The benchmark's floor: mirra's proxy with the mirror replaced by one fixed answer.

Same embedded mitmproxy Master, same CA and the same addon list as `mirra.addons.default_addons`,
except that `MirrorRouter` is replaced by `FixedCustomer`, which answers every request for
api.stripe.com with the same ~700-byte customer and the headers the Stripe mirror sends with a
create (so both configurations put the same bytes on the wire). Whatever the client measures here
is the cost of the SDK, TLS interception and mitmproxy itself: the least mirra's proxy can cost.

    .venv/bin/python bench/floor_server.py WORKDIR

Creates its CA under WORKDIR/certs, prints one JSON line `{"port": ..., "ca_bundle": ...}` on
stdout once listening on 127.0.0.1 (OS-chosen port), and runs until SIGTERM or SIGINT.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

from mitmproxy import http

from mirra.addons.host_guard import HostGuard
from mirra.addons.session_resolver import SessionResolver
from mirra.addons.upstream_guard import UpstreamGuard
from mirra.certs import CertificateAuthority
from mirra.mirrors.catalog import default_catalog
from mirra.mirrors.stripe.backend.base import API_VERSION
from mirra.proxy.master import start_proxy
from mirra.runtime import freeze_startup_objects

STRIPE_HOST = "api.stripe.com"

# What mirra's Stripe mirror answers to Customer.create, fixed (726 bytes, indented as Stripe does).
CUSTOMER = {
    "id": "cus_m1RxaSl6OBEIpu",
    "object": "customer",
    "address": None,
    "balance": 0,
    "business_name": None,
    "created": 1795503623,
    "currency": None,
    "customer_account": None,
    "default_source": None,
    "delinquent": False,
    "description": None,
    "discount": None,
    "email": "floor@example.com",
    "individual_name": None,
    "invoice_prefix": "647C576D",
    "invoice_settings": {
        "custom_fields": None,
        "default_payment_method": None,
        "footer": None,
        "rendering_options": None,
    },
    "livemode": False,
    "metadata": {"bench": "customer_create"},
    "name": None,
    "next_invoice_sequence": 1,
    "phone": None,
    "preferred_locales": [],
    "shipping": None,
    "tax_exempt": "none",
    "test_clock": None,
}
CUSTOMER_BODY = json.dumps(CUSTOMER, indent=2).encode()
REQUEST_ID = "req_m1RxaSl6OBEIpu"


class FixedCustomer:
    """Stands where `MirrorRouter` stands: answers api.stripe.com in-process, without a mirror."""

    def request(self, flow: http.HTTPFlow) -> None:
        if flow.response is not None or flow.error or not flow.live:
            return
        if flow.request.pretty_host.lower() != STRIPE_HOST:
            return
        headers = [
            ("Content-Type", "application/json"),
            ("Cache-Control", "no-cache, no-store"),
            ("Request-Id", REQUEST_ID),
            ("Stripe-Version", API_VERSION),
            ("Idempotency-Key", flow.request.headers.get("idempotency-key", "")),
            ("Original-Request", REQUEST_ID),
            ("Stripe-Should-Retry", "false"),
        ]
        flow.response = http.Response.make(
            200, CUSTOMER_BODY, [(name.encode(), value.encode()) for name, value in headers]
        )


async def serve(workdir: Path) -> None:
    ca = CertificateAuthority(workdir / "certs").ensure()
    catalog = default_catalog()
    addons = [SessionResolver(), HostGuard(catalog), FixedCustomer(), UpstreamGuard(catalog)]
    proxy = await start_proxy(
        host="127.0.0.1", port=0, confdir=ca.confdir, passthrough=(), addons=addons
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    freeze_startup_objects()  # as `mirra proxy` does before it says it is ready
    print(json.dumps({"port": proxy.port, "ca_bundle": str(ca.bundle_path)}), flush=True)
    try:
        await stop.wait()
    finally:
        await proxy.stop()


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: floor_server.py WORKDIR")
    asyncio.run(serve(Path(sys.argv[1])))


if __name__ == "__main__":
    main()
