"""What the checks read of each record, link and row, made once and kept in the cache.

A record's own problems, the key its scheme gives it, the arXiv ids, DOIs, title and link it
names; a link's arXiv id and version, DOI, tracking parameters and scheme; what a row gets
wrong about the record it cites, and the words of its name: every check that reads them
takes them from here. They depend on the record's content alone (``Record.digest``), on the
link's text, on the row's cells and its record, never on where any is written, so that
after an edit the cache gives everything but the edited ones what it gave before; the
checks then only compare records with each other and locate what they find. The titles
that are nearly the same are kept too, with the titles they were found among.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from ..bibtex.latex import field_text
from ..ids import arxiv_id_of_url, clean_url, tracking_parameters
from ..memo import Memo, from_plain, recall, through
from ..model import Entry, Library, Record
from .common import written
from .duplicates import arxiv_ids, dois, normalise_title
from .fields import Problem, record_problems
from .identity import name_words, title_words
from .keys import scheme_deviation
from .rows import RowProblem, doi_of_url, row_problems, same_link
from .similarity import similar_pairs, similar_pairs_since


class RecordFacts(NamedTuple):
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
    words: tuple[str, ...]
    """The words of its title that can tell one work from another (``identity``), sorted."""
    link: str | None
    """Its url reduced as ``rows.same_link`` does; None without one."""


class LinkFacts(NamedTuple):
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


class RowFacts(NamedTuple):
    """What the checks read of one row that cites a record, from its cells and the record."""

    problems: tuple[RowProblem, ...]
    """What its link, name or shown title gets wrong (``rows.row_problems``)."""
    name_words: tuple[str, ...]
    """The words of its name that can tell one work from another (``identity``)."""


@dataclass(frozen=True, slots=True)
class Facts:
    """The facts of a library's records, by key, of its links, by link, and of its rows."""

    records: Mapping[str, RecordFacts]
    links: Mapping[str, LinkFacts]
    rows: Mapping[Path, RowFacts]
    """The facts of the rows that cite a record, by entry file."""
    similar: frozenset[tuple[str, str]]
    """The pairs of keys whose titles are nearly the same (``similarity.similar_pairs``)."""

    def of(self, record: Record) -> RecordFacts:
        """The facts of one of the library's records."""
        return self.records[record.key]

    def link(self, url: str) -> LinkFacts:
        """The facts of one of the library's links (a row's or a hand record's)."""
        return self.links[url]

    def row(self, entry: Entry) -> RowFacts:
        """The facts of one of the library's rows that cite a record."""
        return self.rows[entry.path]


@dataclass(frozen=True, slots=True)
class Memos:
    """Where the facts are kept: the cache's sections for records, links, rows and titles."""

    records: Memo
    links: Memo
    rows: Memo
    similar: Memo


def library_facts(library: Library, memos: Memos | None = None,
                  this_year: int | None = None) -> Facts:
    """The facts of every record, link and row, and the similar titles: kept when memos given.

    A record's facts are kept under its digest (made every time without one: no cache), a
    link's under the link, a row's under its cells and its record's digest, the similar
    titles with the titles they were found among.
    """
    year = this_year or datetime.date.today().year
    kept = (None, None, None) if memos is None else (memos.records, memos.links, memos.rows)
    made = {r.key: _record_facts(r, year, kept[0]) for r in library.records}
    links = {url: _link_facts(url, kept[1]) for url in _links(library)}
    rows = {row.entry.path: _row_facts(row.entry, row.record, made, links, kept[2])
            for row in library.rows if row.record is not None}
    titles = {key: facts.title for key, facts in made.items()}
    similar = similar_pairs(titles) if memos is None else _similar(titles, memos.similar)
    return Facts(made, links, rows, frozenset(similar))


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
    kept = memo if record.digest else None
    return through(kept, f"{record.digest} {year}", _kept_record, lambda: _made(record, year))


def _link_facts(url: str, memo: Memo | None) -> LinkFacts:
    return through(memo, url, _kept_link, lambda: _link_made(url))


def _row_facts(entry: Entry, record: Record, made: Mapping[str, RecordFacts],
               links: Mapping[str, LinkFacts], memo: Memo | None) -> RowFacts:
    def make() -> RowFacts:
        link = links[entry.url] if entry.url is not None else None
        return RowFacts(tuple(row_problems(entry, record, made[record.key], link)),
                        tuple(sorted(name_words(entry.name or ""))))

    kept = memo if record.digest else None
    return through(kept, repr((record.digest, entry.url, entry.title, entry.name)),
                   _kept_row, make)


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
    if not all(_texts(item, 2) for item in (*titles, *pairs)):
        raise ValueError("not titles and pairs")
    return dict(titles), {(first, second) for first, second in pairs}


# Kept facts read back: a value of another shape raises ValueError (``recall`` drops it).

def _kept_record(plain: Any) -> RecordFacts:
    made = from_plain(RecordFacts, plain)
    if not (all(_texts(problem, 4) for problem in made.problems) and _texts(made.arxiv_ids)
            and _texts(made.dois) and type(made.title) is str and _texts(made.words)
            and _text_or_none(made.scheme) and _text_or_none(made.link)):
        raise ValueError("not a record's facts")
    return made


def _kept_link(plain: Any) -> LinkFacts:
    made = from_plain(LinkFacts, plain)
    if not (_texts((made.clean, made.same)) and _texts(made.tracking)
            and _text_or_none(made.arxiv) and _text_or_none(made.doi)
            and type(made.http) is bool and (made.version is None or type(made.version) is int)):
        raise ValueError("not a link's facts")
    return made


def _kept_row(plain: Any) -> RowFacts:
    made = from_plain(RowFacts, plain)
    if not (all(_texts(problem, 5) for problem in made.problems)
            and _texts(made.name_words)):
        raise ValueError("not a row's facts")
    return made


def _text_or_none(value: Any) -> bool:
    return value is None or type(value) is str


def _texts(value: Any, size: int | None = None) -> bool:
    """Whether a value is a tuple of strings (of ``size`` of them, when given)."""
    if type(value) is not tuple or (size is not None and len(value) != size):
        return False
    try:
        "".join(value)  # refuses anything but strings, at once
    except TypeError:
        return False
    return True


def _made(record: Record, year: int) -> RecordFacts:
    url = record.get("url")
    title = normalise_title(field_text(record, "title") or "")
    return RecordFacts(
        problems=tuple(record_problems(record, year)), scheme=scheme_deviation(record),
        arxiv_ids=tuple(sorted(arxiv_ids(record))), dois=tuple(sorted(dois(record))),
        title=title, words=tuple(sorted(title_words(title))),
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
