"""A loopback HTTP server that speaks the arXiv query API from replay data.

Tests and benchmarks point the real `arxiv` client at it (``client.query_url_format =
server.url + "?{}"``, or ``SPEECHLM_BIB_ARXIV_API=server.url`` for the CLI)::

    with ArxivReplayServer(Path("tests/data/arxiv-replay")) as server:
        ...  # fetch through server.url; inspect server.requests

It answers ``GET /api/query?id_list=a,b&start=N&max_results=M`` with an Atom feed holding the
known entries of ``id_list`` in order (unknown ids left out), sliced to ``[start:start+M]``.
Every other path is a 404; a non-integer or negative ``start``/``max_results`` is a 400;
``search_query`` is ignored (only ``id_list`` lookups are served). An id with a version suffix
(``2410.00037v2``) is served from the base id's entry with that version in its ``<id>`` and
links; ids match case-sensitively; old-style ids are stored as ``math_0211159.xml``.

Faults (HTTP errors, empty or truncated pages, HTML pages in place of the feed, connection
resets, slow answers, withdrawn papers) are injected on demand, see `Fault`. A queued fault
(`ArxivReplayServer.inject`) is consumed by the next API request and takes precedence over
per-id faults (`ArxivReplayServer.fail_ids`). A withdrawn paper keeps its id, version and
title and gains ``<arxiv:comment>This paper has been withdrawn</arxiv:comment>`` (replacing any
comment); the version is not bumped, use `ArxivReplayServer.set_entry` to model a new version
as well.

Each request is recorded just before its answer is sent, so a client that has its answer sees
it in `ArxivReplayServer.requests`; a slow answer is recorded when its wait ends. Until then
it counts in `ArxivReplayServer.in_flight`. Stopping the server cuts slow answers short and
joins every handler thread: nothing of a stopped server is still running.

Run it by hand with ``python tests/arxiv_server.py --replay DIR --port PORT``.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import hashlib
import logging
import re
import socket
import struct
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.sax.saxutils import escape, quoteattr

logger = logging.getLogger(__name__)

API_PATH = "/api/query"
ATOM_NS = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
WITHDRAWN_COMMENT = "This paper has been withdrawn"
FEED_UPDATED = "2025-01-01T00:00:00-05:00"
"""Fixed ``<updated>`` of every feed, so that the same request always gives the same bytes."""
DEFAULT_MAX_RESULTS = 10
"""What arXiv assumes when a request has no ``max_results``."""
DEFAULT_REPLAY_DIR = Path(__file__).resolve().parent / "data" / "arxiv-replay"

_FEED_OPEN = (
    f'<feed xmlns="{ATOM_NS}" xmlns:arxiv="{ARXIV_NS}" xmlns:opensearch="{OPENSEARCH_NS}">'
).encode()
_VERSION_RE = re.compile(r"^(?P<base>.+?)(?:v(?P<version>[1-9][0-9]*))?$")
_COMMENT_RE = re.compile(rb"\s*<arxiv:comment\b.*?</arxiv:comment>", re.DOTALL)
_HANDLER_TIMEOUT = 10.0
HTML_PAGE = b"""<!DOCTYPE html>
<html lang="en">
<head><title>503 Service Temporarily Unavailable</title></head>
<body><h1>Service Temporarily Unavailable</h1>
<p>The server is down for maintenance. Please try again later.</p></body>
</html>
"""
"""What `Fault.html` answers with status 200."""


class ReplayError(ValueError):
    """A replay entry that cannot be served (not well-formed, or not the entry it claims)."""


# --------------------------------------------------------------------------- ids and entries


def split_version(arxiv_id: str) -> tuple[str, int | None]:
    """Split an arXiv id into its base id and its version (None when it carries none).

    >>> split_version("2410.00037v2")
    ('2410.00037', 2)
    >>> split_version("math/0211159")
    ('math/0211159', None)
    """
    match = _VERSION_RE.match(arxiv_id)
    if match is None:
        raise ValueError(f"not an arXiv id: {arxiv_id!r}")
    version = match["version"]
    return match["base"], int(version) if version else None


def replay_filename(arxiv_id: str) -> str:
    """Name of the replay file holding an arXiv id's entry.

    >>> replay_filename("math/0211159")
    'math_0211159.xml'
    """
    return arxiv_id.replace("/", "_") + ".xml"


def _base_id(arxiv_id: str) -> str:
    """The id without its version suffix, rejecting ids that carry one."""
    base, version = split_version(arxiv_id)
    if version is not None:
        raise ValueError(f"expected an arXiv id without version, got {arxiv_id!r}")
    return base


def make_entry(
    arxiv_id: str,
    title: str,
    authors: Sequence[str],
    version: int = 1,
    published: str = "2024-10-01",
    primary_category: str | None = None,
) -> bytes:
    """Build an ``<entry>`` element shaped like the replay files (every value XML-escaped)."""
    base = _base_id(arxiv_id)
    if isinstance(authors, str):
        raise TypeError("authors must be a sequence of names, not one string")
    stamp = date.fromisoformat(published).isoformat() + "T00:00:00Z"
    abs_url = escape(f"http://arxiv.org/abs/{base}v{version}")
    pdf_url = quoteattr(f"http://arxiv.org/pdf/{base}v{version}")
    lines = [
        "  <entry>",
        f"    <id>{abs_url}</id>",
        f"    <updated>{stamp}</updated>",
        f"    <published>{stamp}</published>",
        f"    <title>{escape(title)}</title>",
        "    <summary></summary>",
        *(f"    <author>\n      <name>{escape(name)}</name>\n    </author>" for name in authors),
        f'    <link href="{abs_url}" rel="alternate" type="text/html"/>',
        f'    <link title="pdf" href={pdf_url} rel="related" type="application/pdf"/>',
        *_category_lines(primary_category),
        "  </entry>",
    ]
    return ("\n".join(lines) + "\n").encode()


def _category_lines(primary_category: str | None) -> list[str]:
    """The primary-category and category elements, or none when the category is unknown."""
    if primary_category is None:
        return []
    term = quoteattr(primary_category)
    scheme = quoteattr(ARXIV_NS)
    return [
        f"    <arxiv:primary_category term={term} scheme={scheme}/>",
        f"    <category term={term} scheme={scheme}/>",
    ]


def check_entry(arxiv_id: str, entry: bytes) -> None:
    """Raise ReplayError unless ``entry`` is one well-formed Atom entry for ``arxiv_id``."""
    try:
        root = ET.fromstring(_FEED_OPEN + entry + b"</feed>")
    except ET.ParseError as err:
        raise ReplayError(f"entry for {arxiv_id} is not well-formed XML: {err}") from err
    children = list(root)
    if len(children) != 1 or children[0].tag != f"{{{ATOM_NS}}}entry":
        raise ReplayError(f"replay data for {arxiv_id} must hold exactly one <entry>")
    entry_id = children[0].findtext(f"{{{ATOM_NS}}}id") or ""
    if not re.search(f"/abs/{re.escape(arxiv_id)}v[0-9]+$", entry_id.strip()):
        raise ReplayError(f"entry for {arxiv_id} has <id>{entry_id}</id>")


def load_replay(directory: Path) -> dict[str, bytes]:
    """Read every ``ID.xml`` of a replay directory into a mapping from base arXiv id to entry."""
    if not directory.is_dir():
        raise ReplayError(f"{directory}: not a directory")
    entries: dict[str, bytes] = {}
    for path in sorted(directory.glob("*.xml")):
        arxiv_id = path.stem.replace("_", "/", 1)
        entry = path.read_bytes()
        try:
            check_entry(arxiv_id, entry)
        except ReplayError as err:
            raise ReplayError(f"{path}: {err}") from err
        entries[arxiv_id] = entry
    return entries


def _with_version(entry: bytes, base: str, version: int) -> bytes:
    """Rewrite the version in an entry's abs and pdf URLs (its ``<id>`` and links)."""
    pattern = rb"(/(?:abs|pdf)/" + re.escape(base.encode()) + rb")v[0-9]+"
    return re.sub(pattern, rb"\g<1>v" + str(version).encode(), entry)


