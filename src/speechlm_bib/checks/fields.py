"""The fields of each record: those its type needs, identifiers, URLs, years, typesetting."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..bibtex.latex import field_text, unencodable
from ..ids import identifier_problems
from ..model import HAND, Finding, HandRecord, Library, Record
from .common import finding, written

if TYPE_CHECKING:
    from .facts import Facts

Problem = tuple[str, str, str, str]
"""A problem of a record's own: its severity, code, message and what it is about."""

# Each requirement is a tuple of fields any one of which satisfies it. BibTeX's standard
# styles (btxdoc) and biblatex's data model are merged: biblatex's aliases (journaltitle,
# date, location, institution for school) count for BibTeX's names and the other way round.
_AUTHOR = ("author", "editor")
_YEAR = ("year", "date")
_JOURNAL = ("journal", "journaltitle")
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "article": (("author",), ("title",), _JOURNAL, _YEAR),
    "book": (_AUTHOR, ("title",), ("publisher",), _YEAR),
    "booklet": (("title",),),
    "inbook": (_AUTHOR, ("title",), ("chapter", "pages"), ("publisher",), _YEAR),
    "incollection": (("author",), ("title",), ("booktitle",), ("publisher",), _YEAR),
    "inproceedings": (("author",), ("title",), ("booktitle",), _YEAR),
    "conference": (("author",), ("title",), ("booktitle",), _YEAR),
    "manual": (("title",),),
    "mastersthesis": (("author",), ("title",), ("school", "institution"), _YEAR),
    "phdthesis": (("author",), ("title",), ("school", "institution"), _YEAR),
    "thesis": (("author",), ("title",), ("type",), ("institution", "school"), _YEAR),
    "misc": (_AUTHOR, ("title",), _YEAR),
    "online": (_AUTHOR, ("title",), _YEAR, ("url",)),
    "proceedings": (("title",), _YEAR),
    "techreport": (("author",), ("title",), ("institution",), _YEAR),
    "report": (("author",), ("title",), ("type",), ("institution",), _YEAR),
    "unpublished": (("author",), ("title",), ("note",)),
    "dataset": (_AUTHOR, ("title",), _YEAR),
    "software": (_AUTHOR, ("title",), _YEAR),
}
"""The fields each record type needs, by BibTeX's and biblatex's data models."""
KNOWN_FIELDS = frozenset({
    # BibTeX's standard styles (btxdoc)
    "address", "annote", "author", "booktitle", "chapter", "crossref", "edition", "editor",
    "howpublished", "institution", "journal", "key", "month", "note", "number",
    "organization", "pages", "publisher", "school", "series", "title", "type", "volume",
    "year",
    # fields styles and tools commonly read (natbib, arXiv, DOIs, publishers, DBLP)
    "abstract", "archiveprefix", "primaryclass", "eprint", "doi", "url", "urldate", "isbn",
    "issn", "keywords", "language", "issue", "numpages", "articleno", "eid", "acmid",
    "biburl", "bibsource", "timestamp", "copyright", "file",
    # biblatex's data model
    "date", "journaltitle", "location", "subtitle", "titleaddon", "shorttitle", "maintitle",
    "mainsubtitle", "booksubtitle", "booktitleaddon", "eventtitle", "eventdate", "venue",
    "eprinttype", "eprintclass", "addendum", "pubstate", "version", "translator",
    "origdate", "origlanguage", "part", "pagetotal", "sortkey", "shortauthor", "options",
    "entrysubtype", "ids", "related", "relatedtype", "langid", "hyphenation", "usera",
})
"""Every field a BibTeX or biblatex style, or a tool people use beside them, reads."""
FIRST_YEAR = 1800
_YEAR_RE = re.compile(r"\d{4}")
_CHECKED_TEXT = ("author", "editor", "title", "booktitle", "journal", "publisher", "note",
                 "howpublished", "institution", "organization", "school", "address", "series")


def record_problems(record: Record, this_year: int) -> Iterator[Problem]:
    """What a record's own fields get wrong, each found where the record is written.

    Its type and the fields the type needs, malformed identifiers of fetched fields, its
    year, characters pdflatex cannot typeset: made from the record's content alone, so that
    they are kept with what else the checks read of it (``facts``).
    """
    yield from _required_fields(record)
    yield from _identifiers(record)
    yield from _year(record, this_year)
    yield from _typesetting(record)


def check_records(library: Library, facts: Facts) -> Iterator[Finding]:
    """The problems of every record's own fields (``record_problems``), as findings."""
    for record in library.records:
        for severity, code, message, about in facts.of(record).problems:
            yield finding(library, severity, code, record.path, record.line, record.key,
                          message, about)


def _required_fields(record: Record) -> Iterator[Problem]:
    """An unknown type, or a field the type needs missing."""
    needs = REQUIRED.get(record.type)
    if needs is None:
        yield ("warning", "unknown-type", f"@{record.type} is not a BibTeX or biblatex "
               "type; styles will format it as @misc", record.type)
        return
    present = {name for name, value in record.fields if value.strip()}
    for choice in needs:
        if not present.intersection(choice):
            names = " or ".join(choice)
            yield ("error", "missing-field", f"@{record.type} needs {names}",
                   f"{record.type} {names}")


def _identifiers(record: Record) -> Iterator[Problem]:
    """Malformed arXiv ids, DOIs and URLs of fetched fields (hand ones are load problems)."""
    written_fields = {name: written(record, name) or "" for name, _ in record.fields}
    for code, name, message in identifier_problems(written_fields):
        if record.origin(name) != HAND:
            yield "error", code, message, written_fields[name]


def _year(record: Record, this_year: int) -> Iterator[Problem]:
    """A year that is not four digits, or before 1800 or after next year."""
    last = this_year + 1
    year = field_text(record, "year")
    if year is None:
        return
    if not _YEAR_RE.fullmatch(year.strip()) or not FIRST_YEAR <= int(year) <= last:
        yield ("error", "bad-year", f"year '{year}' is not a year from {FIRST_YEAR} to {last}",
               year)


def _typesetting(record: Record) -> Iterator[Problem]:
    """Characters that pdflatex cannot typeset (it stops with an error)."""
    for name in _CHECKED_TEXT:
        value = written(record, name)
        bad = unencodable(value) if value else ""
        if bad:
            yield ("error", "unencodable",
                   f"{name} holds characters pdflatex cannot typeset: {bad}", f"{name} {bad}")


def check_field_names(library: Library) -> Iterator[Finding]:
    """Fields of hand records that no BibTeX or biblatex style reads: most are misspelt."""
    for record in library.records:
        if record.hand is not None:
            yield from _unknown_fields(library, record.hand)


def _unknown_fields(library: Library, hand: HandRecord) -> Iterator[Finding]:
    for name in (name for name, _ in hand.fields if name not in KNOWN_FIELDS):
        close = difflib.get_close_matches(name, sorted(KNOWN_FIELDS), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        yield finding(library, "warning", "unknown-field", library.records_path,
                      hand.line_of(name), hand.key, f"no style reads the field '{name}'{hint}",
                      name)
