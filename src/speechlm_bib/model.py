"""Plain values that flow through speechlm-bib: sections, entries, arXiv metadata, findings.

The model imports nothing of the package: everything else builds on it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a section's table: its heading and where its cell comes from.

    ``source`` is ``name``, ``title``, ``date``, ``venue``, ``link`` (rendered as a link to
    the entry's url, followed by its other ``links``) or ``key``; any other value names a key
    of the entry's ``columns`` mapping. ``linked`` makes the cell a link to the entry's url
    (the datasets table links names). ``label`` is the text of the url's link in a ``link``
    column (default "Link"), ``separator`` what stands between the links of that cell
    (default ", "), ``align`` the column's alignment (left, center, right) and ``missing``
    what an empty cell shows (default "-").
    """

    heading: str
    source: str
    linked: bool = False
    label: str | None = None
    separator: str | None = None
    align: str | None = None
    missing: str | None = None


@dataclass(frozen=True, slots=True)
class Section:
    """A table of the list: an id (its folder under entries/), a heading and its columns.

    ``markdown`` says that its entries' values are Markdown, shown in the table as written
    (an imported list); otherwise they are plain text, escaped.
    """

    id: str
    heading: str
    columns: tuple[Column, ...]
    level: int = 2
    group: str | None = None
    intro: str | None = None
    markdown: bool = False

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
    """One row of the list, as its YAML file under entries/ states it.

    ``name``, ``title``, ``date``, ``venue`` and ``columns`` are plain text. In a Markdown
    section ``shown`` keeps the Markdown each of them was written in, by column source;
    ``label`` is the text of its url's link when it is not the column's, ``links`` the row's
    other links (Markdown links) after it, and ``cells`` the cells shown exactly as written,
    by column source.
    """

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
    date: str | None = None
    venue: str | None = None
    links: tuple[str, ...] = ()
    cells: tuple[tuple[str, str], ...] = ()
    shown: tuple[tuple[str, str], ...] = ()
    label: str | None = None
    published: str | None = None
    """The maintainers' decision on the published version: ``KEEP_PREPRINT``, or the id of
    a version (``doi:10...``, ``dblp:KEY``) to take; None lets sync decide."""

    def line_of(self, name: str) -> int:
        """The line of a top-level field in the entry's file (1 when unknown)."""
        return dict(self.lines).get(name, 1)

    def column(self, heading: str) -> str | None:
        """The value of one of the entry's section columns, or None."""
        return dict(self.columns).get(heading)

    def value(self, source: str) -> str | None:
        """The plain text of a column source: name, title, date, venue or an own column."""
        builtin = {"name": self.name, "title": self.title, "date": self.date,
                   "venue": self.venue}
        return builtin[source] if source in builtin else self.column(source)

    def markdown(self, source: str) -> str | None:
        """The Markdown a column source was written in (Markdown sections), or None."""
        return dict(self.shown).get(source)

    def cell(self, heading: str) -> str | None:
        """The cell of a column as written in the entry's ``cells``, or None."""
        return dict(self.cells).get(heading)


@dataclass(frozen=True, slots=True)
class Version:
    """One committed version of a file: the author date of its commit and its text."""

    day: date
    text: str


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


KEEP_PREPRINT = "false"
"""An entry's ``published: false``: cite the preprint, never ask for a published version."""


@dataclass(frozen=True, slots=True)
class DblpRecord:
    """A record's BibTeX from DBLP's ``rec/<key>.bib``: entry type and fields (BibTeX values)."""

    key: str
    type: str
    fields: tuple[tuple[str, str], ...]
    text: str = ""
    """The BibTeX as DBLP gave it, kept as fetched."""

    def get(self, name: str) -> str | None:
        """The BibTeX value of a field, or None."""
        return dict(self.fields).get(name)


@dataclass(frozen=True, slots=True)
class CrossrefWork:
    """What Crossref holds for one DOI (text plain Unicode, tags and entities resolved)."""

    doi: str
    type: str
    title: str
    container_title: str | None
    authors: tuple[str, ...]
    """Names as "Given Family", or an organisation's name."""
    families: tuple[str, ...]
    """Each author's family name (an organisation's whole name)."""
    year: int | None
    volume: str | None = None
    issue: str | None = None
    page: str | None = None
    publisher: str | None = None
    arxiv_id: str | None = None
    """The arXiv id of the preprint Crossref relates to the work, if any."""


@dataclass(frozen=True, slots=True)
class PublishedVersion:
    """A published version as the databases gave it: DBLP's record, Crossref's metadata.

    ``id`` is ``dblp:KEY`` for a version found in DBLP, ``doi:DOI`` (lower case) for one
    pinned by its DOI. Either part may be missing: a DBLP record without a DOI has no
    Crossref metadata, a DOI pinned by hand no DBLP record.
    """

    id: str
    record: DblpRecord | None = None
    work: CrossrefWork | None = None


