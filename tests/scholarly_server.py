"""Loopback DBLP and Crossref servers, answering from replay data in the services' formats.

Tests point the real clients at them (``SPEECHLM_BIB_DBLP_API=server.url``, likewise
``SPEECHLM_BIB_CROSSREF_API``)::

    dblp_data, crossref_data = load_both([REPLAY, DECOYS])
    with ReplayServer(dblp_data) as dblp, ReplayServer(crossref_data) as crossref:
        ...  # fetch through dblp.url and crossref.url; count dblp.requests

The replay layout (tests/data/scholarly-replay/README.md): ``dblp/hits.jsonl`` (one search hit
a line), ``dblp/rec/<key>.bib`` (``/`` in the key written ``__``), ``crossref/works/<doi>.json``
(the whole answer for a DOI, lower-case, ``/`` written ``__``). Several directories can be
served together (the replay and the tests' decoys).

What is modelled of DBLP (its FAQ "How to use the dblp search API" and search help):
``GET /search/publ/api?q=...&format=json&h=N&f=F``: every query word must match a word of the
record's title, authors, venue or year as a case-insensitive, accent-insensitive prefix (``$``
after a word asks for the exact word, ``a|b`` for either); punctuation separates words. Hits
keep the replay's order; ``h`` defaults to 30 and is capped at 1000, ``f`` is the first hit.
The answer is ``{"result": {"query", "status", "time", "hits": {"@total", "@computed", "@sent",
"@first", "hit": [...]}}}`` with ``hit`` absent when nothing matched; a format other than json
is a 400 (only JSON is served). ``GET /rec/<key>.bib`` is the record's BibTeX
(``text/x-bibtex``), an unknown key a 404 HTML page.

What is modelled of Crossref (its REST API documentation): ``GET /works/<doi>`` with the DOI
matched case-insensitively, percent-escapes decoded; an unknown DOI is a 404 with the text
body ``Resource not found.``. ``GET /works?query.bibliographic=...&rows=N`` ranks works by
how many distinct query words (folded) occur in their title, container title, author names
and year, best first (ties by DOI), leaving out works sharing no word; ``rows`` defaults to
20, at most 1000; each item carries a ``score``. Answers carry ``X-Rate-Limit-Limit`` and
``X-Rate-Limit-Interval`` as Crossref's do.

Not modelled: XML formats, DBLP's completions and venue/author searches, Crossref filters,
facets, cursors and field queries other than ``query.bibliographic``.

Faults are injected on demand (`Fault`): a queued fault is consumed by the next request, and
`ReplayServer.fail_matching` applies one to every request whose path holds a string. Each
request is recorded (path, query, status, fault, User-Agent, arrival) before its answer goes
out, so a client holding its answer sees it in `ReplayServer.requests`.
"""

from __future__ import annotations

import collections
import json
import re
import socket
import struct
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from speechlm_bib.keys import fold

DEFAULT_DIRS = (Path(__file__).resolve().parent / "data" / "scholarly-replay",)
HTML_PAGE = (b"<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head>"
             b"<body><h1>We'll be back soon</h1></body></html>\n")
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The folded words of a text, as the servers match them.

    >>> words("SALMon: A Suite for Acoustic-Language Défossez 2.0")
    ['salmon', 'a', 'suite', 'for', 'acoustic', 'language', 'defossez', '2', '0']
    """
    return [w for w in (fold(m) for m in _WORD.findall(text)) if w]


@dataclass(frozen=True, slots=True)
class Answer:
    """What to send back: status, headers and body, or (status None) a connection reset."""

    status: int | None
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"

    @classmethod
    def json(cls, data: Any) -> Answer:
        """A 200 answer with a JSON document."""
        return cls(200, json.dumps(data, ensure_ascii=False).encode(), "application/json")


# --------------------------------------------------------------------------- DBLP


@dataclass
class DblpReplay:
    """DBLP's search hits and record BibTeX."""

    hits: list[dict[str, Any]]
    records: dict[str, str]

    @classmethod
    def load(cls, *directories: Path) -> DblpReplay:
        """Hits and records of replay directories, in order."""
        hits: list[dict[str, Any]] = []
        records: dict[str, str] = {}
        for directory in directories or DEFAULT_DIRS:
            lines = (directory / "dblp" / "hits.jsonl").read_text(encoding="utf-8").splitlines()
            hits += [json.loads(line) for line in lines if line.strip()]
            for path in sorted((directory / "dblp" / "rec").glob("*.bib")):
                records[path.stem.replace("__", "/")] = path.read_text(encoding="utf-8")
        return cls(hits, records)

    def answer(self, path: str, query: Mapping[str, str]) -> Answer:
        """The answer to one request."""
        if path == "/search/publ/api":
            return self._search(query)
        if path.startswith("/rec/") and path.endswith(".bib"):
            record = self.records.get(path[len("/rec/"):-len(".bib")])
            if record is None:
                return Answer(404, b"<html><body><h1>Error 404: Not Found</h1></body></html>",
                              "text/html; charset=utf-8")
            return Answer(200, record.encode(), "text/x-bibtex; charset=utf-8")
        return Answer(404, b"Not Found\n")

    def _search(self, query: Mapping[str, str]) -> Answer:
        if query.get("format", "xml") != "json" or not _digits(query, "h", "f"):
            return Answer(400, b"Bad Request\n")
        terms = [_term(t) for t in query.get("q", "").split()]
        matched = [h for h in self.hits if terms and all(t(_hit_words(h)) for t in terms)]
        first, size = int(query.get("f", "0")), min(int(query.get("h", "30")), 1000)
        page = matched[first:first + size]
        hits: dict[str, Any] = {"@total": str(len(matched)), "@computed": str(len(matched)),
                                "@sent": str(len(page)), "@first": str(first)}
        if page:
            hits["hit"] = page
        return Answer.json({"result": {
            "query": query.get("q", ""), "status": {"@code": "200", "text": "OK"},
            "time": {"@unit": "msecs", "text": "0.42"}, "hits": hits}})


