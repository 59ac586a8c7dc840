"""Plain values that flow through speechlm-bib: sections, entries, arXiv metadata, findings.

The model imports nothing of the package: everything else builds on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a section's table: its heading and where its cell comes from.

    ``source`` is ``name``, ``title``, ``link`` (rendered as a link to the entry's url)
    or ``key``; any other value names a key of the entry's ``columns`` mapping.
    ``linked`` makes the cell a link to the entry's url (the datasets table links names).
    """

    heading: str
    source: str
    linked: bool = False


@dataclass(frozen=True, slots=True)
class Section:
    """A table of the list: an id (its folder under entries/), a heading and its columns."""

    id: str
    heading: str
    columns: tuple[Column, ...]
    level: int = 2
    group: str | None = None
    intro: str | None = None

    @property
    def extra_columns(self) -> tuple[str, ...]:
        """The headings of the columns whose cells come from an entry's own ``columns``."""
        builtin = {"name", "title", "link", "key"}
        return tuple(c.source for c in self.columns if c.source not in builtin)


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """A maintainer's decision that a finding is not a problem, with the reason."""

    code: str
    reason: str
    about: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of the list, as its YAML file under entries/ states it."""

    path: Path
    section: str
    name: str | None = None
    title: str | None = None
    url: str | None = None
    arxiv: str | None = None
    key: str | None = None
    columns: tuple[tuple[str, str], ...] = ()
    acknowledge: tuple[Acknowledgement, ...] = ()
    lines: tuple[tuple[str, int], ...] = ()
    added: str | None = None
    """The date the row was added to the list, YYYY-MM-DD."""

    def line_of(self, name: str) -> int:
        """The line of a top-level field in the entry's file (1 when unknown)."""
        return dict(self.lines).get(name, 1)

    def column(self, heading: str) -> str | None:
        """The value of one of the entry's section columns, or None."""
        return dict(self.columns).get(heading)


@dataclass(frozen=True, slots=True)
class ArxivMetadata:
    """What arXiv says of one work, as sync stored it (no timestamps of the sync itself)."""

    id: str
    version: int
    title: str
    authors: tuple[str, ...]
    published: str
    updated: str
    primary_category: str | None = None
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None

    @property
    def year(self) -> int:
        """The year of the first version."""
        return int(self.published[:4])


@dataclass(frozen=True, slots=True)
class HandRecord:
    """A hand-maintained BibTeX record from entries/records.bib (fields as written)."""

    key: str
    type: str
    fields: tuple[tuple[str, str], ...]
    line: int

    def get(self, name: str) -> str | None:
        """The raw value of a field, or None."""
        return dict(self.fields).get(name.lower())


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem in the data, reported with the others rather than raised."""

    severity: str
    code: str
    path: str
    line: int
    key: str | None
    message: str
    about: str = ""
    """The data the finding is about; an acknowledgement names its fingerprint."""


@dataclass(frozen=True, slots=True)
class Repository:
    """Everything loaded from one repository."""

    root: Path
    sections: tuple[Section, ...]
    entries: tuple[Entry, ...]
    arxiv: Mapping[str, ArxivMetadata] = field(default_factory=dict)
    hand: Mapping[str, HandRecord] = field(default_factory=dict)
    terms: tuple[str, ...] = ()
    survey: str | None = None
    keep: Mapping[str, int] = field(default_factory=dict)
    """Keys of records kept although no entry cites them, with their line in list.yaml."""

    def section(self, section_id: str) -> Section:
        """The section with this id."""
        return next(s for s in self.sections if s.id == section_id)


@dataclass(frozen=True, slots=True)
class Record:
    """One record of the bibliography as references.bib holds it (values are BibTeX).

    ``sections`` are the sections of the entries that cite it, in list order.
    """

    key: str
    type: str
    fields: tuple[tuple[str, str], ...]
    sections: tuple[str, ...] = ()

    def get(self, name: str) -> str | None:
        """The value of a field, or None."""
        return dict(self.fields).get(name)
