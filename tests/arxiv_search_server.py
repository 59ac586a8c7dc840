"""A loopback HTTP server that answers arXiv API *searches* from replay data.

`ArxivReplayServer` (arxiv_server.py) answers ``id_list`` lookups; this one answers
``search_query`` as well, over replay entries that carry abstracts, categories and submission
times (tests/data/discover-replay/). arxiv_search_query.py reads the search syntax; this module
reuses arxiv_server.py's Atom rendering (`render_feed`), replay loading (`load_replay`) and
faults (`Fault`)::

    with ArxivSearchServer(Path("tests/data/discover-replay")) as server:
        ...  # point SPEECHLM_BIB_ARXIV_API at server.url; inspect server.requests

What it models, after the arXiv API User's Manual (sections 3.1.1 and 5.1):

- ``search_query`` with the field prefixes ``ti:`` (title), ``abs:`` (abstract), ``au:``
  (authors), ``co:`` (comment), ``jr:`` (journal reference), ``cat:`` (categories, primary or
  cross-listed) and ``all:`` (all of these); a term without prefix is ``all:``.
- The Boolean operators ``AND``, ``OR`` and ``ANDNOT``, parentheses for grouping (also after a
  prefix: ``ti:(codec OR tokenizer)`` applies ``ti:`` inside), double quotes for phrases
  (consecutive words), and ``submittedDate:[YYYYMMDDTTTT TO YYYYMMDDTTTT]`` (GMT, to the
  minute, both ends included; also ``lastUpdatedDate:``). The manual does not state the
  precedence of the operators: here AND and ANDNOT bind tighter than OR, and terms side by
  side without an operator are joined by AND.
- Matching is by word, case-insensitive, with a trailing ``*`` as a prefix wildcard; a final
  plural "s" is folded (``models`` matches ``model``) as arXiv's stemming would. Words are
  runs of letters and digits, so ``full-duplex`` is the phrase "full duplex".
- ``id_list`` alone returns those entries in the order given; with ``search_query``, the
  entries of the list that match (the manual's "search_query and id_list logic"). A version
  suffix in ``id_list`` is ignored: the stored version is served.
- ``sortBy`` ``relevance`` (modelled as the replay's id order), ``submittedDate`` (the
  entry's ``<published>``) or ``lastUpdatedDate`` (``<updated>``), ``sortOrder``
  ``ascending`` or ``descending``; ties by id. ``start`` and ``max_results`` (default 10,
  at most 2000 a page) slice the sorted matches; ``opensearch:totalResults`` counts them all.
- A query it cannot parse, an unknown prefix or sort value, or a bad ``start`` or
  ``max_results`` is answered 400 (a plain-text body).

Faults are queued with `ArxivSearchServer.inject` and consumed one a request: HTTP statuses
(with Retry-After), empty pages (a well-formed feed without entries, totalResults 0),
truncated pages, connection resets and slow answers. Each request is recorded just before its
answer is sent, as a `SearchRequest`.

Run it by hand with ``python tests/arxiv_search_server.py --replay DIR --port PORT``.
"""

from __future__ import annotations

import argparse
import collections
import logging
import socket
import struct
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from arxiv_search_query import Paper, QueryError, parse_search_query
from arxiv_server import (
    API_PATH,
    DEFAULT_MAX_RESULTS,
    Fault,
    FaultKind,
    check_entry,
    load_replay,
    render_feed,
    split_version,
)

logger = logging.getLogger(__name__)

DEFAULT_REPLAY_DIR = Path(__file__).resolve().parent / "data" / "discover-replay"
MAX_PAGE = 2000
"""The most entries one page holds, whatever ``max_results`` asks for."""
SORTS = {"relevance": None, "submittedDate": "published", "lastUpdatedDate": "updated"}
ORDERS = ("ascending", "descending")
_SERVED_FAULTS = frozenset({FaultKind.NONE, FaultKind.HTTP, FaultKind.EMPTY,
                            FaultKind.TRUNCATED, FaultKind.RESET, FaultKind.SLOW})


# --------------------------------------------------------------------------- requests


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """One request the server answered (or abandoned), as a test sees it."""

    path: str
    search_query: str
    id_list: tuple[str, ...]
    sort_by: str
    sort_order: str
    start: int
    max_results: int
    status: int | None
    fault: Fault | None
    received_at: float


