"""A loopback HTTP server that answers arXiv API *searches* from replay data.

`ArxivReplayServer` (arxiv_server.py) answers ``id_list`` lookups; this one answers
``search_query`` as well, over replay entries that carry abstracts, categories and submission
times (tests/data/discover-replay/). It reuses that module's Atom rendering (`render_feed`),
replay loading (`load_replay`) and faults (`Fault`)::

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
import re
import socket
import struct
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from arxiv_server import (
    API_PATH,
    ARXIV_NS,
    ATOM_NS,
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
TEXT_FIELDS = ("ti", "abs", "au", "co", "jr", "cat")
DATE_FIELDS = {"submittedDate": "published", "lastUpdatedDate": "updated"}
SORTS = {"relevance": None, "submittedDate": "published", "lastUpdatedDate": "updated"}
ORDERS = ("ascending", "descending")
_SERVED_FAULTS = frozenset({FaultKind.NONE, FaultKind.HTTP, FaultKind.EMPTY,
                            FaultKind.TRUNCATED, FaultKind.RESET, FaultKind.SLOW})
_TOKEN = re.compile(
    r'\s*(?:(?P<open>\()|(?P<close>\))'
    r'|(?:(?P<field>[A-Za-z]+):)?(?:(?P<group>\()|"(?P<phrase>[^"]*)"|\[(?P<range>[^\]]*)\]'
    r'|(?P<word>[^\s()"\[\]]+)))'
)
_WORD = re.compile(r"[0-9a-z]+\*?")
_OPERATORS = ("AND", "OR", "ANDNOT")


class QueryError(ValueError):
    """A ``search_query`` this server cannot read (answered 400)."""


# --------------------------------------------------------------------------- words


def words(text: str) -> tuple[str, ...]:
    """The words of a text as they are matched: lowercase, plural "s" folded.

    >>> words("Full-Duplex Speech Language Models, codecs & HuBERT")
    ('full', 'duplex', 'speech', 'language', 'model', 'codec', 'hubert')
    """
    return tuple(_fold(w) for w in _WORD.findall(text.lower()))


def _fold(word: str) -> str:
    """A word without a final plural "s" (kept after "ss", "us", "is" and in short words)."""
    if word.endswith("s") and len(word) > 3 and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# --------------------------------------------------------------------------- papers


@dataclass(frozen=True, slots=True)
class Paper:
    """The searchable fields of one replay entry, and the entry's bytes as served."""

    id: str
    entry: bytes
    fields: Mapping[str, tuple[str, ...]]
    categories: frozenset[str]
    published: str
    updated: str

    @classmethod
    def of(cls, arxiv_id: str, entry: bytes) -> Paper:
        """Read the fields of an ``<entry>`` (already checked by `load_replay`)."""
        root = ET.fromstring(
            f'<feed xmlns="{ATOM_NS}" xmlns:arxiv="{ARXIV_NS}">'.encode() + entry + b"</feed>"
        )[0]

        def text(tag: str) -> str:
            return " ".join(e.text or "" for e in root.iter(tag))

        categories = frozenset(c.get("term", "").lower()
                               for c in root.iter(f"{{{ATOM_NS}}}category"))
        fields = {
            "ti": words(text(f"{{{ATOM_NS}}}title")),
            "abs": words(text(f"{{{ATOM_NS}}}summary")),
            "au": words(text(f"{{{ATOM_NS}}}name")),
            "co": words(text(f"{{{ARXIV_NS}}}comment")),
            "jr": words(text(f"{{{ARXIV_NS}}}journal_ref")),
            "cat": tuple(sorted(categories)),
        }
        return cls(arxiv_id, entry, fields, categories,
                   _stamp(text(f"{{{ATOM_NS}}}published")), _stamp(text(f"{{{ATOM_NS}}}updated")))