def _withdrawn(entry: bytes) -> bytes:
    """The entry with its comment replaced by arXiv's withdrawal notice."""
    body = _COMMENT_RE.sub(b"", entry[: entry.rindex(b"</entry>")]).rstrip()
    comment = f"<arxiv:comment>{WITHDRAWN_COMMENT}</arxiv:comment>".encode()
    return body + b"\n    " + comment + b"\n  </entry>\n"


# --------------------------------------------------------------------------- faults


class FaultKind(StrEnum):
    """What a `Fault` does to the answer of the request it applies to."""

    NONE = "none"
    HTTP = "http"
    EMPTY = "empty"
    TRUNCATED = "truncated"
    HTML = "html"
    RESET = "reset"
    SLOW = "slow"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class Fault:
    """A misbehaviour of the server for one request; build one with the class methods."""

    kind: FaultKind
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    seconds: float = 0.0
    ids: frozenset[str] = frozenset()

    @classmethod
    def none(cls) -> Fault:
        """Answer normally (a placeholder in a fault queue)."""
        return cls(FaultKind.NONE)

    @classmethod
    def http(cls, status: int, headers: Mapping[str, str] | None = None) -> Fault:
        """Answer with this HTTP status, these headers and a short text body."""
        return cls(FaultKind.HTTP, status=status, headers=tuple((headers or {}).items()))

    @classmethod
    def unavailable(cls, retry_after: int | None = None) -> Fault:
        """Answer 503, with ``Retry-After`` when given."""
        return cls.http(503, _retry_after(retry_after))

    @classmethod
    def rate_limited(cls, retry_after: int | None = None) -> Fault:
        """Answer 429, with ``Retry-After`` when given."""
        return cls.http(429, _retry_after(retry_after))

    @classmethod
    def empty(cls) -> Fault:
        """Answer 200 with a well-formed feed without entries and totalResults 0."""
        return cls(FaultKind.EMPTY)

    @classmethod
    def truncated(cls) -> Fault:
        """Answer 200 with the first half of the feed's bytes (Content-Length matches)."""
        return cls(FaultKind.TRUNCATED)

    @classmethod
    def html(cls, content_type: str = "text/html; charset=utf-8") -> Fault:
        """Answer 200 with an HTML page, as a proxy or a maintenance page does, not a feed."""
        return cls(FaultKind.HTML, headers=(("Content-Type", content_type),))

    @classmethod
    def reset(cls) -> Fault:
        """Reset the connection (RST, SO_LINGER 0) without sending any response."""
        return cls(FaultKind.RESET)

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        """Wait this long, then answer normally (cut short when the server stops)."""
        return cls(FaultKind.SLOW, seconds=seconds)

    @classmethod
    def withdrawn(cls, *ids: str) -> Fault:
        """Serve these ids (all ids if none given) with arXiv's withdrawal comment."""
        return cls(FaultKind.WITHDRAWN, ids=frozenset(split_version(i)[0] for i in ids))


