"""Searching arXiv for recent papers through the ``arxiv`` client.

Each query of the list's discovery settings is one ``arxiv.Search`` in arXiv's own search
syntax, narrowed to the list's categories and to ``submittedDate:[SINCE TO NOW]``, sorted by
submission date, newest first, and read page by page (``start``/``max_results``, one request a
page, ``SPEECHLM_BIB_ARXIV_BATCH`` results a page). Paging stops at the last result or at the
first one submitted before the since-date. Requests go through sync's `Source`: the same delay
between requests, timeout, and retries with backoff honouring Retry-After; a try that fails
part-way resumes at the first result it did not get, and an empty page where more results were
announced is taken for arXiv's spurious empty pages and asked again. An empty *first* page
means no results, as the ``arxiv`` client reads it. A query that still fails raises
``FetchError``: a discovery is all or nothing.

The queries are written in arXiv's search syntax (``arxiv_query`` reads and builds them).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from ..errors import FetchError
from ..ids import parse_arxiv_id
from .arxiv import FetchSettings, Source
from .arxiv_query import build_query

logger = logging.getLogger(__name__)

MAX_RESULTS = 2000
"""The most results read for one query in one discovery (newest first)."""
_EMPTY = "arXiv returned an empty page where more results were announced"


@dataclass(frozen=True, slots=True)
class Paper:
    """One search result: what arXiv says of a paper, and which queries found it."""

    id: str
    version: int
    title: str
    abstract: str
    authors: tuple[str, ...]
    published: datetime
    updated: datetime
    categories: tuple[str, ...] = ()
    primary_category: str | None = None
    doi: str | None = None
    comment: str | None = None
    queries: tuple[int, ...] = ()
    """Indexes (from 0) of the discovery queries that found it."""


@dataclass(frozen=True, slots=True)
class SearchOutcome:
    """The papers the queries found (each once, newest first) and the requests it took."""

    papers: tuple[Paper, ...]
    requests: int
    capped: tuple[int, ...] = ()
    """Queries that had more than `MAX_RESULTS` results; the oldest were not read."""


# --------------------------------------------------------------------------- fetching


def fetch_new_papers(
    queries: Sequence[str],
    categories: Sequence[str],
    since: datetime,
    until: datetime,
    settings: FetchSettings,
    progress: Callable[[int], None] | None = None,
) -> SearchOutcome:
    """Every paper the queries find submitted from ``since`` on; FetchError when one fails."""
    source = Source(settings)
    source.client.page_size = settings.batch_size
    found: dict[str, Paper] = {}
    capped = []
    for index, query in enumerate(queries):
        results = _fetch_query(source, build_query(query, categories, since, until), since,
                               f"query {index + 1}, {query}")
        if len(results) >= MAX_RESULTS:
            capped.append(index)
        for result in results:
            _merge(found, to_paper(result, (index,)))
        if progress is not None:
            progress(1)
    papers = sorted(found.values(), key=lambda p: (p.published, p.id), reverse=True)
    return SearchOutcome(tuple(papers), source.requests, tuple(capped))


def _merge(found: dict[str, Paper], paper: Paper) -> None:
    """Add a paper, or the query that found it again."""
    known = found.get(paper.id)
    if known is None:
        found[paper.id] = paper
    elif paper.queries[0] not in known.queries:
        found[paper.id] = replace(known, queries=known.queries + paper.queries)


def _fetch_query(source: Source, query: str, since: datetime, label: str) -> list[Any]:
    """The results of one query, newest first, down to ``since``; retried as sync retries."""
    import arxiv

    search = arxiv.Search(query=query, max_results=MAX_RESULTS,
                          sort_by=arxiv.SortCriterion.SubmittedDate,
                          sort_order=arxiv.SortOrder.Descending)
    found: list[Any] = []
    attempt = 0
    while (error := _try(source, search, since, found, resumed=attempt > 0)) is not None:
        reason, retry = error
        if not retry or attempt == source.settings.retries:
            tries = f"{attempt + 1} tr{'y' if attempt == 0 else 'ies'}"
            raise FetchError(f"arXiv search failed ({reason}; {tries}) for {label}; "
                             "nothing was recorded")
        source.wait(attempt, reason)
        attempt += 1
    return found


def _try(source: Source, search: Any, since: datetime, found: list[Any],
         resumed: bool) -> tuple[str, bool] | None:
    """One try, from the first result not yet read; why it failed, or None."""
    offset = len(found)
    read, error = source.attempt(lambda: _read(source, search, since, found))
    if error is None and resumed and offset and not read:
        # The failed try was asking for this page because arXiv announced more results.
        return _EMPTY, True
    return error


def _read(source: Source, search: Any, since: datetime, found: list[Any]) -> list[Any]:
    """Read results from where the last try stopped into ``found``; those read this try.

    A result is kept only when its page arrived whole; paging stops at the first result
    submitted before ``since``.
    """
    import arxiv

    read = []
    for result in source.client.results(search, offset=len(found)):
        if source.malformed():
            raise arxiv.ArxivError(source.last_response.url, 0, "cut-off page")
        read.append(result)
        if result.published < since:
            break
        found.append(result)
    return read


def to_paper(result: Any, queries: tuple[int, ...] = ()) -> Paper:
    """The plain value of an ``arxiv.Result``."""
    arxiv_id = parse_arxiv_id(result.get_short_id())
    return Paper(
        id=arxiv_id.id,
        version=arxiv_id.version or 1,
        title=" ".join(result.title.split()),
        abstract=" ".join((result.summary or "").split()),
        authors=tuple(" ".join(a.name.split()) for a in result.authors),
        published=result.published.astimezone(UTC),
        updated=result.updated.astimezone(UTC),
        categories=tuple(result.categories or ()),
        primary_category=result.primary_category or None,
        doi=result.doi or None,
        comment=" ".join(result.comment.split()) if result.comment else None,
        queries=queries,
    )