def _stamp(text: str) -> str:
    """An Atom timestamp as ``YYYYMMDDTTTT`` in GMT, the form date ranges compare with."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00")).astimezone(UTC)
    return moment.strftime("%Y%m%d%H%M")


# --------------------------------------------------------------------------- queries


Matcher = Callable[[Paper], bool]


@dataclass
class _Parser:
    """A recursive-descent reader of ``search_query`` into a predicate on papers."""

    tokens: list[re.Match[str]]
    at: int = 0

    @classmethod
    def parse(cls, query: str) -> Matcher:
        """The predicate a whole query stands for."""
        parser = cls(_tokens(query))
        matcher = parser.either(None)
        if parser.at != len(parser.tokens):
            raise QueryError(f"unexpected {parser.tokens[parser.at].group().strip()!r}")
        return matcher

    def peek(self) -> re.Match[str] | None:
        """The next token, if any."""
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def operator(self) -> str | None:
        """The next token when it is a Boolean operator."""
        token = self.peek()
        word = token["word"] if token is not None and not token["field"] else None
        return word if word in _OPERATORS else None

    def either(self, field: str | None) -> Matcher:
        """Terms joined by OR (the loosest operator)."""
        left = self.both(field)
        while self.operator() == "OR":
            self.at += 1
            left = _or(left, self.both(field))
        return left

    def both(self, field: str | None) -> Matcher:
        """Terms joined by AND, ANDNOT or nothing."""
        left = self.unit(field)
        while (token := self.peek()) is not None and not token["close"]:
            operator = self.operator()
            if operator == "OR":
                break
            if operator is not None:
                self.at += 1
            right = self.unit(field)
            left = _and_not(left, right) if operator == "ANDNOT" else _and(left, right)
        return left

    def unit(self, field: str | None) -> Matcher:
        """One term, or a parenthesised group."""
        token = self.peek()
        if token is None or token["close"] or self.operator():
            raise QueryError("a term is missing")
        self.at += 1
        if token["open"] or token["group"]:
            inner = self.either(token["field"] or field)
            closing = self.peek()
            if closing is None or not closing["close"]:
                raise QueryError("a parenthesis is not closed")
            self.at += 1
            return inner
        return _term(token, token["field"] or field)


def _tokens(query: str) -> list[re.Match[str]]:
    """The tokens of a query; QueryError on anything else (an unmatched quote, say)."""
    tokens, at, rest = [], 0, query.rstrip()
    while at < len(rest):
        match = _TOKEN.match(rest, at)
        if match is None or match.end() == at:
            raise QueryError(f"cannot read {rest[at:].strip()[:20]!r}")
        tokens.append(match)
        at = match.end()
    if not tokens:
        raise QueryError("the query is empty")
    return tokens


def _term(token: re.Match[str], field: str | None) -> Matcher:
    """The predicate of one field term: a word, a phrase or a date range."""
    name = field or "all"
    if token["range"] is not None:
        return _date_range(name, token["range"])
    if name not in (*TEXT_FIELDS, "all"):
        raise QueryError(f"unknown field prefix {name!r}")
    if name == "cat":
        category = (token["word"] or token["phrase"] or "").lower()
        return lambda paper: _category(paper, category)
    wanted = words(token["phrase"] if token["phrase"] is not None else token["word"])
    if not wanted:
        raise QueryError("an empty term")
    names = TEXT_FIELDS if name == "all" else (name,)
    return lambda paper: any(_has_phrase(paper.fields[n], wanted) for n in names)


def _category(paper: Paper, category: str) -> bool:
    """Whether a paper is in a category (``cs.*`` matching any of cs)."""
    if category.endswith("*"):
        return any(c.startswith(category[:-1]) for c in paper.categories)
    return category in paper.categories


def _has_phrase(text: tuple[str, ...], wanted: tuple[str, ...]) -> bool:
    """Whether the words occur consecutively in text (a final * matches any ending)."""
    size = len(wanted)
    return any(all(_same(text[i + k], wanted[k]) for k in range(size))
               for i in range(len(text) - size + 1))


def _same(word: str, wanted: str) -> bool:
    return word.startswith(wanted[:-1]) if wanted.endswith("*") else word == wanted


def _date_range(name: str, text: str) -> Matcher:
    """``[YYYYMMDDTTTT TO YYYYMMDDTTTT]`` on the submission or last-update time."""
    if name not in DATE_FIELDS:
        raise QueryError(f"{name!r} takes no date range")
    match = re.fullmatch(r"\s*(\d{12})\s+TO\s+(\d{12})\s*", text)
    if match is None:
        raise QueryError(f"a date range is [YYYYMMDDTTTT TO YYYYMMDDTTTT], not [{text}]")
    low, high, attribute = match[1], match[2], DATE_FIELDS[name]
    return lambda paper: low <= getattr(paper, attribute) <= high


def _and(left: Matcher, right: Matcher) -> Matcher:
    return lambda paper: left(paper) and right(paper)


def _and_not(left: Matcher, right: Matcher) -> Matcher:
    return lambda paper: left(paper) and not right(paper)


def _or(left: Matcher, right: Matcher) -> Matcher:
    return lambda paper: left(paper) or right(paper)


def parse_search_query(query: str) -> Matcher:
    """The predicate on papers that a ``search_query`` stands for; QueryError if unreadable.

    >>> paper = Paper.of("2506.00001", b'<entry><id>http://arxiv.org/abs/2506.00001v1</id>'
    ...     b'<title>Speech Codecs</title><published>2025-06-02T10:00:00Z</published>'
    ...     b'<updated>2025-06-02T10:00:00Z</updated><category term="eess.AS"/></entry>')
    >>> parse_search_query('ti:(codec OR tokenizer) AND cat:eess.AS')(paper)
    True
    >>> june = "submittedDate:[202506010000 TO 202506302359]"
    >>> parse_search_query(f'ti:"speech codec" ANDNOT {june}')(paper)
    False
    """
    return _Parser.parse(query)


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
