"""Fetching metadata from the arXiv API through the ``arxiv`` client.

Requests are batched (up to 100 ids each), spaced by the delay arXiv asks for, time out,
and are retried with exponential backoff on HTTP 429 and 5xx answers (never on 400 or 404),
dropped connections, cut-off pages, HTML pages in place of the feed and arXiv's spurious
empty pages, honouring Retry-After. What could not be fetched is reported, never guessed.

An empty answer cannot tell unknown ids from arXiv's outage mode, in which it answers every
request with an empty feed: an id is unknown only when arXiv answered with other ids of its
batch but not with it. A batch that stays empty is looked into half by half, and after
`EMPTY_PROBES` more empty answers in a row nothing more is asked: its ids, and those of the
batches after it, fail.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import settings
from ..ids import parse_arxiv_id
from ..model import ArxivMetadata

logger = logging.getLogger(__name__)

DEFAULT_API = "https://export.arxiv.org/api/query"
BATCH_SIZE = 100
_RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
EMPTY_PROBES = 3
"""Empty answers in a row, after a batch's own tries, before arXiv is asked nothing more."""
_EMPTY = "arXiv returned an empty page"
_NOTHING = "arXiv answered with no entry for it (an unknown id, or arXiv's outage mode)"
_UNREADABLE = "arXiv returned a cut-off or unreadable page"
_HTML = "arXiv answered with an HTML page, not a feed: a proxy or an error page is in the way"
_WITHDRAWN = re.compile(r"\bwithdrawn\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """Where and how politely to ask: endpoint, delay between requests, timeout, retries."""

    api: str = DEFAULT_API
    delay: float = 3.0
    timeout: float = 30.0
    retries: int = 4
    max_wait: float = 120.0
    batch_size: int = BATCH_SIZE

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> FetchSettings:
        """Settings from SPEECHLM_BIB_ARXIV_API, _DELAY, _TIMEOUT, _RETRIES and _BATCH."""
        defaults = cls()
        return cls(
            api=settings.url(env, "SPEECHLM_BIB_ARXIV_API", defaults.api),
            delay=settings.number(env, "SPEECHLM_BIB_ARXIV_DELAY", defaults.delay),
            timeout=settings.number(env, "SPEECHLM_BIB_ARXIV_TIMEOUT", defaults.timeout,
                                    minimum=0.001),
            retries=settings.integer(env, "SPEECHLM_BIB_ARXIV_RETRIES", defaults.retries,
                                     maximum=20),
            batch_size=settings.integer(env, "SPEECHLM_BIB_ARXIV_BATCH", BATCH_SIZE,
                                        minimum=1, maximum=BATCH_SIZE),
        )


@dataclass(slots=True)
class FetchResult:
    """What a fetch found, which ids arXiv does not know, and which failed, with why."""

    found: dict[str, ArxivMetadata] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    requests: int = 0


def batches(ids: Sequence[str], size: int = BATCH_SIZE) -> Iterator[list[str]]:
    """Consecutive batches of at most ``size`` ids.

    >>> [len(b) for b in batches([str(i) for i in range(250)])]
    [100, 100, 50]
    """
    for start in range(0, len(ids), size):
        yield list(ids[start:start + size])


def fetch_metadata(
    ids: Sequence[str],
    settings: FetchSettings,
    progress: Callable[[int], None] | None = None,
) -> FetchResult:
    """Fetch the metadata of the given arXiv ids, batch by batch."""
    source = Source(settings)
    result = FetchResult()
    for batch in batches(ids, settings.batch_size):
        if source.given_up:
            result.failed.update(dict.fromkeys(batch, source.given_up))
        else:
            source.fetch_batch(batch, result)
        if progress is not None:
            progress(len(batch))
    result.requests = source.requests
    return result


class Source:
    """An arxiv client with a timeout, a view of each response, and a retry policy."""

    def __init__(self, settings: FetchSettings) -> None:
        import arxiv  # the client and requests load only when arXiv is asked

        self.settings = settings
        self.requests = 0
        self.empty_in_a_row = 0
        self.given_up = ""
        """Why nothing more is asked, once arXiv gave too many empty answers in a row."""
        self.responses: list[Any] = []
        self.client = arxiv.Client(page_size=BATCH_SIZE, delay_seconds=settings.delay,
                                   num_retries=0)
        self.client.query_url_format = settings.api + "?{}"
        self.client._session = self._session()

    def _session(self) -> Any:
        import requests  # as arxiv above

        session = requests.Session()
        session.hooks["response"].append(self._saw)
        plain_request = session.request

        def request(method: str, url: str, **kwargs: Any) -> Any:
            kwargs.setdefault("timeout", self.settings.timeout)
            self.requests += 1
            return plain_request(method, url, **kwargs)

        session.request = request  # type: ignore[method-assign,assignment]
        return session

    def _saw(self, response: Any, *args: Any, **kwargs: Any) -> None:
        self.responses.append(response)

    @property
    def last_response(self) -> Any:
        """The latest response of the current try, if any."""
        return self.responses[-1] if self.responses else None

    def fetch_batch(self, batch: list[str], result: FetchResult) -> None:
        """Fetch one batch into result, retrying what may succeed on a second try."""
        for attempt in range(self.settings.retries + 1):
            error = self._try(batch, result)
            if error is None:
                return
            reason, retry = error
            if not retry or attempt == self.settings.retries:
                self._give_up(batch, reason, result)
                return
            self.wait(attempt, reason)

    def _give_up(self, batch: list[str], reason: str, result: FetchResult) -> None:
        """Record why a batch failed; an empty page on every try is looked into half by half."""
        if reason != _EMPTY:
            result.failed.update({arxiv_id: reason for arxiv_id in batch})
        elif len(batch) == 1:
            result.failed.update(dict.fromkeys(batch, _NOTHING))
        else:
            self._bisect(batch, result)

    def _bisect(self, batch: list[str], result: FetchResult) -> None:
        """Ask for each half once, down to single ids.

        arXiv answers an empty page both when it knows none of the ids and, spuriously,
        when it is overloaded or in its outage mode. A half that is answered tells which of
        its ids arXiv does not know; after too many empty answers in a row nothing more is
        asked.
        """
        middle = len(batch) // 2
        for half in (batch[:middle], batch[middle:]):
            if self._out_of_probes():
                result.failed.update(dict.fromkeys(half, self.given_up))
                continue
            error = self._try(half, result)
            if error is not None:
                self._give_up(half, error[0], result)

    def _out_of_probes(self) -> bool:
        """Whether arXiv gave more empty answers in a row than a batch's tries and the probes."""
        if self.empty_in_a_row >= self.settings.retries + 1 + EMPTY_PROBES:
            self.given_up = (f"arXiv gave {self.empty_in_a_row} empty answers in a row (its "
                             "outage mode); not asked further")
        return bool(self.given_up)

    def _try(self, batch: list[str], result: FetchResult) -> tuple[str, bool] | None:
        error = self._ask(batch, result)
        empty = error is not None and error[0] == _EMPTY
        self.empty_in_a_row = self.empty_in_a_row + 1 if empty else 0
        return error

    def _ask(self, batch: list[str], result: FetchResult) -> tuple[str, bool] | None:
        import arxiv  # as in __init__

        search = arxiv.Search(id_list=batch, max_results=len(batch))
        found, error = self.attempt(lambda: list(self.client.results(search)))
        return error or self._accept(batch, found, result)

    def attempt(self, fetch: Callable[[], list[Any]]) -> tuple[list[Any], tuple[str, bool] | None]:
        """One try of ``fetch``: what it returned, or why it failed and whether to try again.

        ``fetch`` calls the client (one page or several); a cut-off page fails the try.
        """
        import arxiv  # as in __init__
        import requests

        self.responses = []
        try:
            found = fetch()
        except arxiv.HTTPError as error:
            return [], (f"HTTP {error.status}", error.status in _RETRYABLE_STATUS)
        except arxiv.UnexpectedEmptyPageError:
            return [], (_EMPTY, True)
        except (arxiv.ArxivError, ValueError):
            # A page cut off inside a value (a date, say) fails while the entry is read.
            return [], (self._unreadable(), True)
        except requests.Timeout:
            return [], (f"no answer within {self.settings.timeout:g} s", True)
        except requests.RequestException as error:
            return [], (f"connection failed ({type(error).__name__})", True)
        if self.malformed():
            return [], (self._unreadable(), True)
        return found, None

    def _accept(self, batch: list[str], found: list[Any],
                result: FetchResult) -> tuple[str, bool] | None:
        if not found:
            return _EMPTY, True
        by_id = {}
        for item in found:
            meta = to_metadata(item)
            by_id[meta.id] = meta
        result.found.update({i: by_id[i] for i in batch if i in by_id})
        result.unknown.extend(i for i in batch if i not in by_id)
        return None

    def malformed(self) -> bool:
        """Whether any page of this try was cut off: a later page may look fine."""
        return any(b"</feed>" not in r.content[-200:] for r in self.responses
                   if r.status_code == 200)

    def _unreadable(self) -> str:
        """Why a page of this try could not be read: HTML in place of the feed, or cut off."""
        pages = [r for r in self.responses if r.status_code == 200]
        return _HTML if any(_is_html(r) for r in pages) else _UNREADABLE

    def wait(self, attempt: int, reason: str) -> None:
        """Sleep before another try: exponential backoff, or longer when Retry-After says so."""
        seconds = min(self.settings.delay * 2 ** attempt, self.settings.max_wait)
        retry_after = _retry_after(self.last_response)
        if retry_after is not None:
            seconds = min(max(seconds, retry_after), self.settings.max_wait)
        # A wait of a second or more is a warning, so that it is not silent: the CLI shows
        # warnings without -v.
        logger.log(logging.WARNING if seconds >= 1 else logging.INFO,
                   "arXiv (%s): %s; retrying in %.0f s (retry %d of %d)",
                   self.settings.api, reason, seconds, attempt + 1, self.settings.retries)
        time.sleep(seconds)


def _is_html(response: Any) -> bool:
    """Whether an answer is an HTML page, by its Content-Type or by its first tag."""
    kind = response.headers.get("Content-Type", "").lower()
    start = response.content[:100].lstrip().lower()
    return "html" in kind or start.startswith((b"<!doctype html", b"<html"))


def _retry_after(response: Any) -> float | None:
    """Seconds from a Retry-After header (a number or an HTTP date), if there is one."""
    import email.utils  # loaded only when a Retry-After date is read

    value = None if response is None else response.headers.get("Retry-After")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def to_metadata(result: Any) -> ArxivMetadata:
    """The stored form of an ``arxiv.Result``."""
    arxiv_id = parse_arxiv_id(result.get_short_id())
    return ArxivMetadata(
        id=arxiv_id.id,
        version=arxiv_id.version or 1,
        title=" ".join(result.title.split()),
        authors=tuple(" ".join(a.name.split()) for a in result.authors),
        published=result.published.date().isoformat(),
        updated=result.updated.date().isoformat(),
        primary_category=result.primary_category or None,
        doi=result.doi or None,
        journal_ref=" ".join(result.journal_ref.split()) if result.journal_ref else None,
        comment=" ".join(result.comment.split()) if result.comment else None,
    )


def is_withdrawn(meta: ArxivMetadata) -> bool:
    """Whether arXiv's comment says the work was withdrawn."""
    return bool(meta.comment and _WITHDRAWN.search(meta.comment))
