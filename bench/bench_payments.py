"""Benchmark: a full Stripe payment flow through mirra's proxy, and webhook latency.

Prints two figures from one run, each beside a baseline measured in the same run:

  1. flow      p50/p99 (ms) and flows/s of one payment flow made with stripe-python 16's
               StripeClient, one flow at a time:
                   customers.create -> payment_methods.attach("pm_card_visa", customer)
                   -> payment_intents.create(2000 usd, customer, payment_method, confirm=True,
                      automatic_payment_methods without redirects) -> refunds.create(500)
               in three configurations, in interleaved rounds:
                 mirra proxy  the real `mirra proxy`; the SDK goes through its TLS-intercepting
                              proxy (RequestsClient(proxy=...) + stripe.ca_bundle_path,
                              certificate verification on); the Stripe mirror answers from the
                              "default" session.
                 floor        baseline: bench/floor_server.py, the same proxy, CA and addons with a
                              fixed ~730-byte customer as the answer to every request (the SDK
                              parses it as a Customer whatever it asked for; fine for timing).
                 direct       the same mirra server in direct mode: the SDK's "api" base address
                              is the session's mirror URL (plain HTTP, no proxy).
               The table also gives each call's own p50.
  2. webhooks  how long after `customers.create` returns (the mirror has committed the customer
               and queued its event by then) the signed `customer.created` webhook arrives at a
               local receiver (ThreadingHTTPServer on 127.0.0.1:0 in the client process, stamping
               time.perf_counter() once the body is read), matched by the customer id in the
               payload. One customer at a time, each waited for. Every webhook's signature is
               then checked with stripe.Webhook.construct_event and the endpoint's secret.
               Baseline: a plain POST of a payload of the same size, from a separate thread of the
               same process to the same receiver, timed from just before the request to the same
               arrival stamp, over a new connection each time (mirra's delivery opens one per
               attempt). Rows below it, in the same interleaved rounds, show where the time goes:
               the same from the start of the SDK call; the customers.create call itself; that
               call in a second session without any endpoint; the endpoint's session in direct
               mode; and a plain POST that builds a new httpx client each time, as mirra's
               delivery does per attempt (mirra/delivery/queue.py).

Client sockets: as in bench_customer_create.py, urllib3 turns Nagle's algorithm back on for
proxy connections and the SDK writes a POST's headers and body apart, so every proxied POST would
wait ~40 ms for a delayed ACK. By default the clients set TCP_NODELAY on their proxy connections;
`--nagle` keeps urllib3's default.

Every server and every measuring client is its own process (a fresh client per configuration and
round for figure 1, one client for figure 2 since its receiver and webhook endpoint must live
through it). Servers listen on 127.0.0.1 on OS-chosen ports with a temporary MIRRA_HOME; figure 2
uses two sessions of its own on the same mirra server. Everything started is stopped, even on
error, Ctrl-C or SIGTERM.

Run from the repository root:

    .venv/bin/python bench/bench_payments.py [--flows 200] [--rounds 5] [--warmup 5]
        [--webhooks 300] [--webhook-warmup 10] [--only flow,webhooks] [--nagle]

`--flow-client` and `--webhook-client` are internal: the modes of this script's child processes.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench_customer_create import (
    PROXY_ENV,
    Target,
    check_verification_is_on,
    disable_nagle_on_proxy_connections,
    floor_server,
    percentile,
    stop_mirra,
)

if TYPE_CHECKING:
    import stripe

    from mirra.testing.server import MirraProcess

SESSION_ID = "default"
API_KEY = "sk_test_bench"
NO_REDIRECTS = {"enabled": True, "allow_redirects": "never"}
CALLS = ("customer", "attach", "intent", "refund")
FIGURES = ("flow", "webhooks")
WEBHOOK_WAIT_SECONDS = 10.0
KEY_HEADER = "X-Bench-Key"  # names a baseline POST (mirra's webhooks are named by their payload)


# --- small shared helpers --------------------------------------------------------------------


def sdk_client(target: Target) -> stripe.StripeClient:
    """A StripeClient for `target`; through a proxy, certificate verification stays on."""
    import stripe

    if target.proxy is not None:
        assert target.ca_bundle is not None
        if stripe.ca_bundle_path != target.ca_bundle:  # once per process, before trusting it
            check_verification_is_on(target.proxy)
            stripe.ca_bundle_path = target.ca_bundle
        return stripe.StripeClient(
            API_KEY, http_client=stripe.RequestsClient(proxy=target.proxy), max_network_retries=0
        )
    assert target.api_base is not None
    return stripe.StripeClient(
        API_KEY,
        http_client=stripe.RequestsClient(),
        base_addresses={"api": target.api_base},
        max_network_retries=0,
    )


def client_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.lower() not in PROXY_ENV}


def run_child(command: list[str], timeout: float, what: str) -> Any:
    """Run this script in a client mode; its stdout is one JSON document."""
    done = subprocess.run(
        [sys.executable, __file__, *command],
        env=client_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def ms(seconds: float) -> float:
    return seconds * 1000


def split_evenly(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


# --- 1. the payment flow ---------------------------------------------------------------------


@dataclass(frozen=True)
class FlowSample:
    """One client run: per flow, [total, customer, attach, intent, refund] ms; wall time (s)."""

    name: str
    flows: list[list[float]]
    seconds: float


def run_flow(client: stripe.StripeClient, n: int, check: bool) -> list[float]:
    """One payment flow; returns [total, each call] in ms. `check`: the answers are real."""
    marks = [time.perf_counter()]
    customer = client.v1.customers.create({"email": f"flow{n}@example.com"})
    marks.append(time.perf_counter())
    method = client.v1.payment_methods.attach("pm_card_visa", {"customer": customer.id})
    marks.append(time.perf_counter())
    intent = client.v1.payment_intents.create(
        {
            "amount": 2000,
            "currency": "usd",
            "customer": customer.id,
            "payment_method": method.id,
            "confirm": True,
            "automatic_payment_methods": NO_REDIRECTS,  # type: ignore[typeddict-item]
        }
    )
    marks.append(time.perf_counter())
    refund = client.v1.refunds.create({"payment_intent": intent.id, "amount": 500})
    marks.append(time.perf_counter())
    if check:
        assert customer.id.startswith("cus_") and method.customer == customer.id, method
        assert intent.status == "succeeded" and intent.amount_received == 2000, intent
        assert refund.status == "succeeded" and refund.amount == 500, refund
    else:
        assert customer.id and method.id and intent.id and refund.id
    steps = [ms(after - before) for before, after in zip(marks, marks[1:], strict=False)]
    return [ms(marks[-1] - marks[0]), *steps]


def flow_client(target: Target, flows: int, warmup: int, nagle: bool) -> FlowSample:
    if not nagle:
        disable_nagle_on_proxy_connections()
    client = sdk_client(target)
    check = target.name != "floor"
    for n in range(warmup):
        run_flow(client, -1 - n, check)
    started = time.perf_counter()
    measured = [run_flow(client, n, check) for n in range(flows)]
    return FlowSample(target.name, measured, time.perf_counter() - started)


@dataclass(frozen=True)
class FlowResult:
    name: str
    flows: int
    seconds: float
    p50_ms: float
    p99_ms: float
    call_p50_ms: list[float]

    @property
    def fps(self) -> float:
        return self.flows / self.seconds

    @classmethod
    def combine(cls, samples: list[FlowSample]) -> FlowResult:
        rows = [row for sample in samples for row in sample.flows]
        columns = [sorted(column) for column in zip(*rows, strict=True)]
        return cls(
            samples[0].name,
            len(rows),
            sum(sample.seconds for sample in samples),
            percentile(columns[0], 0.50),
            percentile(columns[0], 0.99),
            [percentile(column, 0.50) for column in columns[1:]],
        )


def measure_flow(target: Target, args: argparse.Namespace, flows: int) -> FlowSample:
    # A bound, not an expectation: 1 s a flow is far slower than any run seen so far.
    timeout = 60 + 1.0 * (flows + args.warmup)
    command = [
        "--flow-client", json.dumps(asdict(target)), "--flows", str(flows),
        "--warmup", str(args.warmup), *(["--nagle"] if args.nagle else []),
    ]
    return FlowSample(**run_child(command, timeout, f"flow client for {target.name}"))


def run_flows(mirra: MirraProcess, floor: Target, args: argparse.Namespace) -> list[FlowResult]:
    targets = [
        Target(
            "mirra proxy", proxy=mirra.urls.proxy_url(SESSION_ID), ca_bundle=str(mirra.ca_bundle)
        ),
        floor,
        Target("direct", api_base=mirra.urls.mirror_url(SESSION_ID, "stripe")),
    ]
    # Interleaved rounds, rotating the order, so drift in machine speed spreads evenly.
    samples: dict[str, list[FlowSample]] = {target.name: [] for target in targets}
    for round_index, count in enumerate(split_evenly(args.flows, args.rounds)):
        if count == 0:
            continue
        shift = round_index % len(targets)
        for target in targets[shift:] + targets[:shift]:
            samples[target.name].append(measure_flow(target, args, count))
    return [FlowResult.combine(samples[target.name]) for target in targets]


def print_flows(results: list[FlowResult], args: argparse.Namespace) -> None:
    sockets = "urllib3's default (Nagle on)" if args.nagle else "TCP_NODELAY (see --nagle)"
    print(
        f"1. payment flow (customers.create, payment_methods.attach, payment_intents.create "
        f"confirm, refunds.create 500): {args.flows} flows per config, one at a time, in "
        f"{args.rounds} interleaved rounds (each after {args.warmup} warm-up flows); client "
        f"proxy sockets: {sockets}"
    )
    calls = "".join(f"{name:>9}" for name in CALLS)
    print(f"{'config':<18} {'flows/s':>8} {'p50 ms':>8} {'p99 ms':>8}   p50 ms per call:{calls}")
    for result in results:
        label = f"{result.name} (baseline)" if result.name == "floor" else result.name
        per_call = "".join(f"{value:>9.2f}" for value in result.call_p50_ms)
        print(
            f"{label:<18} {result.fps:>8.1f} {result.p50_ms:>8.2f} {result.p99_ms:>8.2f}"
            f"   {'':<16}{per_call}"
        )
    by_name = {result.name: result for result in results}
    proxy, floor, direct = by_name["mirra proxy"], by_name["floor"], by_name["direct"]
    extra = proxy.p50_ms - direct.p50_ms
    print(
        f"mirra proxy / floor: p50 {proxy.p50_ms / floor.p50_ms:.2f}x, flows/s "
        f"{proxy.fps / floor.fps:.2f}x; mirra proxy - direct: {extra:.2f} ms p50 a flow "
        f"({extra / len(CALLS):.2f} ms a call)"
    )


# --- 2. webhook latency ----------------------------------------------------------------------


@dataclass
class Arrival:
    at: float  # time.perf_counter() once the body was read
    body: bytes
    headers: dict[str, str]


@dataclass
class Receiver:
    """Webhook receiver state: the first arrival per key (customer id, or KEY_HEADER)."""

    url: str = ""
    arrivals: dict[str, Arrival] = field(default_factory=dict)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def record(self, arrival: Arrival) -> None:
        key = arrival.headers.get(KEY_HEADER) or json.loads(arrival.body)["data"]["object"]["id"]
        with self.changed:
            self.arrivals.setdefault(key, arrival)  # at least once: a repeat keeps the first
            self.changed.notify_all()

    def wait_for(self, key: str) -> Arrival:
        with self.changed:
            if not self.changed.wait_for(lambda: key in self.arrivals, WEBHOOK_WAIT_SECONDS):
                raise RuntimeError(f"no webhook for {key} within {WEBHOOK_WAIT_SECONDS} s")
            return self.arrivals[key]


def start_receiver(stack: ExitStack) -> Receiver:
    state = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            at = time.perf_counter()
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            state.record(Arrival(at, body, dict(self.headers)))

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/webhooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stack.callback(server.server_close)
    stack.callback(server.shutdown)
    return state


@dataclass(frozen=True)
class HookTargets:
    """Figure 2's clients: one session with the webhook endpoint (through the proxy and in direct
    mode) and one session without any endpoint (through the proxy)."""

    proxy: Target
    direct: Target
    quiet: Target


@dataclass(frozen=True)
class WebhookSample:
    """Latencies (ms) per row; the payload size; what was checked on the way."""

    rows: dict[str, list[float]]
    payload_bytes: int
    verified: int
    early: int  # webhooks that arrived before the proxied SDK call had returned


PROXY_RETURN = "proxy: SDK return -> arrival"
BASELINE = "plain POST, new connection (baseline)"
PROXY_START = "proxy: SDK call start -> arrival"
PROXY_CALL = "proxy: customers.create call"
QUIET_CALL = "proxy: customers.create, no endpoint"
DIRECT_RETURN = "direct: SDK return -> arrival"
DIRECT_START = "direct: SDK call start -> arrival"
DIRECT_CALL = "direct: customers.create call"
PER_CLIENT = "plain POST, new httpx.Client per POST"
ROWS = (
    PROXY_RETURN, BASELINE, PROXY_START, PROXY_CALL, QUIET_CALL, DIRECT_RETURN, DIRECT_START,
    DIRECT_CALL, PER_CLIENT,
)


@dataclass(frozen=True)
class Hooked:
    """One customers.create and its webhook, timed (ms)."""

    customer_id: str
    call_ms: float  # the SDK call
    after_return_ms: float  # SDK return -> arrival (negative: it arrived first)
    after_start_ms: float  # SDK call start -> arrival


def webhook_once(client: stripe.StripeClient, receiver: Receiver, n: int) -> Hooked:
    started = time.perf_counter()
    customer = client.v1.customers.create({"email": f"hook{n}@example.com"})
    returned = time.perf_counter()
    arrived = receiver.wait_for(customer.id).at
    return Hooked(
        customer.id, ms(returned - started), ms(arrived - returned), ms(arrived - started)
    )


def create_once(client: stripe.StripeClient, n: int) -> float:
    """customers.create in a session without endpoints (nothing to deliver); ms."""
    started = time.perf_counter()
    client.v1.customers.create({"email": f"quiet{n}@example.com"})
    return ms(time.perf_counter() - started)


def plain_post_once(
    receiver: Receiver, payload: bytes, key: str, post: Callable[[bytes, dict[str, str]], None]
) -> float:
    """POST `payload` from a new thread; ms from just before the request to its arrival."""
    started: list[float] = []
    errors: list[BaseException] = []
    headers = {"content-type": "application/json; charset=utf-8", KEY_HEADER: key}

    def send() -> None:
        started.append(time.perf_counter())
        try:
            post(payload, headers)
        except BaseException as error:  # surfaced below, in the main thread
            errors.append(error)

    sender = threading.Thread(target=send)
    sender.start()
    sender.join()
    if errors:
        raise errors[0]
    return ms(receiver.wait_for(key).at - started[0])


def webhook_client(
    targets: HookTargets, count: int, warmup: int, rounds: int, nagle: bool
) -> WebhookSample:
    import httpx
    import stripe

    if not nagle:
        disable_nagle_on_proxy_connections()
    proxied, direct, quiet = (sdk_client(t) for t in (targets.proxy, targets.direct, targets.quiet))
    with ExitStack() as stack:
        receiver = start_receiver(stack)
        endpoint = {"url": receiver.url, "enabled_events": ["customer.created"]}
        hook = proxied.v1.webhook_endpoints.create(endpoint)  # type: ignore[arg-type]
        # One client with keep-alive off: each POST opens its own connection (the receiver speaks
        # HTTP/1.0 and would close it anyway), as each of mirra's delivery attempts does.
        shared = stack.enter_context(
            httpx.Client(
                trust_env=False, timeout=10, limits=httpx.Limits(max_keepalive_connections=0)
            )
        )

        def post_shared(payload: bytes, headers: dict[str, str]) -> None:
            shared.post(receiver.url, content=payload, headers=headers).raise_for_status()

        def post_new_client(payload: bytes, headers: dict[str, str]) -> None:
            with httpx.Client(trust_env=False, timeout=10) as own:  # what queue.py does per attempt
                own.post(receiver.url, content=payload, headers=headers).raise_for_status()

        payload = receiver.wait_for(webhook_once(proxied, receiver, -1).customer_id).body
        for n in range(warmup):
            webhook_once(proxied, receiver, -2 - n)
            webhook_once(direct, receiver, -2 - n)
            create_once(quiet, -2 - n)
            plain_post_once(receiver, payload, f"warm-a{n}", post_shared)
            plain_post_once(receiver, payload, f"warm-b{n}", post_new_client)

        rows: dict[str, list[float]] = {row: [] for row in ROWS}
        hooked: list[Hooked] = []

        def through_proxy(n: int) -> None:
            one = webhook_once(proxied, receiver, n)
            hooked.append(one)
            rows[PROXY_CALL].append(one.call_ms)
            rows[PROXY_RETURN].append(one.after_return_ms)
            rows[PROXY_START].append(one.after_start_ms)

        def in_direct_mode(n: int) -> None:
            one = webhook_once(direct, receiver, n)
            hooked.append(one)
            rows[DIRECT_CALL].append(one.call_ms)
            rows[DIRECT_RETURN].append(one.after_return_ms)
            rows[DIRECT_START].append(one.after_start_ms)

        steps: list[Callable[[int], None]] = [
            through_proxy,
            lambda n: rows[BASELINE].append(
                plain_post_once(receiver, payload, f"a{n}", post_shared)
            ),
            lambda n: rows[QUIET_CALL].append(create_once(quiet, n)),
            in_direct_mode,
            lambda n: rows[PER_CLIENT].append(
                plain_post_once(receiver, payload, f"b{n}", post_new_client)
            ),
        ]
        # Interleaved rounds, rotating which step goes first.
        done = 0
        for round_index, per_round in enumerate(split_evenly(count, rounds)):
            shift = round_index % len(steps)
            for step in steps[shift:] + steps[:shift]:
                for n in range(done, done + per_round):
                    step(n)
            done += per_round

        for one in hooked:
            arrival = receiver.arrivals[one.customer_id]
            event = stripe.Webhook.construct_event(
                arrival.body, arrival.headers["Stripe-Signature"], hook.secret
            )
            assert event.type == "customer.created" and event.data.object.id == one.customer_id
        early = sum(1 for value in rows[PROXY_RETURN] if value < 0)
        return WebhookSample(rows, len(payload), len(hooked), early)


def new_session(mirra: MirraProcess) -> str:
    with mirra.control() as control:
        response = control.post("/v1/sessions", json={"mirrors": ["stripe"]})
    if response.status_code != 201:
        raise RuntimeError(f"could not create a session: {response.status_code} {response.text}")
    return str(response.json()["sessionId"])


def run_webhooks(mirra: MirraProcess, args: argparse.Namespace) -> WebhookSample:
    hooks, quiet = new_session(mirra), new_session(mirra)
    bundle = str(mirra.ca_bundle)
    targets = HookTargets(
        proxy=Target("proxy", proxy=mirra.urls.proxy_url(hooks), ca_bundle=bundle),
        direct=Target("direct", api_base=mirra.urls.mirror_url(hooks, "stripe")),
        quiet=Target("quiet", proxy=mirra.urls.proxy_url(quiet), ca_bundle=bundle),
    )
    command = [
        "--webhook-client", json.dumps(asdict(targets)), "--webhooks", str(args.webhooks),
        "--webhook-warmup", str(args.webhook_warmup), "--rounds", str(args.rounds),
        *(["--nagle"] if args.nagle else []),
    ]
    # A bound, not an expectation: 1 s per step is far beyond any run seen so far.
    timeout = 60 + len(ROWS) * (args.webhooks + args.webhook_warmup)
    return WebhookSample(**run_child(command, timeout, "webhook client"))


def print_webhooks(sample: WebhookSample, args: argparse.Namespace) -> None:
    print(
        f"2. webhook latency: customers.create returned -> its signed customer.created webhook "
        f"arrived at a local receiver; {args.webhooks} of each row, one at a time, in "
        f"{args.rounds} interleaved rounds (after {args.webhook_warmup} warm-up); payload "
        f"{sample.payload_bytes} bytes"
    )
    print(f"{'measure':<40} {'p50 ms':>8} {'p99 ms':>8} {'min ms':>8} {'mean ms':>8}")
    for name in ROWS:
        if name == PROXY_START:
            print("where the time goes:")
        ordered = sorted(sample.rows[name])
        print(
            f"{name:<40} {percentile(ordered, 0.5):>8.2f} {percentile(ordered, 0.99):>8.2f} "
            f"{ordered[0]:>8.2f} {statistics.fmean(ordered):>8.2f}"
        )
    p50 = {name: percentile(sorted(values), 0.5) for name, values in sample.rows.items()}
    print(
        f"proxy: SDK return -> arrival p50 = {p50[PROXY_RETURN] / p50[BASELINE]:.1f}x the "
        f"baseline's ({p50[PROXY_RETURN] - p50[BASELINE]:+.2f} ms); {sample.early} of "
        f"{args.webhooks} arrived before the SDK call returned"
    )
    print(
        f"with the endpoint, customers.create through the proxy takes {p50[PROXY_CALL]:.2f} ms p50 "
        f"against {p50[QUIET_CALL]:.2f} ms in a session without one "
        f"({p50[PROXY_CALL] - p50[QUIET_CALL]:+.2f} ms): the request also stores the delivery and "
        f"its job, and the delivery runs on the proxy's event loop about 1 ms after the answer "
        f"(JobRunner.WAKE_DELAY_SECONDS), while this process's SDK call and receiver still run"
    )
    print(
        f"check: {sample.verified} of {2 * args.webhooks} webhooks (proxy and direct rows) "
        f"verified with stripe.Webhook.construct_event: type customer.created, the customer's id"
    )


# --- orchestration ---------------------------------------------------------------------------


def run_all(args: argparse.Namespace) -> None:
    from mirra.testing.server import (
        start_mirra,  # not needed (nor imported) in client modes
    )

    with tempfile.TemporaryDirectory(prefix="mirra-bench-") as tmp, ExitStack() as stack:
        mirra = start_mirra(Path(tmp) / "home")
        stack.callback(stop_mirra, mirra)
        if "flow" in args.only:
            floor = stack.enter_context(floor_server(Path(tmp) / "floor"))
            print_flows(run_flows(mirra, floor, args), args)
            if "webhooks" in args.only:
                print()
        if "webhooks" in args.only:
            print_webhooks(run_webhooks(mirra, args), args)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flows", type=int, default=200, help="measured flows per config")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured flows per client")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--webhooks", type=int, default=300, help="measured webhooks")
    parser.add_argument("--webhook-warmup", type=int, default=10, help="unmeasured webhooks first")
    parser.add_argument("--only", default=",".join(FIGURES), help="figures: flow,webhooks")
    parser.add_argument(
        "--nagle",
        action="store_true",
        help="keep urllib3's Nagle-on proxy sockets (adds ~40 ms to every proxied POST)",
    )
    parser.add_argument("--flow-client", metavar="TARGET_JSON", help=argparse.SUPPRESS)
    parser.add_argument("--webhook-client", metavar="TARGET_JSON", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    if unknown := set(args.only) - set(FIGURES):
        parser.error(f"--only: unknown {', '.join(sorted(unknown))}; choose from {FIGURES}")
    if args.flows < 1 or args.webhooks < 1 or args.rounds < 1:
        parser.error("--flows, --webhooks and --rounds must be >= 1")
    if args.warmup < 0 or args.webhook_warmup < 0:
        parser.error("--warmup and --webhook-warmup must be >= 0")
    return args


def main() -> None:
    args = parse_args()
    if args.flow_client:
        target = Target(**json.loads(args.flow_client))
        print(json.dumps(asdict(flow_client(target, args.flows, args.warmup, args.nagle))))
        return
    if args.webhook_client:
        raw = json.loads(args.webhook_client)
        targets = HookTargets(**{name: Target(**value) for name, value in raw.items()})
        sample = webhook_client(
            targets, args.webhooks, args.webhook_warmup, args.rounds, args.nagle
        )
        print(json.dumps(asdict(sample)))
        return
    # A plain SIGTERM would skip the cleanup below: make it unwind like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    run_all(args)


if __name__ == "__main__":
    main()
