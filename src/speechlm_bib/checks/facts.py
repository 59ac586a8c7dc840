"""What the checks read of each record and each link, made once and kept in the cache.

A record's own problems, the key its scheme gives it, the arXiv ids, DOIs, title and link it
names; a link's arXiv id and version, DOI, tracking parameters and scheme: every check that
reads them takes them from here. They depend on the record's content alone
(``Record.digest``) or on the link's text, never on where either is written, so that after
an edit the cache gives every record and link but the edited ones what it gave before; the
checks then only compare records with each other and locate what they find.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..bibtex.latex import field_text
from ..ids import arxiv_id_of_url, clean_url, tracking_parameters
from ..memo import Memo, from_plain, recall, through
from ..model import Library, Record
from .common import written
from .duplicates import arxiv_ids, dois, normalise_title
from .fields import Problem, record_problems
from .keys import scheme_deviation
from .rows import doi_of_url, same_link
from .similarity import similar_pairs, similar_pairs_since


@dataclass(frozen=True, slots=True)
class RecordFacts:
    """What the checks read of one record, from its content alone."""

    problems: tuple[Problem, ...]
    """The problems of its own fields (``fields.record_problems``)."""
    scheme: str | None
    """The key the scheme gives it when its own key deviates from it."""
    arxiv_ids: tuple[str, ...]
    """Every arXiv id it names, sorted."""
    dois: tuple[str, ...]
    """Every DOI it names, lowercased and sorted."""
    title: str
    """Its title normalised (``duplicates.normalise_title``); empty without one."""
    link: str | None
    """Its url reduced as ``rows.same_link`` does; None without one."""


@dataclass(frozen=True, slots=True)
class LinkFacts:
    """What the checks read of one link, a row's or a hand record's."""

    arxiv: str | None
    """The arXiv id it points to, or None."""
    version: int | None
    """The arXiv version it pins, or None."""
    doi: str | None
    """The DOI it names (``rows.doi_of_url``), or None."""
    tracking: tuple[str, ...]
    """Its tracking parameters."""
    clean: str
    """It without its tracking parameters."""
    http: bool
    """Whether it uses plain http."""
    same: str
    """It reduced so that links to one page compare equal (``rows.same_link``)."""


@dataclass(frozen=True, slots=True)
class Facts:
    """The facts of a library's records, by key, and of its links, by link."""

    records: Mapping[str, RecordFacts]
    links: Mapping[str, LinkFacts]
    similar: frozenset[tuple[str, str]]
    """The pairs of keys whose titles are nearly the same (``similarity.similar_pairs``)."""

    def of(self, record: Record) -> RecordFacts:
        """The facts of one of the library's records."""
        return self.records[record.key]

    def link(self, url: str) -> LinkFacts:
        """The facts of one of the library's links (a row's or a hand record's)."""
        return self.links[url]


def library_facts(library: Library, records: Memo | None = None, links: Memo | None = None,
                  similar: Memo | None = None, this_year: int | None = None) -> Facts:
    """The facts of every record and link, and the similar titles: kept in the memos if given.

    A record linked without a digest (no cache) has its facts made every time; a link's are
    kept under the link itself; the similar titles with the titles they were found among.
    """
    year = this_year or datetime.date.today().year
    made = {r.key: _record_facts(r, year, records) for r in library.records}
    titles = {key: facts.title for key, facts in made.items()}
    return Facts(
        records=made, links={url: _link_facts(url, links) for url in _links(library)},
        similar=frozenset(similar_pairs(titles) if similar is None else _similar(titles, similar)),
    )


def _links(library: Library) -> Iterator[str]:
    """The links the checks read: every row's, and every hand record's."""
    for row in library.rows:
        if row.entry.url is not None:
            yield row.entry.url
    for record in library.records:
        url = written(record, "url") if record.hand is not None else None
        if url is not None:
            yield url


def _record_facts(record: Record, year: int, memo: Memo | None) -> RecordFacts:
    if memo is None or not record.digest:
        return _made(record, year)
    return through(memo, f"{record.digest} {year}",
                   lambda plain: from_plain(RecordFacts, plain), lambda: _made(record, year))


def _link_facts(url: str, memo: Memo | None) -> LinkFacts:
    if memo is None:
        return _link_made(url)
    return through(memo, url, lambda plain: from_plain(LinkFacts, plain),
                   lambda: _link_made(url))


def _similar(titles: dict[str, str], memo: Memo) -> set[tuple[str, str]]:
    """The similar titles, from those found last time (``similarity.similar_pairs_since``)."""
    kept = recall(memo, LAST, _titles_and_pairs)
    if kept is not None and kept[0] == titles:
        return kept[1]
    found = similar_pairs(titles) if kept is None else similar_pairs_since(titles, *kept)
    memo.put(LAST, (tuple(titles.items()), tuple(sorted(found))))
    return found


LAST = "last"
"""The key of the titles and similar pairs the last check found (the only ones kept)."""


def _titles_and_pairs(plain: Any) -> tuple[dict[str, str], set[tuple[str, str]]]:
    titles, pairs = plain
    return dict(titles), {(first, second) for first, second in pairs}


def _made(record: Record, year: int) -> RecordFacts:
    url = record.get("url")
    return RecordFacts(
        problems=tuple(record_problems(record, year)), scheme=scheme_deviation(record),
        arxiv_ids=tuple(sorted(arxiv_ids(record))), dois=tuple(sorted(dois(record))),
        title=normalise_title(field_text(record, "title") or ""),
        link=same_link(url) if url else None,
    )


def _link_made(url: str) -> LinkFacts:
    arxiv = arxiv_id_of_url(url)
    tracking = tuple(tracking_parameters(url))
    return LinkFacts(
        arxiv=None if arxiv is None else arxiv.id,
        version=None if arxiv is None else arxiv.version,
        doi=doi_of_url(url), tracking=tracking, clean=clean_url(url) if tracking else url,
        http=urlsplit(url).scheme == "http", same=same_link(url),
    )