CONFIRMED, CANDIDATES, NONE = "confirmed", "candidates", "none"


@dataclass(frozen=True, slots=True)
class ListedCandidate:
    """A possible published version listed for the maintainers, with what keeps it out."""

    version: str
    """The version's id (``dblp:KEY``, ``doi:DOI``), as ``published:`` pins it."""
    venue: str
    year: int | None
    title: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VersionDecision:
    """What sync decided about an arXiv work's published version."""

    kind: str
    """``CONFIRMED``, ``CANDIDATES`` (listed, none chosen) or ``NONE``."""
    version: str | None = None
    """The confirmed version's id."""
    candidates: tuple[ListedCandidate, ...] = ()


@dataclass(frozen=True, slots=True)
class PublishedData:
    """data/published.json: the decision for each arXiv work and the versions fetched."""

    decisions: Mapping[str, VersionDecision] = field(default_factory=dict)
    versions: Mapping[str, PublishedVersion] = field(default_factory=dict)

    def version_of(self, entry: Entry) -> PublishedVersion | None:
        """The published version an entry's work takes: pinned, else confirmed, else None."""
        if entry.published == KEEP_PREPRINT:
            return None
        if entry.published is not None:
            return self.versions.get(entry.published)
        decision = self.decisions.get(entry.arxiv or "")
        if decision is None or decision.version is None:
            return None
        return self.versions.get(decision.version)


@dataclass(frozen=True, slots=True)
class HandRecord:
    """A hand-maintained BibTeX record from entries/records.bib (fields as written)."""

    key: str
    type: str
    fields: tuple[tuple[str, str], ...]
    line: int
    lines: tuple[tuple[str, int], ...] = ()
    """The line each field starts on."""
    text: str = ""
    """The record as written, from its '@' to its closing brace."""

    def get(self, name: str) -> str | None:
        """The raw value of a field, or None."""
        return dict(self.fields).get(name.lower())

    def line_of(self, name: str) -> int:
        """The line a field starts on (the record's first line when unknown)."""
        return dict(self.lines).get(name.lower(), self.line)


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

    @property
    def fingerprint(self) -> str:
        """A short hash of what the finding is about: its code, key and data.

        >>> Finding("warning", "key-scheme", "x.yaml", 1, "a2020b", "...", "a2020b c").fingerprint
        '0ca1bcc5cf'
        """
        text = "\0".join((self.code, self.key or "", self.about))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


@dataclass(frozen=True, slots=True)
class Repository:
    """Everything loaded from one repository, as its files state it.

    ``problems`` holds the entry files that could not be read, one error each: ``check``
    reports them all, commands that write stop at the first.
    """

    root: Path
    sections: tuple[Section, ...]
    entries: tuple[Entry, ...]
    arxiv: Mapping[str, ArxivMetadata] = field(default_factory=dict)
    hand: Mapping[str, HandRecord] = field(default_factory=dict)
    terms: tuple[str, ...] = ()
    surveys: tuple[str, ...] = ()
    keep: Mapping[str, int] = field(default_factory=dict)
    """Keys of records kept although no entry cites them, with their line in list.yaml."""
    problems: tuple[Problem, ...] = ()
    published: PublishedData = field(default_factory=PublishedData)
    citation: str = "generated"
    """How the README's citation block shows the survey records: ``CITATION_STYLES``."""

    @property
    def survey(self) -> str | None:
        """The survey's own key (the first of ``surveys``), or None."""
        return self.surveys[0] if self.surveys else None


@dataclass(frozen=True, slots=True)
class Problem:
    """Input that cannot be used as it is, with the finding code of what is wrong.

    An entry file that cannot be read, or a malformed identifier in a hand record.
    """

    code: str
    path: Path
    line: int | None
    message: str
    column: int | None = None
    key: str | None = None
    about: str = ""


GENERATED, AS_WRITTEN = "generated", "as-written"
CITATION_STYLES = (GENERATED, AS_WRITTEN)
"""The README's citation block: records as references.bib writes them (after a note saying
so), or hand records as entries/records.bib writes them."""

ARXIV, PUBLISHED, HAND = "arxiv", "published", "hand"
"""Where a record's field came from: fetched from arXiv, taken from the published version
DBLP and Crossref give, or written in entries/records.bib."""


