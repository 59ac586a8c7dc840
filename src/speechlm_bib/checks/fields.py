"""The fields of each record: those its type needs, identifiers, URLs, years, typesetting."""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterator

from ..bibtex.latex import field_text, unencodable
from ..ids import identifier_problems
from ..model import HAND, Finding, HandRecord, Library
from .common import finding, written

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


def check_required_fields(library: Library) -> Iterator[Finding]:
    """Records of an unknown type or without a field their type needs."""
    for record in library.records:
        needs = REQUIRED.get(record.type)
        if needs is None:
            yield finding(library, "warning", "unknown-type", record.path, record.line,
                          record.key, f"@{record.type} is not a BibTeX or biblatex "
                          "type; styles will format it as @misc", record.type)
            continue
        present = {name for name, value in record.fields if value.strip()}
        for choice in needs:
            if not present.intersection(choice):
                names = " or ".join(choice)
                yield finding(
                    library, "error", "missing-field", record.path, record.line, record.key,
                    f"@{record.type} needs {names}", f"{record.type} {names}")


def check_identifiers(library: Library) -> Iterator[Finding]:
    """Malformed arXiv ids, DOIs and URLs of fetched records (hand ones are load problems)."""
    for record in library.records:
        written_fields = {name: written(record, name) or "" for name, _ in record.fields}
        for code, name, message in identifier_problems(written_fields):
            if record.origin(name) != HAND:
                yield finding(library, "error", code, record.path, record.line, record.key,
                              message, written_fields[name])


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


def check_years(library: Library, this_year: int | None = None) -> Iterator[Finding]:
    """Years that are not four digits, or before 1800 or after next year."""
    last = (this_year or datetime.date.today().year) + 1
    for record in library.records:
        year = field_text(record, "year")
        if year is None:
            continue
        if not _YEAR_RE.fullmatch(year.strip()) or not FIRST_YEAR <= int(year) <= last:
            yield finding(
                library, "error", "bad-year", record.path, record.line, record.key,
                f"year '{year}' is not a year from {FIRST_YEAR} to {last}", year)


def check_typesetting(library: Library) -> Iterator[Finding]:
    """Characters in a record that pdflatex cannot typeset (it stops with an error)."""
    for record in library.records:
        for name in _CHECKED_TEXT:
            value = written(record, name)
            bad = unencodable(value) if value else ""
            if bad:
                yield finding(
                    library, "error", "unencodable", record.path, record.line, record.key,
                    f"{name} holds characters pdflatex cannot typeset: {bad}", f"{name} {bad}")