def _digits(query: Mapping[str, str], *names: str) -> bool:
    return all(query.get(name, "0").isdigit() for name in names)


def _term(text: str) -> Any:
    """A query word as a test on a record's words: prefix, ``$`` exact, ``|`` alternatives."""
    options = [(fold(option.rstrip("$")), option.endswith("$")) for option in text.split("|")]

    def test(record_words: Sequence[str]) -> bool:
        return any(w == word or (not exact and w.startswith(word))
                   for word, exact in options if word for w in record_words)

    return test


def _hit_words(hit: Mapping[str, Any]) -> list[str]:
    info = hit["info"]
    people = info.get("authors", {}).get("author", [])
    people = people if isinstance(people, list) else [people]
    names = " ".join(p["text"] if isinstance(p, dict) else str(p) for p in people)
    venue = info.get("venue", "")
    venue = " ".join(venue) if isinstance(venue, list) else venue
    return words(f"{info.get('title', '')} {names} {venue} {info.get('year', '')}")


# --------------------------------------------------------------------------- Crossref


@dataclass
class CrossrefReplay:
    """Crossref's works, by lower-case DOI."""

    works: dict[str, dict[str, Any]]
    rate_limit: tuple[str, str] = ("50", "1s")

    @classmethod
    def load(cls, *directories: Path) -> CrossrefReplay:
        """The works of replay directories."""
        works = {}
        for directory in directories or DEFAULT_DIRS:
            for path in sorted((directory / "crossref" / "works").glob("*.json")):
                answer = json.loads(path.read_text(encoding="utf-8"))
                works[answer["message"]["DOI"].lower()] = answer
        return cls(works)

    def answer(self, path: str, query: Mapping[str, str]) -> Answer:
        """The answer to one request."""
        if path.startswith("/works/"):
            work = self.works.get(unquote(path[len("/works/"):]).lower())
            return Answer.json(work) if work is not None else Answer(404, b"Resource not found.")
        if path in {"/works", "/works/"}:
            return self._search(query)
        return Answer(404, b"Resource not found.")

    def _search(self, query: Mapping[str, str]) -> Answer:
        rows = query.get("rows", "20")
        if not rows.isdigit() or int(rows) > 1000:
            return Answer(400, b'{"status":"failed","message-type":"validation-failure"}',
                          "application/json")
        wanted = set(words(query.get("query.bibliographic", "")))
        scored = sorted(((len(wanted & set(_work_words(w))), doi) for doi, w in
                         self.works.items()), key=lambda s: (-s[0], s[1]))
        items = [dict(self.works[doi]["message"], score=float(score))
                 for score, doi in scored if score > 0]
        return Answer.json({"status": "ok", "message-type": "work-list", "message-version":
                            "1.0.0", "message": {"total-results": len(items),
                                                 "items": items[:int(rows)],
                                                 "items-per-page": int(rows)}})


def _work_words(answer: Mapping[str, Any]) -> list[str]:
    work = answer["message"]
    names = " ".join(f"{a.get('given', '')} {a.get('family', a.get('name', ''))}"
                     for a in work.get("author", []))
    year = str(work.get("issued", {}).get("date-parts", [[""]])[0][0])
    parts = [*work.get("title", []), *work.get("container-title", []), names, year]
    return words(" ".join(parts))


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


def load_both(directories: Iterable[Path] = DEFAULT_DIRS) -> tuple[DblpReplay, CrossrefReplay]:
    """The DBLP and Crossref replays of the same directories."""
    dirs = tuple(directories)
    return DblpReplay.load(*dirs), CrossrefReplay.load(*dirs)