@dataclass(frozen=True, slots=True)
class _Request:
    """The parsed arguments of an API request."""

    search_query: str = ""
    id_list: tuple[str, ...] = ()
    sort_by: str = "relevance"
    sort_order: str = "descending"
    start: int = 0
    max_results: int = DEFAULT_MAX_RESULTS
    query_string: str = ""


def parse_request(query_string: str) -> _Request:
    """The arguments of a request; ValueError (answered 400) when one is not valid."""
    args = {name: values[-1] for name, values in
            parse_qs(query_string, keep_blank_values=True).items()}
    ids = tuple(i.strip() for i in args.get("id_list", "").split(",") if i.strip())
    request = _Request(
        search_query=args.get("search_query", "").strip(),
        id_list=ids,
        sort_by=args.get("sortBy", "relevance"),
        sort_order=args.get("sortOrder", "descending"),
        start=int(args.get("start", "0")),
        max_results=int(args.get("max_results", str(DEFAULT_MAX_RESULTS))),
        query_string=query_string,
    )
    if request.start < 0 or request.max_results < 0:
        raise ValueError("start and max_results must not be negative")
    if request.sort_by not in SORTS or request.sort_order not in ORDERS:
        raise ValueError(f"unknown sort {request.sort_by!r} {request.sort_order!r}")
    return request


def select(papers: Mapping[str, Paper], request: _Request) -> list[Paper]:
    """The papers a request asks for, sorted as it asks (before paging)."""
    if request.search_query:
        matches = parse_search_query(request.search_query)
        pool = [papers[i] for i in _listed(papers, request.id_list)] if request.id_list \
            else list(papers.values())
        found = [p for p in pool if matches(p)]
    else:
        return [papers[i] for i in _listed(papers, request.id_list)]
    found.sort(key=lambda p: p.id)
    attribute = SORTS[request.sort_by]
    if attribute is not None:
        found.sort(key=lambda p: getattr(p, attribute), reverse=request.sort_order == "descending")
    elif request.sort_order == "ascending":
        found.reverse()
    return found


def _listed(papers: Mapping[str, Paper], id_list: Sequence[str]) -> Iterator[str]:
    """The known base ids of an id_list, in its order."""
    for arxiv_id in id_list:
        base = split_version(arxiv_id)[0]
        if base in papers:
            yield base


# --------------------------------------------------------------------------- HTTP


@dataclass
class _State:
    """Papers, queued faults and the request log, shared by handler threads under one lock."""

    papers: dict[str, Paper]
    lock: threading.Lock = field(default_factory=threading.Lock)
    queue: collections.deque[Fault] = field(default_factory=collections.deque)
    log: list[SearchRequest] = field(default_factory=list)

    def take_fault(self) -> Fault:
        with self.lock:
            return self.queue.popleft() if self.queue else Fault.none()


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int | None
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()


