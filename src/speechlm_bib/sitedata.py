"""The values the reader's site is built from, and the one function that reads them.

``load_site`` is the only place the site reads the repository: it turns entries, keys and the
records of references.bib into plain, frozen values (text without BibTeX markup, each
record's exact BibTeX). Templates, page data, search, the feed and the writing of the files
use these values only.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .model import Entry, Record, Repository, Section

PUBLISHED, PREPRINT, OTHER = "published", "preprint", "other"
KINDS = (PUBLISHED, PREPRINT, OTHER)
ARXIV_VENUE = "arXiv preprint"
_LATEX = re.compile(r"[\\$~%#^_&`'\"]|--")
"""What LaTeX reads as more than a letter: where a value needs decoding, not just unbracing."""
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


def load_site(root: Path) -> Site:
    """The site's values for the repository at root."""
    from .citation import survey_record
    from .export import load_records, render_bibtex
    from .records import assign_keys
    from .repository import load_repository

    repo = load_repository(root)
    records = load_records(repo)
    keys = assign_keys(repo)
    texts = {record.key: render_bibtex([record], header="") for record in records}
    survey = None
    if repo.survey is not None:
        record = survey_record(repo, records)
        survey = SiteSurvey(record.key, _text(record.get("title")) or record.key,
                            paper_url(record), texts[record.key])
    return Site(
        title=survey.title if survey else root.resolve().name,
        sections=tuple(to_site_section(s) for s in _listed(repo)),
        works=to_site_works(repo, keys, {r.key: r for r in records}, texts),
        survey=survey,
        bibliography=render_bibtex(records),
    )


def _listed(repo: Repository) -> tuple[Section, ...]:
    """The sections the list shows as tables (the survey's own has no columns)."""
    return tuple(section for section in repo.sections if section.columns)


def to_site_section(section: Section) -> SiteSection:
    """A section's site value."""
    return SiteSection(section.id, section.heading, section.level, section.group,
                       section.intro, section.extra_columns)


def to_site_works(repo: Repository, keys: Mapping[Path, str], records: Mapping[str, Record],
                  texts: Mapping[str, str]) -> tuple[SiteWork, ...]:
    """Every row of the listed sections, in list order."""
    listed = {section.id for section in _listed(repo)}
    works = []
    for entry in (e for e in repo.entries if e.section in listed):
        key = keys.get(entry.path)
        record = records.get(key) if key else None
        works.append(to_site_work(entry, key, record, texts.get(key) if key else None))
    return tuple(works)


def to_site_work(entry: Entry, key: str | None, record: Record | None,
                 bibtex: str | None) -> SiteWork:
    """One row's site value, from its entry, its key and its record."""
    paper = paper_url(record) if record else None
    link = entry.url if entry.url != paper else None
    return SiteWork(
        id=f"{entry.section}/{entry.path.stem}",
        section=entry.section,
        name=entry.name,
        title=entry.title or _text(record.get("title") if record else None) or entry.name
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
    from bibtexparser.middlewares.names import split_multiple_persons_names

    value = record.get("author") if record else None
    return tuple(_person(name) for name in split_multiple_persons_names(value)) if value else ()


def _person(name: str) -> str:
    """One BibTeX name as it is read: "Given particle Family, Suffix", or a braced name."""
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    if is_one_group(name):
        return _text(name)
    parts = parse_single_name_into_parts(name, strict=False)
    words = [_text(" ".join(part)) for part in (parts.first, parts.von, parts.last)]
    text = " ".join(word for word in words if word)
    suffix = _text(" ".join(parts.jr))
    return f"{text}, {suffix}" if suffix else text


def is_one_group(name: str) -> bool:
    """Whether a name is one brace group (a corporate name BibTeX never splits).

    >>> is_one_group("{OpenAI}"), is_one_group("{A} and {B}"), is_one_group("Oord, A")
    (True, False, False)
    """
    depth = 0
    for index, char in enumerate(name):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and index < len(name) - 1:
            return False
    return name.startswith("{") and depth == 0


def _year(record: Record | None) -> int | None:
    year = (record.get("year") or "").strip() if record else ""
    return int(year) if year.isdigit() else None


@functools.lru_cache(maxsize=1 << 16)
def _text(value: str | None) -> str:
    """A BibTeX value as plain text (names' parts recur in a list: cached)."""
    if not value:
        return ""
    if _LATEX.search(value) is None:  # only protective braces: most titles
        return value.replace("{", "").replace("}", "").strip()
    from .latex import to_text

    return to_text(value).strip()
