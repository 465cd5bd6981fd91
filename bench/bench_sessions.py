"""Benchmark: mirra's sessions: create/delete latency, memory per idle session, SSE fan-out.

Prints three figures from one run. Each one sits beside a baseline measured in the same run:

  1. latency    p50/p99 (ms) of `POST /v1/sessions` and `DELETE /v1/sessions/{id}`, timed apart
                and as a pair. Requests go one at a time over one keep-alive httpx client.
                Baseline: `GET /v1/sessions/default` on the same server and client, same count.
                Rounds are interleaved.
  2. memory     the server's VmRSS and open file descriptors (/proc/<pid>/status, /proc/<pid>/fd)
                on a fresh server right after start (baseline), then while 1,000 sessions are
                created, each given one direct-mode `POST /v1/customers` so that its database is
                opened and used, then after all of them are ended. The registry keeps at most 128
                session stores open (least recently used closed first), so fds must stay bounded.
  3. SSE        10 subscribers follow `GET /v1/sessions/{id}/events?types=traffic.request_completed`
                on one session, while a separate generator process makes M direct-mode requests
                as fast as it can, one at a time. Each request adds one traffic event. Reports
                events/s per subscriber (first to last measured event received), total events
                delivered per second, and the generator's req/s. Baseline: the generator's req/s
                with 0 subscribers, same M, in interleaved rounds. Every subscriber's list of
                sequence ids must equal the session's logged traffic events (every event exactly
                once, in order), or the run fails.

Each figure gets a fresh server from `mirra.testing.server.start_mirra`: 127.0.0.1, OS-chosen
ports and a temporary MIRRA_HOME. The SSE subscribers (asyncio and httpx, one process by
default; see --subscriber-processes) and the generator run in their own processes. Everything the
benchmark starts is stopped at the end, including after an error, Ctrl-C or SIGTERM.

Run from the repository root:

    .venv/bin/python bench/bench_sessions.py [--pairs 500] [--rounds 5] [--warmup 20]
        [--sessions 1000] [--subscribers 10] [--events 2000] [--sse-rounds 2]
        [--subscriber-processes 1] [--only latency,memory,sse]

The control API allows 6,000 requests a minute per token (later ones get 429), which bounds
--pairs (about 3 requests each) and --sessions (2 each) on a single server.

`--generator` and `--subscribe` are internal: the modes of this script's child processes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from mirra.testing.server import MirraProcess

STRIPE_KEY = "sk_test_x"
TRAFFIC = "traffic.request_completed"
TOKEN_ENV = "MIRRA_BENCH_TOKEN"
CREATE_GOAL_MS = 10.0
OPEN_STORES = 128  # mirra.sessions.registry.MAX_OPEN_SESSIONS
SSE_GRACE_SECONDS = 0.3  # a subscriber keeps reading this long after its last expected event
START_TIMEOUT_SECONDS = 30
FIGURES = ("latency", "memory", "sse")


# --- small shared helpers --------------------------------------------------------------------


def percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def check(response: httpx.Response, status: int) -> httpx.Response:
    if response.status_code != status:
        raise RuntimeError(
            f"{response.request.method} {response.request.url.path} -> {response.status_code} "
            f"(expected {status}): {response.text[:500]}"
        )
    return response


def create_session(control: httpx.Client) -> tuple[str, str]:
    """A new Stripe session: its id and its direct-mode mirror URL."""
    body = check(control.post("/v1/sessions", json={"mirrors": ["stripe"]}), 201).json()
    return body["sessionId"], body["mirrors"][0]["url"]


def end_session(control: httpx.Client, session_id: str) -> None:
    check(control.delete(f"/v1/sessions/{session_id}"), 200)


def direct_client() -> httpx.Client:
    return httpx.Client(
        headers={"authorization": f"Bearer {STRIPE_KEY}"}, trust_env=False, timeout=30
    )


def post_customer(direct: httpx.Client, mirror_url: str) -> None:
    check(direct.post(f"{mirror_url}/v1/customers", data={"name": "x"}), 200)


def split_evenly(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


# --- 1. create/delete latency ----------------------------------------------------------------

BASELINE_ROW = "GET /v1/sessions/default (baseline)"
CREATE_ROW = "POST /v1/sessions"
DELETE_ROW = "DELETE /v1/sessions/{id}"
PAIR_ROW = "POST + DELETE"


def time_gets(control: httpx.Client, count: int, timings: dict[str, list[float]]) -> None:
    for _ in range(count):
        started = time.perf_counter()
        response = control.get("/v1/sessions/default")
        timings[BASELINE_ROW].append((time.perf_counter() - started) * 1000)
        check(response, 200)


def time_pairs(control: httpx.Client, count: int, timings: dict[str, list[float]]) -> None:
    for _ in range(count):
        started = time.perf_counter()
        session_id, _url = create_session(control)
        created = time.perf_counter()
        end_session(control, session_id)
        ended = time.perf_counter()
        timings[CREATE_ROW].append((created - started) * 1000)
        timings[DELETE_ROW].append((ended - created) * 1000)
        timings[PAIR_ROW].append((ended - started) * 1000)


def measure_latency(mirra: MirraProcess, args: argparse.Namespace) -> dict[str, list[float]]:
    """Interleaved rounds, rotating which kind goes first, after an unmeasured warm-up."""
    timings: dict[str, list[float]] = {
        row: [] for row in (BASELINE_ROW, CREATE_ROW, DELETE_ROW, PAIR_ROW)
    }
    steps: list[Callable[[httpx.Client, int, dict[str, list[float]]], None]] = [
        time_gets,
        time_pairs,
    ]
    with mirra.control() as control:
        scratch: dict[str, list[float]] = {row: [] for row in timings}
        for step in steps:
            step(control, args.warmup, scratch)
        for round_index, count in enumerate(split_evenly(args.pairs, args.rounds)):
            shift = round_index % len(steps)
            for step in steps[shift:] + steps[:shift]:
                step(control, count, timings)
    return timings


def print_latency(timings: dict[str, list[float]], args: argparse.Namespace) -> None:
    print(
        f"1. session create+delete latency: {args.pairs} of each, one at a time over one "
        f"keep-alive client, {args.rounds} interleaved rounds (after {args.warmup} warm-up)"
    )
    print(f"{'request':<38} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    for row, values in timings.items():
        ordered = sorted(values)
        print(
            f"{row:<38} {percentile(ordered, 0.5):>8.2f} {percentile(ordered, 0.99):>8.2f} "
            f"{statistics.fmean(ordered):>8.2f}"
        )
    create_p50 = percentile(sorted(timings[CREATE_ROW]), 0.5)
    base_p50 = percentile(sorted(timings[BASELINE_ROW]), 0.5)
    verdict = "met" if create_p50 < CREATE_GOAL_MS else "NOT met"
    print(f"create p50 = {create_p50 / base_p50:.1f}x the baseline's p50")
    print(
        f"goal: product promises sub-2-second provisioning; aim: create under "
        f"{CREATE_GOAL_MS:.0f} ms p50 ({verdict})"
    )


# --- 2. memory and fds of idle sessions ------------------------------------------------------


@dataclass(frozen=True)
class Footprint:
    label: str
    sessions: int  # sessions created so far (besides "default")
    rss_kib: int
    fds: int


def footprint(pid: int, label: str, sessions: int) -> Footprint:
    rss = 0
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])  # "VmRSS:   110068 kB"
    return Footprint(label, sessions, rss, len(os.listdir(f"/proc/{pid}/fd")))


def measure_memory(mirra: MirraProcess, count: int) -> tuple[list[Footprint], float]:
    """Footprints at checkpoints while `count` sessions accumulate, then after ending them all;
    and the mean time (ms) one of those ends took (most of their stores were closed by then)."""
    pid = mirra.process.pid
    points = [footprint(pid, "right after start (baseline)", 0)]
    early = (1, OPEN_STORES, 2 * OPEN_STORES, 4 * OPEN_STORES)
    checkpoints = {n for n in early if n < count} | {count}
    session_ids: list[str] = []
    with mirra.control() as control, direct_client() as direct:
        for n in range(1, count + 1):
            session_id, mirror_url = create_session(control)
            post_customer(direct, mirror_url)
            session_ids.append(session_id)
            if n in checkpoints:
                points.append(footprint(pid, f"after {n} session{'s' if n > 1 else ''}", n))
        started = time.perf_counter()
        for session_id in session_ids:
            end_session(control, session_id)
        end_ms = (time.perf_counter() - started) * 1000 / count
    points.append(footprint(pid, f"after ending all {count}", 0))
    return points, end_ms


def print_memory(points: list[Footprint], count: int, end_ms: float) -> None:
    print(
        f"2. memory of {count} idle sessions on a fresh server (each created, then given one "
        f"direct-mode POST /v1/customers)"
    )
    print(f"{'point':<32} {'VmRSS MiB':>10} {'vs start':>10} {'open fds':>9}")
    start = points[0]
    for point in points:
        print(
            f"{point.label:<32} {point.rss_kib / 1024:>10.1f} "
            f"{(point.rss_kib - start.rss_kib) / 1024:>+10.1f} {point.fds:>9}"
        )
    full = next(p for p in points if p.sessions == count)
    per_session = (full.rss_kib - start.rss_kib) / count
    print(f"per session: {per_session:.1f} KiB RSS averaged over all {count}")
    first = next((p for p in points if p.sessions == 1), None)
    capped = next((p for p in points if p.sessions == OPEN_STORES), None)
    if first is not None and capped is not None and count > OPEN_STORES:
        open_kib = (capped.rss_kib - first.rss_kib) / (OPEN_STORES - 1)
        open_fds = (capped.fds - first.fds) / (OPEN_STORES - 1)
        closed_kib = full.rss_kib - capped.rss_kib
        print(
            f"  sessions 2..{OPEN_STORES} (every store open): {open_kib:.1f} KiB and "
            f"{open_fds:.1f} fds each; {OPEN_STORES + 1}..{count} (least recently used stores "
            f"closed): {closed_kib / 1024:+.1f} MiB in all, "
            f"{closed_kib / (count - OPEN_STORES):.1f} KiB each"
        )
        bounded = full.fds <= capped.fds + 8
        print(
            f"fds: {start.fds} at start, {capped.fds} with {OPEN_STORES} sessions, {full.fds} with "
            f"{count}: {'bounded' if bounded else 'NOT bounded'} (the registry keeps at most "
            f"{OPEN_STORES} stores open)"
        )
    else:
        print(
            f"fds: {start.fds} at start, {full.fds} with {count} sessions "
            f"(the {OPEN_STORES}-store cap not reached)"
        )
    print(f"ending them took {end_ms:.2f} ms each on average")


# --- 3. SSE fan-out: child process modes -------------------------------------------------------


@dataclass(frozen=True)
class GeneratorRun:
    requests: int
    started: float  # time.monotonic() (system-wide on Linux, so comparable across processes)
    finished: float
    server_cpu: float  # CPU seconds each used during the measured requests
    subscribers_cpu: float
    generator_cpu: float

    def cpu_percent(self, seconds: float) -> float:
        return 100 * seconds / (self.finished - self.started)

    @property
    def rate(self) -> float:
        return self.requests / (self.finished - self.started)


@dataclass(frozen=True)
class Received:
    """What one subscriber got: each event's sequence id and when it arrived (time.monotonic())."""

    seqs: list[int]
    times: list[float]
    reconnects: int  # streams that ended early and were resumed with Last-Event-ID


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time the processes have used so far (/proc/<pid>/stat)."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()  # after "pid (comm)"
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def run_generator(
    mirror_url: str, warmup: int, count: int, server_pid: int, subscriber_pids: list[int]
) -> GeneratorRun:
    with direct_client() as direct:
        for _ in range(warmup):
            post_customer(direct, mirror_url)

        def cpu_now() -> tuple[float, float, float]:
            return cpu_seconds([server_pid]), cpu_seconds(subscriber_pids), time.process_time()

        cpu_before = cpu_now()
        started = time.monotonic()
        for _ in range(count):
            post_customer(direct, mirror_url)
        finished = time.monotonic()
        server, subscribers, generator = (
            after - before for before, after in zip(cpu_before, cpu_now(), strict=True)
        )
        return GeneratorRun(count, started, finished, server, subscribers, generator)