def _retry_after(seconds: int | None) -> dict[str, str]:
    """The Retry-After header, when a delay is given."""
    return {} if seconds is None else {"Retry-After": str(seconds)}


# --------------------------------------------------------------------------- requests and answers


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request the server answered (or abandoned), as a test sees it."""

    path: str
    id_list: tuple[str, ...]
    start: int
    max_results: int
    status: int | None
    """HTTP status sent, or None when no response was sent (reset, or stopped while slow)."""
    fault: Fault | None
    received_at: float
    """``time.monotonic()`` when the request arrived."""


@dataclass(frozen=True, slots=True)
class _Query:
    """The parsed arguments of an API request."""

    id_list: tuple[str, ...] = ()
    start: int = 0
    max_results: int = DEFAULT_MAX_RESULTS
    query_string: str = ""


@dataclass(frozen=True, slots=True)
class _Response:
    """What to send back: a status, headers and body, or a connection reset."""

    status: int | None
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def text(cls, status: int, headers: tuple[tuple[str, str], ...] = ()) -> _Response:
        """A short plain-text answer, as for errors."""
        content = (("Content-Type", "text/plain; charset=utf-8"), *headers)
        return cls(status, f"HTTP {status}\n".encode(), content)

    @classmethod
    def html(cls, headers: tuple[tuple[str, str], ...]) -> _Response:
        """A 200 answer with an HTML page."""
        return cls(200, HTML_PAGE, headers)

    @classmethod
    def atom(cls, body: bytes) -> _Response:
        """A 200 answer with an Atom feed."""
        return cls(200, body, (("Content-Type", "application/atom+xml; charset=utf-8"),))


def _parse_query(query_string: str) -> _Query:
    """Parse ``id_list``, ``start`` and ``max_results``; ValueError when they are not valid."""
    args = parse_qs(query_string, keep_blank_values=True)
    ids = ",".join(args.get("id_list", [])).split(",")
    start = int(args.get("start", ["0"])[-1])
    max_results = int(args.get("max_results", [str(DEFAULT_MAX_RESULTS)])[-1])
    if start < 0 or max_results < 0:
        raise ValueError("start and max_results must not be negative")
    return _Query(tuple(i.strip() for i in ids if i.strip()), start, max_results, query_string)


def render_feed(
    entries: Sequence[bytes], total: int, start: int, per_page: int, query: str
) -> bytes:
    """An arXiv API Atom feed around already-rendered entries."""
    digest = hashlib.sha1(query.encode(), usedforsecurity=False).hexdigest()
    feed_id = f"http://arxiv.org/api/{digest[:27]}"
    head = "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            _FEED_OPEN.decode(),
            f"  <link href={quoteattr(f'http://arxiv.org/api/query?{query}')}"
            ' rel="self" type="application/atom+xml"/>',
            f'  <title type="html">ArXiv Query: {escape(query)}</title>',
            f"  <id>{feed_id}</id>",
            f"  <updated>{FEED_UPDATED}</updated>",
            f"  <opensearch:totalResults>{total}</opensearch:totalResults>",
            f"  <opensearch:startIndex>{start}</opensearch:startIndex>",
            f"  <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>",
            "",
        ]
    )
    return head.encode() + b"".join(_ensure_newline(e) for e in entries) + b"</feed>\n"


def _ensure_newline(entry: bytes) -> bytes:
    """The entry, ending with a newline so that the feed stays line-oriented."""
    return entry if entry.endswith(b"\n") else entry + b"\n"


# --------------------------------------------------------------------------- shared state


@dataclass
class _State:
    """Entries, faults and the request log, shared by the handler threads under one lock."""

    entries: dict[str, bytes]
    lock: threading.Lock = field(default_factory=threading.Lock)
    queue: collections.deque[Fault] = field(default_factory=collections.deque)
    per_id: dict[str, Fault] = field(default_factory=dict)
    log: list[RecordedRequest] = field(default_factory=list)
    active: int = 0

    @contextlib.contextmanager
    def serving(self) -> Iterator[None]:
        """Count a request as in flight while its handler runs."""
        with self.lock:
            self.active += 1
        try:
            yield
        finally:
            with self.lock:
                self.active -= 1

    def take_fault(self, id_list: Sequence[str]) -> Fault:
        """The next queued fault, else the first per-id fault that changes the whole answer."""
        with self.lock:
            if self.queue:
                return self.queue.popleft()
            for arxiv_id in id_list:
                fault = self.per_id.get(split_version(arxiv_id)[0])
                if fault is not None and fault.kind is not FaultKind.WITHDRAWN:
                    return fault
        return Fault.none()

    def withdrawn_ids(self, fault: Fault, id_list: Sequence[str]) -> frozenset[str]:
        """Base ids to serve as withdrawn: per-id withdrawals plus the request's fault."""
        with self.lock:
            marked = {i for i, f in self.per_id.items() if f.kind is FaultKind.WITHDRAWN}
        if fault.kind is FaultKind.WITHDRAWN:
            marked |= fault.ids or {split_version(i)[0] for i in id_list}
        return frozenset(marked)

    def known_entries(self, id_list: Sequence[str], withdrawn: frozenset[str]) -> list[bytes]:
        """The entries of the known ids, in order, with requested versions and withdrawals."""
        wanted = [split_version(i) for i in id_list]
        with self.lock:
            found = [(self.entries.get(base), base, version) for base, version in wanted]
        return [_serve(e, base, v, base in withdrawn) for e, base, v in found if e is not None]

    def record(self, request: RecordedRequest) -> None:
        """Append a request to the log."""
        with self.lock:
            self.log.append(request)


