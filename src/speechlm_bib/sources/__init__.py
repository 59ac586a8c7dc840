"""Metadata sources: the services records are fetched from, each behind the same interface.

A source is called with ids (arXiv ids, DOIs, DBLP keys) or queries (search strings) and
returns a `Result`: the value found for each, the ones the service does not know, the ones
that failed with the reason, and how many HTTP requests it took. Everything about talking to
the service (the endpoint, the delay between requests, timeouts, retries with backoff,
Retry-After) stays inside the source; what it returns is plain data. A service with several
endpoints (DBLP's search and its records) offers one source per endpoint, sharing one client
so that the delay between requests holds across them.

Members: ``arxiv`` (the arXiv API), ``dblp`` (DBLP's publication search and record BibTeX),
``crossref`` (Crossref's works), the last two over the shared HTTP layer in ``http``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from ..model import ArxivMetadata
    from .arxiv import FetchSettings

V = TypeVar("V")
V_co = TypeVar("V_co", covariant=True)

Progress = Callable[[int], None]
"""Called with the number of ids or queries just settled (found, unknown or failed)."""
ProgressBar = Callable[[str, int], AbstractContextManager[Progress]]
"""Draws a progress bar: given a label and a length, a context giving the advance function."""


@contextlib.contextmanager
def progress_of(bar: ProgressBar | None, label: str, length: int) -> Iterator[Progress | None]:
    """The advance function of a bar drawn for this step, or None when there is no bar."""
    if bar is None or length == 0:
        yield None
        return
    with bar(label, length) as advance:
        yield advance


@dataclass(frozen=True, slots=True)
class Result(Generic[V_co]):
    """What a source found for each id or query, what the service does not know, what failed.

    Every id asked for is in exactly one of ``found``, ``unknown`` and ``failed``; a failure
    carries its reason ("HTTP 503", "no answer within 30 s", ...). ``requests`` counts the
    HTTP requests sent, retries included.
    """

    found: Mapping[str, V_co] = field(default_factory=dict)
    unknown: tuple[str, ...] = ()
    failed: Mapping[str, str] = field(default_factory=dict)
    requests: int = 0


class Source(Protocol[V_co]):
    """Ids or queries in; a `Result` of values and per-id failures out."""

    def __call__(self, keys: Sequence[str], progress: Progress | None = None) -> Result[V_co]:
        """Ask the service about each key once (duplicates are asked once)."""
        ...


@dataclass(slots=True)
class Tally(Generic[V]):
    """Collects the outcome of each key while a source works through them."""

    found: dict[str, V] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    def result(self, requests: int) -> Result[V]:
        """The frozen result, with the number of requests it took."""
        return Result(dict(self.found), tuple(self.unknown), dict(self.failed), requests)


def arxiv_source(settings: FetchSettings) -> Source[ArxivMetadata]:
    """The arXiv API as a `Source`: arXiv ids in, `ArxivMetadata` and failures out."""

    def fetch(keys: Sequence[str], progress: Progress | None = None) -> Result[ArxivMetadata]:
        # Imported here: the arxiv client is heavy and only sync needs it.
        from .arxiv import fetch_metadata

        fetched = fetch_metadata(keys, settings, progress)
        return Result(dict(fetched.found), tuple(fetched.unknown), dict(fetched.failed),
                      fetched.requests)

    return fetch