def parse_sse(buffer: bytes) -> tuple[list[tuple[int, str]], bytes]:
    """Complete events in `buffer` as (id, type), and the incomplete rest. Comments are skipped."""
    *blocks, rest = buffer.split(b"\n\n")
    events: list[tuple[int, str]] = []
    for block in blocks:
        seq, kind = None, "message"
        for line in block.split(b"\n"):
            if line.startswith(b"id:"):
                seq = int(line[3:])
            elif line.startswith(b"event:"):
                kind = line[6:].strip().decode()
        if seq is not None:
            events.append((seq, kind))
    return events, rest


async def follow(
    client: httpx.AsyncClient, url: str, expected: int, connected: asyncio.Event
) -> Received:
    """Read the stream until `expected` events, plus a short grace to catch any extra."""
    seqs: list[int] = []
    times: list[float] = []
    reconnects = -1
    while len(seqs) < expected:
        reconnects += 1
        headers = {"last-event-id": str(seqs[-1])} if seqs else {}
        async with client.stream("GET", url, headers=headers) as response:
            if response.status_code != 200:
                await response.aread()
                check(response, 200)
            connected.set()
            chunks = response.aiter_raw()
            buffer = b""
            while True:
                grace = SSE_GRACE_SECONDS if len(seqs) >= expected else None
                try:
                    chunk = await asyncio.wait_for(anext(chunks), grace)
                except (StopAsyncIteration, TimeoutError):
                    break
                now = time.monotonic()
                events, buffer = parse_sse(buffer + chunk)
                for seq, kind in events:
                    if kind != TRAFFIC:
                        raise RuntimeError(f"the stream filtered on {TRAFFIC} sent a {kind} event")
                    seqs.append(seq)
                    times.append(now)
    return Received(seqs, times, reconnects)


