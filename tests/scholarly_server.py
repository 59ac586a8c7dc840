"""Loopback DBLP and Crossref servers, answering from replay data in the services' formats.

Tests point the real clients at them (``SPEECHLM_BIB_DBLP_API=server.url``, likewise
``SPEECHLM_BIB_CROSSREF_API``)::

    dblp_data, crossref_data = load_both([REPLAY, DECOYS])
    with ReplayServer(dblp_data) as dblp, ReplayServer(crossref_data) as crossref:
        ...  # fetch through dblp.url and crossref.url; count dblp.requests

What the servers answer is computed by `scholarly_replay` (its docstring says what is
modelled of each service); this module adds HTTP, faults and the request log.

Faults are injected on demand (`Fault`): a queued fault is consumed by the next request, and
`ReplayServer.fail_matching` applies one to every request whose path holds a string. Each
request is recorded (path, query, status, fault, User-Agent, arrival) before its answer goes
out, so a client holding its answer sees it in `ReplayServer.requests`.
"""

from __future__ import annotations

import collections
import contextlib
import socket
import struct
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from scholarly_replay import HTML_PAGE, Answer, CrossrefReplay, DblpReplay, load_both, words

__all__ = ["CrossrefReplay", "DblpReplay", "Fault", "RecordedRequest", "ReplayServer",
           "load_both", "settle", "words"]

# --------------------------------------------------------------------------- faults and server


@dataclass(frozen=True, slots=True)
class Fault:
    """A misbehaviour for one request; build one with the class methods."""

    kind: str
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    seconds: float = 0.0

    @classmethod
    def http(cls, status: int, headers: Mapping[str, str] | None = None) -> Fault:
        """Answer with this status (and headers) and a short text body."""
        return cls("http", status, tuple((headers or {}).items()))

    @classmethod
    def rate_limited(cls, retry_after: str | None = None) -> Fault:
        """Answer 429 with an empty body, as DBLP does, and Retry-After when given."""
        return cls.http(429, {} if retry_after is None else {"Retry-After": retry_after})

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        """Wait this long, then answer normally (cut short when the server stops)."""
        return cls("slow", seconds=seconds)

    @classmethod
    def html(cls) -> Fault:
        """Answer 200 with an HTML page, as a proxy or a maintenance notice does."""
        return cls("html")

    @classmethod
    def truncated(cls) -> Fault:
        """Answer normally but with only the first half of the body."""
        return cls("truncated")

    @classmethod
    def reset(cls) -> Fault:
        """Reset the connection without answering."""
        return cls("reset")


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as a test sees it."""

    path: str
    query: tuple[tuple[str, str], ...]
    status: int | None
    fault: Fault | None
    user_agent: str
    received_at: float

    def param(self, name: str) -> str | None:
        """A query parameter's value, or None."""
        return dict(self.query).get(name)


class Service(Protocol):
    """What a server answers from."""

    def answer(self, path: str, query: Mapping[str, str]) -> Answer:
        """The answer to one request."""
        ...


@dataclass
class _State:
    service: Service
    lock: threading.Lock = field(default_factory=threading.Lock)
    queue: collections.deque[Fault] = field(default_factory=collections.deque)
    matching: dict[str, Fault] = field(default_factory=dict)
    log: list[RecordedRequest] = field(default_factory=list)

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            if self.queue:
                return self.queue.popleft()
            return next((f for s, f in self.matching.items() if s in path), None)


