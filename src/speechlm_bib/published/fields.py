"""The fields a stored published version gives a work, computed offline from what was fetched.

Over an arXiv preprint a version gives its venue (``to_fields``): DBLP's record BibTeX, with
Crossref's metadata laid over it when the version has a DOI (the publisher's container title,
pages, volume, issue and publisher); ``lay_over`` puts them on the preprint's fields, keeping
its eprint, archiveprefix and primaryclass. A work that is not on arXiv takes the version's
whole record: authors and title as well, from DBLP's record or, for a DOI pinned by hand,
from Crossref's metadata.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from ..bibtex.latex import escape, to_text
from ..ids import is_doi, is_web_url
from ..keys import make_key
from ..model import PUBLISHED, CrossrefWork, DblpRecord, PublishedVersion

V = TypeVar("V")
Value = str | tuple[str, ...]

PREPRINT_VENUE = ("journal", "booktitle", "howpublished")
"""Fields of a preprint record that say where it appeared: replaced by the version's."""
VENUE_FIELDS = {"article": "journal", "inproceedings": "booktitle", "incollection": "booktitle",
                "phdthesis": "school", "mastersthesis": "school", "techreport": "institution",
                "misc": "howpublished"}
"""The field that names where a work of each entry type appeared."""
CROSSREF_TYPES = {"journal-article": "article", "proceedings-article": "inproceedings",
                  "book-chapter": "incollection", "book-part": "incollection",
                  "book-section": "incollection", "book": "book", "monograph": "book",
                  "edited-book": "book", "reference-book": "book", "dissertation": "phdthesis",
                  "report": "techreport"}
"""BibTeX entry types of Crossref's work types (anything else is @misc)."""
_DASHES = re.compile(r"\s*(?:-+|\u2013|\u2014)\s*")


@dataclass(frozen=True, slots=True)
class VersionFields:
    """The fields a record takes from its published version (values are BibTeX)."""

    type: str
    fields: tuple[tuple[str, str], ...]

    def get(self, name: str) -> str | None:
        """The BibTeX value of a field, or None."""
        return dict(self.fields).get(name)


@dataclass(frozen=True, slots=True)
class WorkFields:
    """A work's entry type and fields, where each came from, and which are still plain text."""

    type: str
    fields: dict[str, Value]
    origins: dict[str, str]
    plain: frozenset[str]
    """The fields that are plain text (the normalisation stack encodes them)."""

    def as_version(self) -> VersionFields:
        """The fields as a version's, to lay over a preprint's."""
        return VersionFields(self.type, tuple((n, _flat(v)) for n, v in self.fields.items()))


def work_fields(version: PublishedVersion, whole: bool = True) -> WorkFields:
    """The fields a version gives: its venue, and with ``whole`` its authors and title too."""
    venue = to_fields(version.record, version.work)
    fields: dict[str, Value] = dict(venue.fields)
    plain: set[str] = set()
    if whole:
        people, title = _people_and_title(version.record, version.work)
        fields = {**people, "title": title, **fields} if title else {**people, **fields}
        plain = {"title", *(name for name, value in people.items() if isinstance(value, tuple))}
        url = _url(version.record)
        if url and "doi" not in fields:
            fields["url"] = url
    return WorkFields(venue.type, fields, dict.fromkeys(fields, PUBLISHED),
                      frozenset(name for name in plain if name in fields))


def _people_and_title(record: DblpRecord | None,
                      work: CrossrefWork | None) -> tuple[dict[str, Value], str]:
    """Authors (plain names from DBLP, BibTeX from Crossref) and the plain title."""
    if record is not None:
        names = dblp_names(record.get("author") or "")
        title = " ".join(to_text(record.get("title") or "").split())
        return ({"author": names} if names else {}), title
    if work is not None:
        bibtex = " and ".join(crossref_name(n, f) for n, f in zip(work.authors, work.families,
                                                                    strict=True))
        return ({"author": bibtex} if bibtex else {}), work.title
    return {}, ""


def dblp_names(value: str) -> tuple[str, ...]:
    r"""The people of a DBLP author field as plain names, homonym suffixes dropped.

    >>> dblp_names(r"Alexandre D{\'{e}}fossez and Wei Li 0001")
    ('Alexandre Défossez', 'Wei Li')
    """
    # Loaded with the first DBLP record read, not with every command (the DBLP client
    # brings in HTTP).
    from bibtexparser.middlewares.names import split_multiple_persons_names

    from ..sources.dblp import strip_homonym

    people = split_multiple_persons_names(" ".join(value.split())) if value.strip() else []
    return tuple(strip_homonym(" ".join(to_text(person).split())) for person in people)


