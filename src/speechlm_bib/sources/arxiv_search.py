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

The pure helpers (`check_query`, `build_query`, `query_terms`) read the search syntax of the
arXiv API User's Manual: field prefixes, AND/OR/ANDNOT, parentheses, quoted phrases and date
ranges.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from ..errors import FetchError
from ..ids import parse_arxiv_id
from .arxiv import FetchSettings, Source

logger = logging.getLogger(__name__)

MAX_RESULTS = 2000
"""The most results read for one query in one discovery (newest first)."""
FIELDS = ("ti", "au", "abs", "co", "jr", "cat", "rn", "id", "all", "submittedDate",
          "lastUpdatedDate")
"""The field prefixes of arXiv's search syntax."""
OPERATORS = ("AND", "OR", "ANDNOT")
_TEXT_FIELDS = frozenset({"ti", "abs", "all", "co"})
_TOKEN = re.compile(r'"[^"]*"?|\[[^\]]*\]?|[()]|[^\s()"\[\]]+')
_PREFIX = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)
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


# --------------------------------------------------------------------------- the syntax


def _tokens(query: str) -> list[str]:
    """The tokens of a query: phrases, ranges, parentheses, words and ``prefix:``.

    >>> _tokens('ti:"speech codec" AND (cat:cs.CL OR x)')
    ['ti:', '"speech codec"', 'AND', '(', 'cat:cs.CL', 'OR', 'x', ')']
    """
    return _TOKEN.findall(query)


def check_query(query: str) -> str | None:
    """What is wrong with a query in arXiv's search syntax, or None when it reads well.

    >>> check_query('abs:"speech language model" OR ti:(codec OR tokenizer)') is None
    True
    >>> check_query('ti:(codec OR tokenizer')
    'a parenthesis is not closed'
    >>> check_query('speech AND')
    "'AND' needs a term on each side"
    >>> check_query('title:speech')
    "unknown field prefix 'title:' (arXiv's are ti, au, abs, co, jr, cat, rn, id, all, ...)"
    """
    tokens = _tokens(query)
    if not tokens:
        return "is empty"
    return _check_quotes(tokens) or _check_nesting(tokens) or _check_operators(tokens) \
        or _check_prefixes(tokens)


def _check_quotes(tokens: list[str]) -> str | None:
    for token in tokens:
        if token.startswith('"') and (len(token) == 1 or not token.endswith('"')):
            return "a quote is not closed"
        if token.startswith("[") and not token.endswith("]"):
            return "a date range is not closed with ]"
    return None


def _check_nesting(tokens: list[str]) -> str | None:
    depth = 0
    for token in tokens:
        depth += {"(": 1, ")": -1}.get(token, 0)
        if depth < 0:
            return "a parenthesis closes what was not opened"
    return "a parenthesis is not closed" if depth else None


def _check_operators(tokens: list[str]) -> str | None:
    for at, token in enumerate(tokens):
        if token not in OPERATORS:
            continue
        before = tokens[at - 1] if at else "("
        after = tokens[at + 1] if at + 1 < len(tokens) else ")"
        if before in (*OPERATORS, "(") or before.endswith(":") or after in (*OPERATORS, ")"):
            return f"'{token}' needs a term on each side"
    return None


def _check_prefixes(tokens: list[str]) -> str | None:
    for token in tokens:
        match = _PREFIX.match(token)
        if match and match[1] not in FIELDS:
            known = ", ".join(FIELDS[:9])
            return f"unknown field prefix '{match[1]}:' (arXiv's are {known}, ...)"
    return None


def build_query(query: str, categories: Sequence[str], since: datetime,
                until: datetime) -> str:
    """The search_query sent for one discovery query: it, the categories, the date range.

    >>> build_query("ti:codec", ["cs.SD", "eess.AS"], datetime(2025, 6, 1, tzinfo=UTC),
    ...             datetime(2025, 6, 30, 12, 5, tzinfo=UTC)).split(" AND ")
    ['(ti:codec)', '(cat:cs.SD OR cat:eess.AS)', 'submittedDate:[202506010000 TO 202506301205]']
    """
    parts = [f"({query})"]
    if categories:
        parts.append("(" + " OR ".join(f"cat:{c}" for c in categories) + ")")
    parts.append(f"submittedDate:[{_minute(since)} TO {_minute(until)}]")
    return " AND ".join(parts)


def _minute(moment: datetime) -> str:
    """A time as arXiv's date ranges write it: YYYYMMDDTTTT in GMT."""
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M")


def query_terms(queries: Iterable[str]) -> tuple[str, ...]:
    """The words and phrases the queries look for in titles, abstracts and comments.

    Operators, categories, authors and dates are left out; a trailing ``*`` is dropped.

    >>> query_terms(['abs:"speech language model" OR ti:(codec OR token*) ANDNOT au:smith'])
    ('speech language model', 'codec', 'token')
    """
    terms: dict[str, None] = {}
    for query in queries:
        for term in _terms(_tokens(query)):
            terms.setdefault(term.lower(), None)
    return tuple(terms)


def _terms(tokens: list[str]) -> Iterable[str]:
    """The text terms of a token list, tracking the prefix a parenthesised group applies."""
    groups: list[str] = []
    prefix = None
    for part in tokens:
        if part == "(":
            groups.append(prefix or (groups[-1] if groups else "all"))
            prefix = None
        elif part == ")":
            groups = groups[:-1]
        elif part.endswith(":") and _PREFIX.match(part):
            prefix = part[:-1]
        else:
            field, value = _field_value(part, prefix or (groups[-1] if groups else "all"))
            prefix = None
            if field in _TEXT_FIELDS and value not in OPERATORS and not value.startswith("["):
                yield value.strip('"').rstrip("*")


def _field_value(token: str, default: str) -> tuple[str, str]:
    match = _PREFIX.match(token)
    return (match[1], match[2]) if match else (default, token)


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
