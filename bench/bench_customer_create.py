"""Benchmark: stripe-python `stripe.Customer.create(email=..., metadata={...})` against mirra.

Measures requests/s and p50/p99 latency (ms) of the same SDK call in three configurations, in
one run, side by side:

  mirra proxy  the real `mirra proxy` server; the SDK goes through its TLS-intercepting proxy
               (stripe.proxy + stripe.ca_bundle_path, certificate verification on) and the Stripe
               mirror answers from the "default" session.
  floor        the same proxy setup (bench/floor_server.py: same mitmproxy Master, CA and addons)
               but a fixed in-process answer instead of the mirror: the least the proxy can cost.
  direct       the same mirra server in direct mode: stripe.api_base set to the session's mirror
               URL, plain HTTP to the control server, no proxy.

Client sockets: urllib3 (under stripe-python's RequestsClient) deliberately turns Nagle's
algorithm back on for proxy connections, and the SDK sends a POST's headers and body as two TLS
records, so on Linux every proxied POST waits ~40 ms for the proxy's delayed ACK, whatever the
proxy does. By default the client sets TCP_NODELAY on its proxy connections so the figures show
the proxy's own cost; `--nagle` keeps urllib3's default to show what an unmodified client sees.

Every server and every measuring client is its own process (one client per configuration, so
stripe's module globals never leak between them); servers listen on 127.0.0.1 on OS-chosen ports
with a temporary MIRRA_HOME, and everything started is stopped, even on error.

Run:

    .venv/bin/python bench/bench_customer_create.py [--requests 1000] [--rounds 5]
        [--warmup 50] [--concurrency 1] [--nagle]

`--client` is internal: the mode in which this script measures one configuration.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mirra.testing.server import MirraProcess

FLOOR_SERVER = Path(__file__).with_name("floor_server.py")
SESSION_ID = "default"
API_KEY = "sk_test_bench"
GOAL_RATIO = 1.3
START_TIMEOUT_SECONDS = 30
PROXY_ENV = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
NODELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]


@dataclass(frozen=True)
class Target:
    """Where a client sends its requests: a proxy (with the CA to trust) or a base URL."""

    name: str
    proxy: str | None = None
    ca_bundle: str | None = None
    api_base: str | None = None


@dataclass(frozen=True)
class Sample:
    """One client run: every measured latency (ms) and the wall time (s)."""

    name: str
    latencies: list[float]
    seconds: float


@dataclass(frozen=True)
class Result:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @classmethod
    def combine(cls, samples: list[Sample]) -> Result:
        latencies = sorted(latency for sample in samples for latency in sample.latencies)
        return cls(
            samples[0].name,
            len(latencies),
            sum(sample.seconds for sample in samples),
            percentile(latencies, 0.50),
            percentile(latencies, 0.99),
        )


# --- client mode: one configuration, in its own process ------------------------------------


def run_client(
    target: Target, requests: int, warmup: int, concurrency: int, nagle: bool
) -> Sample:
    import stripe

    if can_pin():
        pin(os.getpid(), CLIENT_CPU)
    if not nagle:
        disable_nagle_on_proxy_connections()
    stripe.api_key = API_KEY
    if target.api_base is not None:
        stripe.api_base = target.api_base
    if target.proxy is not None:
        assert target.ca_bundle is not None
        check_verification_is_on(target.proxy)
        stripe.proxy = target.proxy
        stripe.ca_bundle_path = target.ca_bundle
    latencies, seconds = run_batch(requests, concurrency, warmup)
    return Sample(target.name, latencies, seconds)


def disable_nagle_on_proxy_connections() -> None:
    """urllib3 gives proxy connections `socket_options=[]` (Nagle on); give them TCP_NODELAY."""
    from requests.adapters import HTTPAdapter

    original = HTTPAdapter.proxy_manager_for

    def proxy_manager_for(self: HTTPAdapter, proxy: str, **kwargs: Any) -> Any:
        kwargs.setdefault("socket_options", NODELAY)
        return original(self, proxy, **kwargs)

    HTTPAdapter.proxy_manager_for = proxy_manager_for  # type: ignore[method-assign]


def check_verification_is_on(proxy: str) -> None:
    """Without mirra's CA the SDK must refuse the proxy's certificate (the check is not off)."""
    import stripe

    assert stripe.verify_ssl_certs, "stripe.verify_ssl_certs must stay True"
    client = stripe.StripeClient(
        API_KEY, http_client=stripe.RequestsClient(proxy=proxy), max_network_retries=0
    )
    try:
        client.v1.customers.list()
    except stripe.APIConnectionError as error:
        if "certificate" not in str(error).lower():
            raise
        return
    raise AssertionError("the SDK accepted the proxy's certificate without mirra's CA")


def create_customer(n: int) -> None:
    import stripe

    email = f"bench{n}@example.com"
    customer = stripe.Customer.create(
        email=email, metadata={"bench": "customer_create", "n": str(n)}
    )
    assert customer.id.startswith("cus_"), customer


def run_batch(count: int, concurrency: int, warmup: int) -> tuple[list[float], float]:
    """`count` calls over `concurrency` threads, each thread's share of `warmup` calls first and
    unmeasured: stripe-python keeps one HTTP session per thread, so the calls that open a
    thread's connection to the proxy (CONNECT and a TLS handshake, 20-40 ms here) are never
    measured. Returns each measured call's latency (ms) and the measured wall time (s)."""
    lock = threading.Lock()
    next_n = iter(range(warmup, warmup + count))
    warm = threading.Barrier(concurrency + 1)
    latencies: list[float] = []
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        own: list[float] = []
        try:
            for n in range(index, warmup, concurrency):
                create_customer(n)
        except BaseException as error:  # surfaced below, in the main thread
            errors.append(error)
        warm.wait()
        try:
            while not errors:
                with lock:
                    n = next(next_n, None)
                if n is None:
                    break
                started = time.perf_counter()
                create_customer(n)
                own.append((time.perf_counter() - started) * 1000)
        except BaseException as error:
            errors.append(error)
        with lock:
            latencies.extend(own)

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(concurrency)]
    for thread in threads:
        thread.start()
    warm.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if errors:
        raise errors[0]
    return latencies, seconds


def percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


# --- orchestration: servers, one client subprocess per configuration, the table ------------


SERVER_CPU, CLIENT_CPU = 0, 1
CONFIGS = ("mirra proxy", "floor", "direct")
SETTLE_REQUESTS = 300


def pin(pid: int, cpu: int) -> None:
    """Keep a process (every thread of it) on one CPU. With two cores, letting the scheduler put
    server and client on the same core in some rounds and not others made the ratio swing by 0.2x
    from run to run; pinned, every configuration runs as server-on-one-core, client-on-the-other."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        os.sched_setaffinity(int(task.name), {cpu})


def can_pin() -> bool:
    return hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) >= 2 and Path("/proc/self/task").is_dir()


@contextmanager
def floor_server(workdir: Path) -> Iterator[Target]:
    workdir.mkdir(parents=True)
    with open(workdir / "floor.log", "wb") as log:
        process = subprocess.Popen(
            [sys.executable, str(FLOOR_SERVER), str(workdir)],
            stdout=subprocess.PIPE,
            stderr=log,
            stdin=subprocess.DEVNULL,
        )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT_SECONDS)
        line = process.stdout.readline() if ready else b""
        if not line:
            raise RuntimeError(f"floor server did not start: {(workdir / 'floor.log').read_text()}")
        info = json.loads(line)
        if can_pin():
            pin(process.pid, SERVER_CPU)
        yield Target(
            "floor", proxy=f"http://{SESSION_ID}:mirra@127.0.0.1:{info['port']}",
            ca_bundle=info["ca_bundle"],
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure(target: Target, args: argparse.Namespace, requests: int) -> Sample:
    """Run this script in --client mode for one configuration and read its JSON result."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in PROXY_ENV}
    command = [
        sys.executable, __file__, "--client", json.dumps(asdict(target)),
        "--requests", str(requests), "--warmup", str(args.warmup),
        "--concurrency", str(args.concurrency), *(["--nagle"] if args.nagle else []),
    ]
    # A bound, not an expectation: 100 ms a request is far slower than any run seen so far.
    timeout = 60 + 0.1 * (requests + args.warmup)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(
            f"client for {target.name} failed (exit {done.returncode}):\n{done.stderr[-3000:]}"
        )
    return Sample(**json.loads(done.stdout))


