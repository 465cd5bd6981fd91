"""Benchmark: advancing a Stripe test clock by 12 months over N subscriptions.

For each N (default 0, 10, 50, 100, 200) a fresh session gets a monthly price, a test clock and N
customers on that clock, each created with `pm_card_visa` as its default payment method and one
subscription (2000 usd/month). The clock is then advanced 365 days and 2 hours (so that the last
renewal's invoice is finalized and paid too), at most 56 days per call
(Stripe refuses more than two intervals of the shortest subscription at once), and after each call
the client waits until the clock is `ready` again. What is timed is the 7 advances: every renewal
(invoice.created -> finalized -> paid through a PaymentIntent) and every event they produce.

    N=0          the baseline, measured in the same run: the same 7 advances of a clock with no
                 subscriptions, i.e. the fixed cost of advancing (requests, jobs, polling).
    N>0          total seconds, seconds per subscription-year beyond the baseline, and the growth
                 of that per-subscription cost against the smallest N (1.00x = linear growth).

Setup and measurement use stripe-python 16 in direct mode (plain HTTP to the control server's
mirror URL) so that proxy costs do not blur the figure; a separate check counts the invoices of
one subscription (12 renewals + the first = 13, all paid).

    .venv/bin/python bench/bench_test_clocks.py [--sizes 0,10,50,100,200]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import stripe

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from mirra.testing.server import MirraProcess, start_mirra  # noqa: E402

DAY = 86400
YEAR_DAYS = 365
STEP_DAYS = 56  # under two calendar months, whatever the start date
SETTLE_SECONDS = 2 * 3600  # past the last renewal's finalization (an hour after invoice.created)
POLL_SECONDS = 0.01


@dataclass(frozen=True)
class Result:
    subscriptions: int
    seconds: float
    invoices_per_subscription: int


def client_for(mirra: MirraProcess, session_id: str) -> stripe.StripeClient:
    return stripe.StripeClient(
        "sk_test_bench", base_addresses={"api": mirra.urls.mirror_url(session_id, "stripe")}, max_network_retries=0
    )


def measure(mirra: MirraProcess, count: int) -> Result:
    with mirra.control() as control:
        session_id = control.post("/v1/sessions", json={"mirrors": ["stripe"], "timeoutSeconds": 3600}).json()["sessionId"]
    client = client_for(mirra, session_id)
    price = client.v1.prices.create({"currency": "usd", "unit_amount": 2000, "recurring": {"interval": "month"},
                                     "product_data": {"name": "Bench plan"}})
    start = int(time.time())
    clock = client.v1.test_helpers.test_clocks.create({"frozen_time": start})
    subscriptions = []
    for n in range(count):
        customer = client.v1.customers.create({
            "email": f"bench{n}@example.com", "test_clock": clock.id, "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        })
        subscriptions.append(client.v1.subscriptions.create({"customer": customer.id, "items": [{"price": price.id}]}))
    began = time.perf_counter()
    targets = [start + day * DAY for day in range(STEP_DAYS, YEAR_DAYS, STEP_DAYS)]
    for target in [*targets, start + YEAR_DAYS * DAY + SETTLE_SECONDS]:
        client.v1.test_helpers.test_clocks.advance(clock.id, {"frozen_time": target})
        while client.v1.test_helpers.test_clocks.retrieve(clock.id).status != "ready":
            time.sleep(POLL_SECONDS)
    seconds = time.perf_counter() - began
    invoices = 0
    if subscriptions:
        listed = client.v1.invoices.list({"subscription": subscriptions[0].id, "limit": 100}).data
        assert all(invoice.status == "paid" for invoice in listed), [invoice.status for invoice in listed]
        invoices = len(listed)
    with mirra.control() as control:
        control.delete(f"/v1/sessions/{session_id}")
    return Result(count, seconds, invoices)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,10,50,100,200", help="comma-separated subscription counts (0 = baseline)")
    sizes = sorted({int(size) for size in parser.parse_args().sizes.split(",")} | {0})
    with tempfile.TemporaryDirectory() as home:
        mirra = start_mirra(Path(home))
        try:
            results = [measure(mirra, size) for size in sizes]
        finally:
            mirra.stop()
    baseline = results[0].seconds
    print(f"Advancing a test clock {YEAR_DAYS} days (advances of at most {STEP_DAYS} days) over N monthly subscriptions")
    print(f"{'N':>5} {'seconds':>9} {'ms per sub-year':>16} {'growth':>7} {'invoices/sub':>13}")
    first_per_sub = None
    for result in results:
        if result.subscriptions == 0:
            print(f"{0:>5} {result.seconds:>9.3f} {'(baseline)':>16} {'':>7} {'':>13}")
            continue
        per_sub = (result.seconds - baseline) / result.subscriptions * 1000
        first_per_sub = first_per_sub or per_sub
        print(f"{result.subscriptions:>5} {result.seconds:>9.3f} {per_sub:>16.1f} {per_sub / first_per_sub:>6.2f}x "
              f"{result.invoices_per_subscription:>13}")


if __name__ == "__main__":
    main()