def apply(fault: Fault | None, answer: Answer) -> Answer:
    """The answer as a fault changes it (a slow fault has been waited for already)."""
    if fault is None or fault.kind == "slow":
        return answer
    if fault.kind == "http":
        body = b"" if fault.status == 429 else f"HTTP {fault.status}\n".encode()
        return Answer(fault.status, body)
    if fault.kind == "html":
        return Answer(200, HTML_PAGE, "text/html; charset=utf-8")
    if fault.kind == "truncated":
        return Answer(answer.status, answer.body[: len(answer.body) // 2], answer.content_type)
    return Answer(None)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True

    def __init__(self, address: tuple[str, int], state: _State) -> None:
        super().__init__(address, _Handler)
        self.state = state
        self.stopping = threading.Event()
        self.connections: set[Any] = set()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.state.lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.state.lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def hang_up(self) -> None:
        """End kept-alive connections, so that closing does not wait for their timeout."""
        with self.state.lock:
            connections = list(self.connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    timeout = 10.0

    def do_GET(self) -> None:
        received_at = time.monotonic()
        split = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        state = self.server.state
        fault = state.take_fault(split.path)
        if fault is not None and fault.kind == "slow" and self.server.stopping.wait(fault.seconds):
            self._finish(split, fault, Answer(None), received_at)
            return
        answer = apply(fault, state.service.answer(split.path, query))
        self._finish(split, fault, answer, received_at)

    def _finish(self, split: Any, fault: Fault | None, answer: Answer, at: float) -> None:
        query = tuple(sorted((k, v[-1]) for k, v in parse_qs(split.query).items()))
        agent = self.headers.get("User-Agent", "")
        with self.server.state.lock:
            self.server.state.log.append(
                RecordedRequest(split.path, query, answer.status, fault, agent, at))
        if answer.status is None:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        self._send(answer, fault)

    def _send(self, answer: Answer, fault: Fault | None) -> None:
        assert answer.status is not None
        headers = [("Content-Type", answer.content_type), *self._extra(fault)]
        try:
            self.send_response(answer.status)
            for name, value in (*headers, ("Content-Length", str(len(answer.body)))):
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(answer.body)
        except OSError:
            pass

    def _extra(self, fault: Fault | None) -> list[tuple[str, str]]:
        service = self.server.state.service
        extra = list(fault.headers) if fault is not None else []
        if isinstance(service, CrossrefReplay):
            limit, interval = service.rate_limit
            extra += [("X-Rate-Limit-Limit", limit), ("X-Rate-Limit-Interval", interval)]
        return extra

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the request log is `ReplayServer.requests`."""


class ReplayServer:
    """One service on 127.0.0.1 in a background thread; a context manager."""

    def __init__(self, service: Service, host: str = "127.0.0.1") -> None:
        self.service = service
        self._state = _State(service)
        self._host = host
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> ReplayServer:
        self._httpd = _HTTPServer((self._host, 0), self._state)
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._httpd is not None and self._thread is not None:
            self._httpd.stopping.set()
            self._httpd.shutdown()
            self._httpd.hang_up()
            self._httpd.server_close()
            self._thread.join()
        self._httpd = self._thread = None

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:PORT`` (the service's paths follow)."""
        if self._httpd is None:
            raise RuntimeError("server not started")
        return f"http://{self._host}:{self._httpd.server_address[1]}"

    def inject(self, *faults: Fault) -> None:
        """Queue faults; each request consumes the next one."""
        with self._state.lock:
            self._state.queue.extend(faults)

    def fail_matching(self, faults: Mapping[str, Fault]) -> None:
        """Apply a fault to every request whose path holds the string (queued faults first)."""
        with self._state.lock:
            self._state.matching = dict(faults)

    def clear(self) -> None:
        """Forget faults and recorded requests."""
        with self._state.lock:
            self._state.queue.clear()
            self._state.matching = {}
            self._state.log.clear()

    @property
    def pending_faults(self) -> int:
        """Queued faults not consumed yet."""
        with self._state.lock:
            return len(self._state.queue)

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of the recorded requests, in the order their answers went out."""
        with self._state.lock:
            return list(self._state.log)

    def paths(self, prefix: str = "") -> list[str]:
        """The paths requested, those starting with prefix."""
        return [r.path for r in self.requests if r.path.startswith(prefix)]


def settle(server: ReplayServer, count: int, within: float = 30.0) -> list[RecordedRequest]:
    """The requests once ``count`` are recorded (a slow answer is recorded when it ends)."""
    deadline = time.monotonic() + within
    while len(server.requests) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(server.requests)} requests recorded, not {count}")
        time.sleep(0.02)
    return sorted(server.requests, key=lambda r: r.received_at)