@dataclass(frozen=True, slots=True)
class Record:
    """One work as references.bib holds it, and what it was made from.

    ``fields`` are BibTeX values after normalisation, in the order they are written;
    ``origins`` says where each field came from (``ARXIV``, ``PUBLISHED`` or ``HAND``) and
    ``plain`` keeps the fields that were plain text before encoding as that text
    (``bibtex.latex.field_text`` reads a field as text either way). ``path`` and ``line``
    say where the record is written: its hand record, else the entry that links it.
    """

    key: str
    type: str
    fields: tuple[tuple[str, str], ...]
    entries: tuple[Entry, ...] = ()
    origins: tuple[tuple[str, str], ...] = ()
    plain: tuple[tuple[str, str], ...] = ()
    arxiv_id: str | None = None
    arxiv: ArxivMetadata | None = None
    hand: HandRecord | None = None
    path: Path | None = None
    line: int = 1
    version: PublishedVersion | None = None
    """The published version the record takes its venue from (its whole record, off arXiv)."""
    fetched: tuple[tuple[str, str], ...] = ()
    """For a record with a hand record: the fetched fields the hand ones were laid over, as
    plain text, and ``type`` with the fetched entry type."""

    def get(self, name: str) -> str | None:
        """The BibTeX value of a field, or None."""
        return dict(self.fields).get(name)

    def origin(self, name: str) -> str | None:
        """Where a field came from: ``ARXIV``, ``PUBLISHED``, ``HAND``, or None if absent."""
        return dict(self.origins).get(name)

    @property
    def sections(self) -> tuple[str, ...]:
        """The sections of the entries that cite the record, in list order."""
        return tuple(dict.fromkeys(entry.section for entry in self.entries))


@dataclass(frozen=True, slots=True)
class Row:
    """One entry of the list with the key it cites and that key's record (None if unlinked)."""

    entry: Entry
    key: str | None
    record: Record | None


@dataclass(frozen=True, slots=True)
class Library:
    """The repository linked: every row with its key, every record once.

    The one value renderers and checks read. ``records`` are in list order (the order in
    which rows first cite them, then the hand records no row cites); ``in_key_order`` is
    the order of references.bib. ``arxiv`` is the stored metadata (a row whose
    arXiv id has none is unlinked until sync); ``root`` only shows paths relative to it.
    """

    root: Path
    sections: tuple[Section, ...]
    rows: tuple[Row, ...]
    records: tuple[Record, ...]
    arxiv: Mapping[str, ArxivMetadata] = field(default_factory=dict)
    surveys: tuple[str, ...] = ()
    keep: Mapping[str, int] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    list_path: Path = Path("entries/list.yaml")
    records_path: Path = Path("entries/records.bib")
    by_key: Mapping[str, Record] = field(default_factory=dict)
    citation: str = "generated"

    @property
    def survey(self) -> str | None:
        """The survey's own key (the first of ``surveys``), or None."""
        return self.surveys[0] if self.surveys else None

    @property
    def in_key_order(self) -> tuple[Record, ...]:
        """The records sorted by key, case-insensitively first, as references.bib lists them."""
        return tuple(sorted(self.records, key=lambda r: (r.key.lower(), r.key)))

    def record(self, key: str | None) -> Record | None:
        """The record with this key, or None."""
        return None if key is None else self.by_key.get(key)

    def section_rows(self, section_id: str) -> tuple[Row, ...]:
        """The rows of one section, in list order."""
        return tuple(row for row in self.rows if row.entry.section == section_id)

    def relative(self, path: Path) -> str:
        """A path as shown to people: relative to the repository root when inside it."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)


@dataclass(frozen=True, slots=True)
class Repair:
    """A change import made to what a README showed, reported with its line and row.

    ``kind`` is one of version-pin, tracking-parameter, https, mojibake, whitespace,
    extra-cells and citation (docs/adopting.md says what each means); ``row`` is the 1-based
    row of the table (None for its header and delimiter rows and for the citation block).
    """

    kind: str
    line: int
    section: str | None
    row: int | None
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class ImportedTable:
    """A table of an imported README: the section it became, or why it was left untouched."""

    line: int
    heading: str
    rows: int
    section: str | None = None
    roles: tuple[tuple[str, str], ...] = ()
    """Each column's heading and the role import gave it (``name``, ``title``, ...)."""
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class ImportNote:
    """Something import left as it was or could not take over, with its line."""

    line: int
    message: str
    section: str | None = None
    row: int | None = None


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import found, repaired and left alone; ``written`` is empty until it writes."""

    source: str
    tables: tuple[ImportedTable, ...] = ()
    repairs: tuple[Repair, ...] = ()
    unlinked: tuple[ImportNote, ...] = ()
    """Rows left without a paper link (they cite nothing until a key or record is given)."""
    records: tuple[tuple[str, int], ...] = ()
    """Keys of the BibTeX records taken from fenced blocks, with their line."""
    notes: tuple[ImportNote, ...] = ()
    marked: int = 0
    """Tables found under speechlm-bib markers already (a list taken over before)."""
    entries: int = 0
    written: tuple[str, ...] = ()
    dry_run: bool = False

    @property
    def nothing_to_import(self) -> bool:
        """Whether every table with links is under markers already (or none has links)."""
        return not any(table.section for table in self.tables)