def print_table(results: list[Result], args: argparse.Namespace) -> None:
    sockets = "urllib3's default (Nagle on)" if args.nagle else "TCP_NODELAY (see --nagle)"
    print(
        f"stripe.Customer.create: {args.requests} requests per config in {args.rounds} interleaved "
        f"rounds over {args.servers} pairs of servers (each client after {args.warmup} warm-up), "
        f"concurrency {args.concurrency}; "
        f"client proxy sockets: {sockets}; "
        + (f"servers pinned to CPU {SERVER_CPU}, clients to CPU {CLIENT_CPU}" if can_pin() else "not pinned to CPUs")
    )
    print(f"{'config':<12} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for result in results:
        print(f"{result.name:<12} {result.rps:>8.1f} {result.p50_ms:>8.2f} {result.p99_ms:>8.2f}")
    by_name = {result.name: result for result in results}
    proxy, floor = by_name["mirra proxy"], by_name["floor"]
    p50_ratio = proxy.p50_ms / floor.p50_ms
    print(
        f"mirra proxy / floor: p50 {p50_ratio:.2f}x, req/s {proxy.rps / floor.rps:.2f}x "
        f"(floor serves {floor.rps / proxy.rps:.2f}x as many)"
    )
    verdict = "met" if max(p50_ratio, floor.rps / proxy.rps) <= GOAL_RATIO else "NOT met"
    print(f"goal: mirra proxy within {GOAL_RATIO}x of the floor ({verdict})")


def stop_mirra(mirra: MirraProcess) -> None:
    try:
        mirra.stop()
    except subprocess.TimeoutExpired:
        mirra.process.kill()
        mirra.process.wait()


def run_all(args: argparse.Namespace) -> list[Result]:
    """`--servers` pairs of servers, used in turn by the rounds: two processes running the same
    code differed by up to 0.2 ms p50 (their memory layout, presumably), so a single pair made the
    ratio partly a matter of which processes it drew. Each server first answers `SETTLE_REQUESTS`
    unmeasured calls per configuration: measured from its first calls, a fresh mirra came out at
    1.65x in one run."""
    per_round = max(1, args.requests // args.rounds)
    samples: dict[str, list[Sample]] = {name: [] for name in CONFIGS}
    with tempfile.TemporaryDirectory(prefix="mirra-bench-") as tmp, ExitStack() as stack:
        pairs = [stack.enter_context(server_pair(Path(tmp) / f"pair{n}")) for n in range(args.servers)]
        for targets in pairs:
            for target in targets:
                measure(target, args, SETTLE_REQUESTS)
        for round_index in range(args.rounds):
            targets = pairs[round_index % len(pairs)]
            # Rotating the order too: machine noise drifts over seconds, and a configuration
            # measured in one block would carry that drift as a false difference.
            shift = round_index % len(targets)
            for target in targets[shift:] + targets[:shift]:
                samples[target.name].append(measure(target, args, per_round))
    return [Result.combine(samples[name]) for name in CONFIGS]


@contextmanager
def server_pair(workdir: Path) -> Iterator[list[Target]]:
    """A `mirra proxy` and a floor server, pinned, stopped on the way out."""
    from mirra.testing.server import (
        start_mirra,  # not needed (nor imported) in client mode
    )

    with ExitStack() as stack:
        mirra = start_mirra(workdir / "home")
        stack.callback(stop_mirra, mirra)
        if can_pin():
            pin(mirra.process.pid, SERVER_CPU)
        floor = stack.enter_context(floor_server(workdir / "floor"))
        yield [
            Target(
                "mirra proxy", proxy=mirra.urls.proxy_url(SESSION_ID), ca_bundle=str(mirra.ca_bundle)
            ),
            floor,
            Target("direct", api_base=mirra.urls.mirror_url(SESSION_ID, "stripe")),
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000, help="measured requests per config")
    parser.add_argument("--warmup", type=int, default=50, help="unmeasured requests first, shared by the client threads (each opens its proxy connection with them)")
    parser.add_argument("--concurrency", type=int, default=1, help="client threads")
    parser.add_argument("--rounds", type=int, default=10, help="interleaved rounds")
    parser.add_argument(
        "--servers", type=int, default=5, help="pairs of servers (mirra, floor) the rounds take in turn"
    )
    parser.add_argument(
        "--nagle",
        action="store_true",
        help="keep urllib3's Nagle-on proxy sockets (adds ~40 ms to every proxied POST)",
    )
    parser.add_argument("--client", metavar="TARGET_JSON", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if min(args.requests, args.concurrency, args.rounds, args.servers) < 1 or args.warmup < 0:
        parser.error("--requests, --concurrency, --rounds and --servers must be >= 1, --warmup >= 0")
    if args.client:
        sample = run_client(
            Target(**json.loads(args.client)), args.requests, args.warmup, args.concurrency,
            args.nagle,
        )
        print(json.dumps(asdict(sample)))
        return
    # A plain SIGTERM would skip the cleanup below: make it unwind like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    print_table(run_all(args), args)


if __name__ == "__main__":
    main()
