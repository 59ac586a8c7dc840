"""The values the reader's site is built from, and the one function that makes them.

``to_site`` turns the linked library (rows, keys, the records of references.bib) into
plain, frozen values: text without BibTeX markup, each record's exact BibTeX. Templates,
page data, search and the feed use these values only.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..bibtex.latex import field_text, to_text
from ..bibtex.writer import SEPARATOR, record_texts
from ..link import survey_record
from ..memo import Memo
from ..model import Library, Record, Row, Section
from .exports import HEADER
from .styles import parse_names, person_text

FEED_FILE = "feed.xml"
BIB_FILE = "references.bib"
"""The site's feed and bibliography, which its page links to."""
PUBLISHED, PREPRINT, OTHER = "published", "preprint", "other"
KINDS = (PUBLISHED, PREPRINT, OTHER)
ARXIV_VENUE = "arXiv preprint"
_PUBLISHED_TYPES = {"book", "incollection", "inbook", "phdthesis", "mastersthesis",
                    "techreport"}


@dataclass(frozen=True, slots=True)
class SiteWork:
    """One row of the list as readers see it: plain text, links and its exact record."""

    id: str
    """A name unique on the page: the section and the entry's file name, ``models/120-moshi``.

    (The slash keeps it apart from every other name on the page.)"""
    section: str
    name: str | None
    title: str
    paper_url: str | None
    link: str | None
    """The row's own link (a dataset's page, a project's PDF) when it is not the paper's."""
    authors: tuple[str, ...]
    venue: str
    """Where the work was published, "arXiv preprint", or how it was made public."""
    kind: str
    """``published``, ``preprint`` or ``other`` (web pages, repositories, submissions)."""
    year: int | None
    key: str | None
    bibtex: str | None
    """The record exactly as references.bib holds it."""
    columns: tuple[tuple[str, str], ...]
    """The section's own columns (a dataset's Hours ...) that the row fills."""
    added: str | None


@dataclass(frozen=True, slots=True)
class SiteSection:
    """A section of the list: its id, heading, level, group, intro and its own columns."""

    id: str
    heading: str
    level: int
    group: str | None
    intro: str | None
    columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SiteSurvey:
    """The survey the list accompanies: its key, title, link and the block ``cite`` prints."""

    key: str
    title: str
    url: str | None
    bibtex: str


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the site shows, in list order."""

    title: str
    sections: tuple[SiteSection, ...]
    works: tuple[SiteWork, ...]
    survey: SiteSurvey | None
    bibliography: str
    """Every record, as ``speechlm-bib export`` writes them."""


def to_site(library: Library, title: str, memo: Memo | None = None) -> Site:
    """The site's values for a library (``title`` when the list names no survey).

    With a memo, each record's BibTeX written before is taken from it (``write_bibtex``).
    """
    texts, bibliography = _bibtex(library, memo)
    survey = None
    if library.survey is not None:
        record = survey_record(library)
        survey = SiteSurvey(record.key, field_text(record, "title") or record.key,
                            paper_url(record), texts[record.key])
    listed = tuple(section for section in library.sections if section.columns)
    return Site(
        title=survey.title if survey else title,
        sections=tuple(to_site_section(s) for s in listed),
        works=tuple(to_site_work(row, texts.get(row.key or "")) for row in library.rows
                    if row.entry.section in {s.id for s in listed}),
        survey=survey,
        bibliography=bibliography,
    )


def _bibtex(library: Library, memo: Memo | None) -> tuple[dict[str, str], str]:
    """Each record's BibTeX by key, and the whole bibliography: each record written once."""
    records = library.in_key_order
    written = record_texts(records, memo)
    if written is None:  # linking gives every record a key of its own
        raise ValueError("two records share a key")
    texts = dict(zip((r.key for r in records), written, strict=True))
    return texts, HEADER + SEPARATOR.join(written)


def to_site_section(section: Section) -> SiteSection:
    """A section's site value."""
    return SiteSection(section.id, section.heading, section.level, section.group,
                       section.intro, section.extra_columns)


def to_site_work(row: Row, bibtex: str | None) -> SiteWork:
    """One row's site value, from its entry, its key and its record."""
    entry, key, record = row.entry, row.key, row.record
    paper = paper_url(record) if record else None
    link = entry.url if entry.url != paper else None
    return SiteWork(
        id=f"{entry.section}/{entry.path.stem}",
        section=entry.section,
        name=entry.name,
        title=entry.title or (field_text(record, "title") if record else None) or entry.name
        or key or entry.path.stem,
        paper_url=paper or entry.url,
        link=link if paper else None,
        authors=_authors(record),
        venue=venue(record),
        kind=kind(record),
        year=_year(record),
        key=key,
        bibtex=bibtex,
        columns=entry.columns,
        added=entry.added,
    )


def paper_url(record: Record) -> str | None:
    """Where to read the work: its URL, else its DOI."""
    doi = record.get("doi")
    return record.get("url") or (f"https://doi.org/{doi}" if doi else None)


def kind(record: Record | None) -> str:
    """Whether a record is a published work, an arXiv preprint or something else."""
    if record is None:
        return OTHER
    if _published_venue(record) or record.type in _PUBLISHED_TYPES:
        return PUBLISHED
    return PREPRINT if record.get("eprint") or record.get("journal") else OTHER


def venue(record: Record | None) -> str:
    """The venue readers are shown: the published one, "arXiv preprint", or how it appeared."""
    if record is None:
        return ""
    published = _published_venue(record)
    if published or record.type in _PUBLISHED_TYPES:
        fallback = record.get("publisher") or record.get("school") or record.get("institution")
        return _text(published or fallback)
    if kind(record) == PREPRINT:
        return ARXIV_VENUE
    return _text(record.get("howpublished") or record.get("publisher")
                 or record.get("organization"))


def _published_venue(record: Record) -> str | None:
    journal = record.get("journal")
    if journal and not journal.startswith("arXiv preprint"):
        return journal
    return record.get("booktitle")


def _authors(record: Record | None) -> tuple[str, ...]:
    value = record.get("author") if record else None
    return tuple(person_text(name) for name in parse_names(value)) if value else ()


def _year(record: Record | None) -> int | None:
    year = (record.get("year") or "").strip() if record else ""
    return int(year) if year.isdigit() else None


def _text(value: str | None) -> str:
    """A BibTeX value as plain text."""
    return to_text(value).strip() if value else ""