async def run_subscribers(url: str, count: int, expected: int, timeout: float) -> list[Received]:
    """`count` subscribers; prints "connected" once all have their response headers."""
    token = os.environ[TOKEN_ENV]
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    async with httpx.AsyncClient(
        headers={"authorization": f"Bearer {token}"}, trust_env=False, timeout=None, limits=limits
    ) as client:
        flags = [asyncio.Event() for _ in range(count)]
        tasks = [asyncio.create_task(follow(client, url, expected, flag)) for flag in flags]
        async with asyncio.timeout(timeout):
            await asyncio.gather(*(flag.wait() for flag in flags))
            print("connected", flush=True)
            return await asyncio.gather(*tasks)


# --- 3. SSE fan-out: orchestration -------------------------------------------------------------


@dataclass(frozen=True)
class SseRun:
    subscribers: int
    generator: GeneratorRun
    received: list[Received]


@contextmanager
def child(command: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        command,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def read_line(process: subprocess.Popen[str], timeout: float, what: str) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    line = process.stdout.readline() if ready else ""
    if not line:
        process.kill()
        _out, err = process.communicate()
        raise RuntimeError(
            f"{what}: no answer in {timeout:.0f} s (exit {process.returncode}):\n{err[-3000:]}"
        )
    return line


def child_env(token: str) -> dict[str, str]:
    proxies = ("http_proxy", "https_proxy", "all_proxy")
    env = {k: v for k, v in os.environ.items() if k.lower() not in proxies}
    env[TOKEN_ENV] = token
    return env


def child_command(args: argparse.Namespace, *mode: str) -> list[str]:
    """This script in one of its child modes, with the SSE run's counts."""
    counts = ["--events", str(args.events), "--sse-warmup", str(args.sse_warmup)]
    return [sys.executable, __file__, *mode, *counts]


def sse_timeout(args: argparse.Namespace) -> float:
    # A bound, not an expectation: 25 ms a request is far slower than any run seen so far.
    return 60 + 0.025 * float(args.events + args.sse_warmup)


def generate(
    mirror_url: str,
    args: argparse.Namespace,
    env: dict[str, str],
    server_pid: int,
    subscriber_pids: list[int],
) -> GeneratorRun:
    watch = json.dumps([server_pid, subscriber_pids])
    command = child_command(args, "--generator", mirror_url, "--watch", watch)
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=sse_timeout(args)
    )
    if done.returncode != 0:
        raise RuntimeError(f"generator failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return GeneratorRun(**json.loads(done.stdout))


def start_subscribers(
    stack: ExitStack, events_url: str, count: int, args: argparse.Namespace, env: dict[str, str]
) -> list[subprocess.Popen[str]]:
    """`count` subscribers over --subscriber-processes processes, each connected on return."""
    processes = []
    for n in split_evenly(count, args.subscriber_processes):
        if n:
            command = child_command(args, "--subscribe", events_url, "--subscribers", str(n))
            processes.append(stack.enter_context(child(command, env)))
    for process in processes:
        read_line(process, START_TIMEOUT_SECONDS, "subscribers connecting")
    return processes


def sse_run(mirra: MirraProcess, subscribers: int, args: argparse.Namespace) -> SseRun:
    """One fresh session: start the subscribers (if any), run the generator, check what arrived."""
    env = child_env(mirra.token)
    expected = args.sse_warmup + args.events
    with mirra.control() as control:
        session_id, mirror_url = create_session(control)
        events_url = f"{mirra.urls.api_url}/v1/sessions/{session_id}/events?types={TRAFFIC}"
        with ExitStack() as stack:
            processes = start_subscribers(stack, events_url, subscribers, args, env)
            generator = generate(
                mirror_url, args, env, mirra.process.pid, [process.pid for process in processes]
            )
            received = [
                Received(**item)
                for process in processes
                for item in json.loads(
                    read_line(process, sse_timeout(args), "subscribers finishing")
                )
            ]
        logged = logged_traffic(control, session_id)
        end_session(control, session_id)
    if len(logged) != expected:
        raise RuntimeError(f"the session logged {len(logged)} traffic events, expected {expected}")
    for index, got in enumerate(received):
        check_received(index, got, logged)
    return SseRun(subscribers, generator, received)


def logged_traffic(control: httpx.Client, session_id: str) -> list[int]:
    response = check(
        control.get(
            f"/v1/sessions/{session_id}/events", params={"follow": "false", "types": TRAFFIC}
        ),
        200,
    )
    events, _rest = parse_sse(response.content)
    return [seq for seq, _kind in events]


def check_received(index: int, got: Received, logged: list[int]) -> None:
    """Every logged event exactly once, in order; otherwise say what went wrong and fail."""
    if got.seqs == logged:
        return
    ordered = all(a < b for a, b in zip(got.seqs, got.seqs[1:], strict=False))
    missing = len(set(logged) - set(got.seqs))
    duplicated = len(got.seqs) - len(set(got.seqs))
    extra = len(set(got.seqs) - set(logged))
    raise RuntimeError(
        f"subscriber {index}: got {len(got.seqs)} events, the log has {len(logged)}: "
        f"{missing} missing, {duplicated} duplicated, {extra} not in the log, ids strictly "
        f"increasing: {ordered}, reconnects: {got.reconnects}"
    )


def measure_sse(mirra: MirraProcess, args: argparse.Namespace) -> list[SseRun]:
    """Interleaved rounds of 0 subscribers (baseline) and `--subscribers`, rotating the order."""
    counts = [0, args.subscribers]
    runs: list[SseRun] = []
    for round_index in range(args.sse_rounds):
        shift = round_index % len(counts)
        for subscribers in counts[shift:] + counts[:shift]:
            runs.append(sse_run(mirra, subscribers, args))
    return runs


def subscriber_rates(run: SseRun, skip: int) -> list[float]:
    """Each subscriber's measured events per second, first to last measured event received."""
    return [(len(got.times) - skip) / (got.times[-1] - got.times[skip]) for got in run.received]


def sse_row(run: SseRun, args: argparse.Namespace) -> str:
    generator = run.generator
    name = f"{run.subscribers} subscribers" + (" (baseline)" if run.subscribers == 0 else "")
    cpu = "/".join(
        f"{generator.cpu_percent(seconds):.0f}"
        for seconds in (generator.server_cpu, generator.subscribers_cpu, generator.generator_cpu)
    )
    spread, total, lag = "-", "-", "-"
    if run.received:
        rates = sorted(subscriber_rates(run, args.sse_warmup))
        first = min(got.times[args.sse_warmup] for got in run.received)
        last = max(got.times[-1] for got in run.received)
        spread = f"{rates[0]:.0f} / {statistics.median(rates):.0f} / {rates[-1]:.0f}"
        total = f"{run.subscribers * args.events / (last - first):.0f}"
        lag = f"{(last - generator.finished) * 1000:.1f}"
    server_ms = 1000 * generator.server_cpu / generator.requests
    return (
        f"{name:<24} {generator.rate:>8.1f} {spread:>20} {total:>12} {lag:>7} "
        f"{server_ms:>10.2f} {cpu:>12}"
    )


def print_sse(runs: list[SseRun], args: argparse.Namespace) -> None:
    subscribers = args.subscribers
    print(
        f"3. SSE throughput: {subscribers} subscribers on one session (?types={TRAFFIC}), "
        f"{args.events} events per run from one generator process (sequential direct-mode "
        f"POST /v1/customers, after {args.sse_warmup} warm-up), {args.sse_rounds} interleaved "
        f"rounds, subscribers in {args.subscriber_processes} process(es)"
    )
    print(
        f"{'run':<24} {'gen rq/s':>8} {'per-sub ev/s min/med/max':>20} {'delivered/s':>12} "
        f"{'lag ms':>7} {'srv CPU ms':>10} {'CPU% srv/sub/gen':>12}"
    )
    for run in runs:
        print(sse_row(run, args))
    print(
        "(lag: last event received after the generator's last response; srv CPU ms: the server's "
        "CPU time per measured request; CPU%: of one core, server/subscribers/generator)"
    )
    baseline = [run.generator.rate for run in runs if run.subscribers == 0]
    loaded = [run.generator.rate for run in runs if run.subscribers > 0]
    ratio = statistics.fmean(loaded) / statistics.fmean(baseline)
    print(
        f"generator with {subscribers} subscribers: {ratio:.2f}x the baseline's req/s "
        f"(mean of {len(loaded)} runs each)"
    )
    reconnects = sum(got.reconnects for run in runs for got in run.received)
    print(
        f"check: every subscriber got each of the {args.sse_warmup + args.events} logged traffic "
        f"events exactly once, in order (ids strictly increasing); reconnects: {reconnects}"
    )


# --- main ------------------------------------------------------------------------------------


def stop_mirra(mirra: MirraProcess) -> None:
    try:
        mirra.stop()
    except subprocess.TimeoutExpired:
        mirra.process.kill()
        mirra.process.wait()


def fresh_mirra(stack: ExitStack, tmp: Path, name: str) -> MirraProcess:
    from mirra.testing.server import (
        start_mirra,  # not needed (nor imported) by the child modes
    )

    mirra = start_mirra(tmp / name)
    stack.callback(stop_mirra, mirra)
    return mirra


def run_all(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="mirra-bench-") as tmp:
        if "latency" in args.only:
            with ExitStack() as stack:
                timings = measure_latency(fresh_mirra(stack, Path(tmp), "latency"), args)
            print_latency(timings, args)
            print()
        if "memory" in args.only:
            with ExitStack() as stack:
                points, end_ms = measure_memory(
                    fresh_mirra(stack, Path(tmp), "memory"), args.sessions
                )
            print_memory(points, args.sessions, end_ms)
            print()
        if "sse" in args.only:
            with ExitStack() as stack:
                runs = measure_sse(fresh_mirra(stack, Path(tmp), "sse"), args)
            print_sse(runs, args)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--pairs", type=int, default=500, help="create+delete pairs (and baseline GETs)"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="interleaved rounds for the latency figure"
    )
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured pairs and GETs first")
    parser.add_argument(
        "--sessions", type=int, default=1000, help="idle sessions for the memory figure"
    )
    parser.add_argument("--subscribers", type=int, default=10, help="SSE subscribers")
    parser.add_argument(
        "--events", type=int, default=2000, help="measured events (requests) per SSE run"
    )
    parser.add_argument(
        "--sse-warmup", type=int, default=50, help="unmeasured requests first, per SSE run"
    )
    parser.add_argument(
        "--sse-rounds", type=int, default=2, help="interleaved rounds for the SSE figure"
    )
    parser.add_argument(
        "--subscriber-processes",
        type=int,
        default=1,
        help="processes the subscribers are spread over",
    )
    parser.add_argument(
        "--only",
        default=",".join(FIGURES),
        help=f"comma-separated figures to run: {','.join(FIGURES)}",
    )
    parser.add_argument("--generator", metavar="MIRROR_URL", help=argparse.SUPPRESS)
    parser.add_argument("--subscribe", metavar="EVENTS_URL", help=argparse.SUPPRESS)
    parser.add_argument(
        "--watch", metavar="[SERVER_PID, [SUBSCRIBER_PID...]]", help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    if unknown := set(args.only) - set(FIGURES):
        parser.error(f"--only: unknown figure(s) {', '.join(sorted(unknown))}")
    positive = (
        "pairs",
        "rounds",
        "sessions",
        "subscribers",
        "events",
        "sse_rounds",
        "subscriber_processes",
    )
    if any(getattr(args, name) < 1 for name in positive) or min(args.warmup, args.sse_warmup) < 0:
        parser.error("counts must be >= 1 (warm-ups >= 0)")
    return args


def main() -> None:
    args = parse_args()
    if args.generator:
        server_pid, subscriber_pids = json.loads(args.watch)
        run = run_generator(
            args.generator, args.sse_warmup, args.events, server_pid, subscriber_pids
        )
        print(json.dumps(asdict(run)))
        return
    if args.subscribe:
        expected = args.sse_warmup + args.events
        timeout = sse_timeout(args) + START_TIMEOUT_SECONDS
        received = asyncio.run(run_subscribers(args.subscribe, args.subscribers, expected, timeout))
        print(json.dumps([asdict(got) for got in received]))
        return
    # A plain SIGTERM would skip the cleanup below: make it unwind like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    run_all(args)


if __name__ == "__main__":
    main()