def _serve(entry: bytes, base: str, version: int | None, withdrawn: bool) -> bytes:
    """One entry as served for a request that may name a version."""
    if version is not None:
        entry = _with_version(entry, base, version)
    return _withdrawn(entry) if withdrawn else entry


def _answer(state: _State, query: _Query, fault: Fault) -> _Response:
    """The response to an API request under a fault (SLOW has already been waited for)."""
    if fault.kind is FaultKind.HTTP:
        return _Response.text(fault.status, fault.headers)
    if fault.kind is FaultKind.RESET:
        return _Response(None)
    if fault.kind is FaultKind.HTML:
        return _Response.html(fault.headers)
    if fault.kind is FaultKind.EMPTY:
        return _Response.atom(render_feed([], 0, query.start, 0, query.query_string))
    withdrawn = state.withdrawn_ids(fault, query.id_list)
    entries = state.known_entries(query.id_list, withdrawn)
    page = entries[query.start : query.start + query.max_results]
    body = render_feed(page, len(entries), query.start, len(page), query.query_string)
    if fault.kind is FaultKind.TRUNCATED:
        body = body[: len(body) // 2]
    return _Response.atom(body)


# --------------------------------------------------------------------------- HTTP


class _HTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that joins its handler threads on close."""

    daemon_threads = False
    block_on_close = True

    def __init__(self, address: tuple[str, int], state: _State) -> None:
        super().__init__(address, _Handler)
        self.state = state
        self.stopping = threading.Event()


class _Handler(BaseHTTPRequestHandler):
    """Answers arXiv API requests from the server's state."""

    server: _HTTPServer
    timeout = _HANDLER_TIMEOUT

    def do_GET(self) -> None:
        """Answer one GET request, counted in flight until it is answered."""
        with self.server.state.serving():
            self._get()

    def _get(self) -> None:
        received_at = time.monotonic()
        split = urlsplit(self.path)
        if split.path != API_PATH:
            self._finish(split.path, _Query(), None, _Response.text(404), received_at)
            return
        try:
            query = _parse_query(split.query)
        except ValueError:
            self._finish(split.path, _Query(), None, _Response.text(400), received_at)
            return
        fault = self.server.state.take_fault(query.id_list)
        if fault.kind is FaultKind.SLOW and self.server.stopping.wait(fault.seconds):
            self._finish(split.path, query, fault, _Response(None), received_at)
            return
        response = _answer(self.server.state, query, fault)
        recorded = None if fault.kind is FaultKind.NONE else fault
        self._finish(split.path, query, recorded, response, received_at)

    def _finish(
        self, path: str, query: _Query, fault: Fault | None, response: _Response, at: float
    ) -> None:
        """Record the request, then send the response (recording first avoids a race)."""
        self.server.state.record(
            RecordedRequest(
                path, query.id_list, query.start, query.max_results, response.status, fault, at
            )
        )
        if response.status is None:
            if fault is not None and fault.kind is FaultKind.RESET:
                self._reset()
            self.close_connection = True
            return
        self._send(response.status, response)

    def _send(self, status: int, response: _Response) -> None:
        """Write status, headers and body; a client that went away is not an error."""
        try:
            self.send_response(status)
            for name, value in (*response.headers, ("Content-Length", str(len(response.body)))):
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(response.body)
        except OSError as err:
            logger.debug("client went away: %s", err)

    def _reset(self) -> None:
        """Make the close send a TCP reset instead of a clean shutdown."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def log_message(self, format: str, *args: object) -> None:
        """Log at debug level instead of writing every request to stderr."""
        logger.debug("%s " + format, self.address_string(), *args)


class ArxivReplayServer:
    """The arXiv query API on 127.0.0.1, served from replay entries; a context manager."""

    def __init__(
        self,
        replay_dir: Path | Mapping[str, bytes] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self._state = _State(_initial_entries(replay_dir))
        self._address = (host, port)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle

    def start(self) -> ArxivReplayServer:
        """Bind the socket and serve in a background thread."""
        if self._httpd is not None:
            raise RuntimeError("server already started")
        self._httpd = _HTTPServer(self._address, self._state)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="arxiv-replay-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, cut slow answers short and wait for every thread."""
        if self._httpd is None or self._thread is None:
            return
        self._httpd.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()
        self._httpd = self._thread = None

    def __enter__(self) -> ArxivReplayServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- addresses

    @property
    def port(self) -> int:
        """The bound TCP port."""
        if self._httpd is None:
            raise RuntimeError("server not started")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The API endpoint, e.g. ``http://127.0.0.1:PORT/api/query``."""
        return f"http://{self._address[0]}:{self.port}{API_PATH}"

    def query_url(self, id_list: Iterable[str], start: int = 0, max_results: int = 100) -> str:
        """A full request URL as the arxiv client would build it."""
        args = {
            "search_query": "",
            "id_list": ",".join(id_list),
            "sortBy": "relevance",
            "sortOrder": "descending",
            "start": str(start),
            "max_results": str(max_results),
        }
        return f"{self.url}?{urlencode(args)}"

    # -- entries

    @property
    def ids(self) -> tuple[str, ...]:
        """The known base ids, sorted."""
        with self._state.lock:
            return tuple(sorted(self._state.entries))

    def set_entry(self, arxiv_id: str, entry: bytes) -> None:
        """Add or replace the entry served for a base id (e.g. a new version)."""
        base = _base_id(arxiv_id)
        check_entry(base, entry)
        with self._state.lock:
            self._state.entries[base] = entry

    def remove_entry(self, arxiv_id: str) -> None:
        """Forget an entry; KeyError if it is not known."""
        with self._state.lock:
            del self._state.entries[_base_id(arxiv_id)]

    # -- faults

    def inject(self, *faults: Fault) -> None:
        """Queue faults; each API request consumes the next one (use Fault.none() to skip)."""
        with self._state.lock:
            self._state.queue.extend(faults)

    def fail_ids(self, faults: Mapping[str, Fault]) -> None:
        """Replace the per-id faults, applied to every request whose id_list holds the id."""
        per_id = {split_version(i)[0]: f for i, f in faults.items()}
        with self._state.lock:
            self._state.per_id = per_id

    def clear_faults(self) -> None:
        """Drop queued and per-id faults."""
        with self._state.lock:
            self._state.queue.clear()
            self._state.per_id = {}

    @property
    def pending_faults(self) -> int:
        """How many queued faults have not been consumed yet."""
        with self._state.lock:
            return len(self._state.queue)

    # -- accounting

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of the requests answered so far, in arrival order of their answers."""
        with self._state.lock:
            return list(self._state.log)

    @property
    def in_flight(self) -> int:
        """How many requests are being answered right now (a slow answer counts until sent)."""
        with self._state.lock:
            return self._state.active

    def reset(self) -> None:
        """Forget the recorded requests (faults are kept, see `clear_faults`)."""
        with self._state.lock:
            self._state.log.clear()


def _initial_entries(replay_dir: Path | Mapping[str, bytes] | None) -> dict[str, bytes]:
    """Entries from a replay directory or mapping (checked), or none."""
    if replay_dir is None:
        return {}
    if isinstance(replay_dir, Mapping):
        entries = {_base_id(i): e for i, e in replay_dir.items()}
        for arxiv_id, entry in entries.items():
            check_entry(arxiv_id, entry)
        return entries
    return load_replay(Path(replay_dir))


# --------------------------------------------------------------------------- command line


def build_parser() -> argparse.ArgumentParser:
    """The command-line options of ``python tests/arxiv_server.py``."""
    parser = argparse.ArgumentParser(description="Serve the arXiv query API from replay data.")
    parser.add_argument("--replay", type=Path, default=DEFAULT_REPLAY_DIR, help="replay directory")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="TCP port (default 0: any free port)")
    return parser


def main(argv: Sequence[str] | None = None, stop: threading.Event | None = None) -> int:
    """Serve until Ctrl-C (or until ``stop`` is set), after printing the API URL."""
    args = build_parser().parse_args(argv)
    try:
        server = ArxivReplayServer(args.replay, host=args.host, port=args.port)
    except ReplayError as err:
        print(f"arxiv_server: {err}", file=sys.stderr)
        return 2
    try:
        with server:
            print(server.url, flush=True)
            (stop or threading.Event()).wait()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