def crossref_name(name: str, family: str) -> str:
    r"""A Crossref author in BibTeX's "Family, Given" form (an organisation braced whole).

    >>> crossref_name("Luc Van Gool", "Van Gool"), crossref_name("OpenAI", "OpenAI")
    ('Van Gool, Luc', '{OpenAI}')
    """
    given = name[: len(name) - len(family)].strip() if name.endswith(family) else ""
    if not given:
        return "{" + escape(family) + "}"
    return f"{escape(family)}, {escape(given)}"


def _url(record: DblpRecord | None) -> str | None:
    """DBLP's link to the publisher's page, when it is not the DOI's."""
    url = record.get("url") if record is not None else None
    if url is None or not is_web_url(url) or "doi.org/" in url:
        return None
    return url


def version_key(version: PublishedVersion) -> str:
    """The key the scheme gives a work known only by its published version.

    >>> from speechlm_bib.model import CrossrefWork, PublishedVersion
    >>> work = CrossrefWork("10.1109/ICASSP.2015.7178964", "proceedings-article",
    ...     "Librispeech: An ASR corpus based on public domain audio books", None,
    ...     ("Vassil Panayotov",), ("Panayotov",), 2015)
    >>> version_key(PublishedVersion("doi:10.1109/icassp.2015.7178964", work=work))
    'panayotov2015librispeech'
    """
    people, title = _people_and_title(version.record, version.work)
    authors = people.get("author", ())
    first = authors[0] if isinstance(authors, tuple) and authors else _first_bibtex(authors)
    year = dict(to_fields(version.record, version.work).fields).get("year", "")
    return make_key(first, int(year) if year.isdigit() else None, title)


def _first_bibtex(names: Value) -> str | None:
    """The first person of a BibTeX name list ("Family, Given and ...")."""
    from bibtexparser.middlewares.names import split_multiple_persons_names  # as above

    people = split_multiple_persons_names(str(names)) if names else []
    return to_text(people[0]) if people else None


def _flat(value: Value) -> str:
    return " and ".join(value) if isinstance(value, tuple) else value


def to_fields(record: DblpRecord | None, work: CrossrefWork | None = None) -> VersionFields:
    """The fields of a confirmed version: DBLP's record, the publisher's metadata over it.

    Without a DBLP record (a version pinned by its DOI) Crossref's metadata is all there is.
    """
    entry_type = record.type if record is not None else crossref_type(work)
    venue = VENUE_FIELDS.get(entry_type, "")
    values: dict[str, str | None] = {}
    if record is not None:
        values = {name: _text(record.get(name)) for name in
                  (venue, "year", "pages", "volume", "number", "publisher", "doi") if name}
        values["doi"] = _doi(record)
    if work is not None:
        values.update(_crossref_values(venue, work))
        values.setdefault("year", str(work.year) if work.year else None)
    if not is_doi(values.get("doi") or ""):
        values["doi"] = None  # a malformed DOI from a database is left out, not copied
    return VersionFields(entry_type, tuple(_bibtex(n, v) for n, v in values.items() if v))


def crossref_type(work: CrossrefWork | None) -> str:
    """The BibTeX entry type of a Crossref work.

    >>> crossref_type(None)
    'misc'
    """
    return CROSSREF_TYPES.get(work.type, "misc") if work is not None else "misc"


def _crossref_values(venue: str, work: CrossrefWork) -> dict[str, str | None]:
    """The values Crossref has for a version: what it has wins over DBLP's."""
    found = {venue: work.container_title, "pages": work.page, "volume": work.volume,
             "number": work.issue, "publisher": work.publisher, "doi": work.doi}
    return {name: value for name, value in found.items() if value and name}


def _doi(record: DblpRecord) -> str | None:
    """DBLP's DOI in the case of its doi.org link (the field itself is upper-case)."""
    doi = record.get("doi")
    url = record.get("url") or ""
    if doi and url.lower().endswith("doi.org/" + doi.lower()):
        return url[len(url) - len(doi):]
    return doi


def _text(value: str | None) -> str | None:
    return " ".join(to_text(value).split()) if value else None


def _bibtex(name: str, value: str) -> tuple[str, str]:
    """A plain value as BibTeX: page ranges with --, DOIs and numbers as they are."""
    if name == "pages":
        return name, page_range(value)
    if name in {"doi", "year", "volume", "number"}:
        return name, value
    return name, escape(value)


def page_range(pages: str) -> str:
    """Pages as BibTeX writes a range.

    >>> page_range("13943-13970"), page_range("1336\u20131354"), page_range("1--5")
    ('13943--13970', '1336--1354', '1--5')
    """
    return _DASHES.sub("--", pages.strip())


def lay_over(preprint: Mapping[str, V], version: VersionFields) -> dict[str, V | str]:
    """A preprint's fields with its published version's laid over them.

    Where it appeared is replaced (the "arXiv preprint" journal goes); eprint,
    archiveprefix, primaryclass and everything else the version does not set are kept.
    """
    fields: dict[str, V | str] = {k: v for k, v in preprint.items() if k not in PREPRINT_VENUE}
    fields.update(version.fields)
    return fields