def answer(papers: Mapping[str, Paper], request: _Request, fault: Fault) -> _Answer:
    """The answer to a request under a fault (a slow answer has been waited for)."""
    if fault.kind is FaultKind.HTTP:
        return _text(fault.status, fault.headers)
    if fault.kind is FaultKind.RESET:
        return _Answer(None)
    if fault.kind is FaultKind.EMPTY:
        return _atom(render_feed([], 0, request.start, 0, request.query_string))
    try:
        found = select(papers, request)
    except QueryError as error:
        logger.debug("bad search_query %r: %s", request.search_query, error)
        return _text(400)
    page = found[request.start:request.start + min(request.max_results, MAX_PAGE)]
    body = render_feed([p.entry for p in page], len(found), request.start, len(page),
                       request.query_string)
    return _atom(body[: len(body) // 2] if fault.kind is FaultKind.TRUNCATED else body)


def _text(status: int, headers: tuple[tuple[str, str], ...] = ()) -> _Answer:
    return _Answer(status, f"HTTP {status}\n".encode(),
                   (("Content-Type", "text/plain; charset=utf-8"), *headers))


def _atom(body: bytes) -> _Answer:
    return _Answer(200, body, (("Content-Type", "application/atom+xml; charset=utf-8"),))


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True

    def __init__(self, address: tuple[str, int], state: _State) -> None:
        super().__init__(address, _Handler)
        self.state = state
        self.stopping = threading.Event()


class _Handler(BaseHTTPRequestHandler):
    """Answers arXiv API requests, searches included, from the server's state."""

    server: _HTTPServer
    timeout = 10.0

    def do_GET(self) -> None:
        """Answer one GET request."""
        received_at = time.monotonic()
        split = urlsplit(self.path)
        try:
            if split.path != API_PATH:
                raise LookupError(split.path)
            request = parse_request(split.query)
        except (LookupError, ValueError):
            status = 404 if split.path != API_PATH else 400
            self._finish(split.path, _Request(), None, _text(status), received_at)
            return
        fault = self.server.state.take_fault()
        if fault.kind is FaultKind.SLOW and self.server.stopping.wait(fault.seconds):
            self._finish(split.path, request, fault, _Answer(None), received_at)
            return
        response = answer(self.server.state.papers, request, fault)
        recorded = None if fault.kind is FaultKind.NONE else fault
        self._finish(split.path, request, recorded, response, received_at)

    def _finish(self, path: str, request: _Request, fault: Fault | None,
                response: _Answer, at: float) -> None:
        """Record the request, then send the answer (recording first avoids a race)."""
        state = self.server.state
        with state.lock:
            state.log.append(SearchRequest(
                path, request.search_query, request.id_list, request.sort_by,
                request.sort_order, request.start, request.max_results, response.status,
                fault, at))
        if response.status is None:
            if fault is not None and fault.kind is FaultKind.RESET:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                self.connection.close()
            self.close_connection = True
            return
        try:
            self.send_response(response.status)
            for name, value in (*response.headers, ("Content-Length", str(len(response.body)))):
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(response.body)
        except OSError as err:
            logger.debug("client went away: %s", err)

    def log_message(self, format: str, *args: object) -> None:
        """Log at debug level instead of writing every request to stderr."""
        logger.debug("%s " + format, self.address_string(), *args)


class ArxivSearchServer:
    """The arXiv query API with searches, on 127.0.0.1; a context manager."""

    def __init__(self, replay_dir: Path = DEFAULT_REPLAY_DIR, *, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        entries = load_replay(Path(replay_dir))
        self._state = _State({i: Paper.of(i, e) for i, e in entries.items()})
        self._address = (host, port)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> ArxivSearchServer:
        """Bind the socket and serve in a background thread."""
        if self._httpd is not None:
            raise RuntimeError("server already started")
        self._httpd = _HTTPServer(self._address, self._state)
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name="arxiv-search-server", daemon=True)
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

    def __enter__(self) -> ArxivSearchServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The API endpoint, e.g. ``http://127.0.0.1:PORT/api/query``."""
        if self._httpd is None:
            raise RuntimeError("server not started")
        return f"http://{self._address[0]}:{self._httpd.server_address[1]}{API_PATH}"

    @property
    def ids(self) -> tuple[str, ...]:
        """The base ids served, sorted."""
        return tuple(sorted(self._state.papers))

    def set_entry(self, arxiv_id: str, entry: bytes) -> None:
        """Serve a new paper (or a new version of one) from now on."""
        check_entry(arxiv_id, entry)
        with self._state.lock:
            self._state.papers[arxiv_id] = Paper.of(arxiv_id, entry)

    def remove_entry(self, arxiv_id: str) -> None:
        """Stop serving a paper; KeyError if it is not served."""
        with self._state.lock:
            del self._state.papers[arxiv_id]

    def inject(self, *faults: Fault) -> None:
        """Queue faults; each API request consumes the next one (Fault.none() skips one)."""
        unserved = sorted({f.kind for f in faults} - _SERVED_FAULTS)
        if unserved:
            raise ValueError(f"the search server does not serve {unserved} faults")
        with self._state.lock:
            self._state.queue.extend(faults)

    def clear_faults(self) -> None:
        """Drop the queued faults."""
        with self._state.lock:
            self._state.queue.clear()

    @property
    def pending_faults(self) -> int:
        """How many queued faults have not been consumed yet."""
        with self._state.lock:
            return len(self._state.queue)

    @property
    def requests(self) -> list[SearchRequest]:
        """A copy of the requests answered so far."""
        with self._state.lock:
            return list(self._state.log)

    def reset(self) -> None:
        """Forget the recorded requests (queued faults are kept, see `clear_faults`)."""
        with self._state.lock:
            self._state.log.clear()


def main(argv: Sequence[str] | None = None, stop: threading.Event | None = None) -> int:
    """Serve until Ctrl-C (or until ``stop`` is set), after printing the API URL."""
    parser = argparse.ArgumentParser(description="Serve arXiv API searches from replay data.")
    parser.add_argument("--replay", type=Path, default=DEFAULT_REPLAY_DIR)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        with ArxivSearchServer(args.replay, host=args.host, port=args.port) as server:
            print(server.url, flush=True)
            (stop or threading.Event()).wait()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
