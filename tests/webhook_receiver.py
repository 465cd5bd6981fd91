"""A local webhook endpoint for tests of every mirror: records each request (path, body, headers
with lower-cased names, the status it answered), fails the first `failures` with a 500, and may
answer with a body (`reply`, e.g. an app's TwiML)."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class Attempt:
    path: str
    body: bytes
    headers: dict[str, str]  # names lower-cased
    status: int

    def form(self) -> dict[str, str]:
        """The body as form fields (Twilio's callbacks)."""
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))


@dataclass
class Receiver:
    url: str = ""
    failures: int = 0
    reply: Callable[[Attempt], str] | None = None  # the answer's body (text/xml), for delivered attempts
    attempts: list[Attempt] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def delivered(self) -> list[Attempt]:
        with self.lock:
            return [attempt for attempt in self.attempts if attempt.status < 300]

    def wait(self, count: int, timeout: float = 30) -> list[Attempt]:
        """The delivered attempts, once there are `count` of them (polled; deliveries run on the server)."""
        deadline = time.monotonic() + timeout
        while len(delivered := self.delivered()) < count:
            assert time.monotonic() < deadline, f"{len(delivered)} of {count} webhooks arrived"
            time.sleep(0.01)
        return delivered


@contextmanager
def receiving() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {name.lower(): value for name, value in self.headers.items()}
            with state.lock:
                status = 500 if len(state.attempts) < state.failures else 200
                attempt = Attempt(self.path, body, headers, status)
                state.attempts.append(attempt)
            answer = state.reply(attempt).encode() if state.reply and status == 200 else b""
            self.send_response(status)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
