"""The fields of each record: those its type needs, identifiers, URLs, years, typesetting."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

from ..bibtex.latex import field_text, unencodable
from ..ids import is_doi, is_web_url, parse_arxiv_id
from ..model import Finding, Library, Record
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
    """Malformed arXiv ids, DOIs and URLs in records."""
    for record in library.records:
        yield from _identifier_findings(library, record)


def _identifier_findings(library: Library, record: Record) -> Iterator[Finding]:
    eprint, doi, url = written(record, "eprint"), written(record, "doi"), written(record, "url")
    prefix = (written(record, "archiveprefix") or written(record, "eprinttype") or "arXiv").lower()
    if eprint is not None and prefix == "arxiv" and not _is_arxiv_id(eprint):
        yield finding(library, "error", "bad-arxiv-id", record.path, record.line, record.key,
                      f"eprint '{eprint}' is not an arXiv id", eprint)
    if doi is not None and not is_doi(doi):
        hint = " (give the bare DOI, 10.xxxx/...)" if "10." in doi else ""
        yield finding(library, "error", "bad-doi", record.path, record.line, record.key,
                      f"'{doi}' is not a DOI{hint}", doi)
    if url is not None and not is_web_url(url):
        yield finding(library, "error", "bad-url", record.path, record.line, record.key,
                      f"'{url}' is not an http(s) URL", url)


def _is_arxiv_id(text: str) -> bool:
    try:
        return str(parse_arxiv_id(text)) == text.strip()
    except ValueError:
        return False


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
