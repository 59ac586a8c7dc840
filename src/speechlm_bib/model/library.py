"""The repository as loaded, and linked: every row with its key, every record once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .findings import Problem
from .list import Entry, Section
from .pairs import last_value
from .works import KEEP_PREPRINT, ArxivMetadata, HandRecord, PublishedData, PublishedVersion


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
    digest: str = field(default="", compare=False)
    """The digest of everything the record's content is made from (all but ``entries``,
    ``path`` and ``line``), as linking through the cache computes it; empty for a record
    made otherwise. Its BibTeX text and what the checks read of it are kept under it."""
    # ``fields`` by name: checks and renderers look fields up many times.
    _values: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_values", dict(self.fields))

    def get(self, name: str) -> str | None:
        """The BibTeX value of a field, or None."""
        return self._values.get(name)

    def origin(self, name: str) -> str | None:
        """Where a field came from: ``ARXIV``, ``PUBLISHED``, ``HAND``, or None if absent."""
        return last_value(self.origins, name)

    def plain_text(self, name: str) -> str | None:
        """A field as plain text, for a field that was plain text before encoding; or None."""
        return last_value(self.plain, name)

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

    @property
    def unlinked(self) -> bool:
        """Whether the row is linked to nothing: no record, no arXiv id, no pinned version.

        What ``check`` reports as ``unlinked-entry`` (a key, if any, names no hand record),
        and the rows ``sync`` searches DBLP for by their title.
        """
        pinned = self.entry.published not in (None, KEEP_PREPRINT)
        return self.record is None and not self.entry.arxiv and not pinned


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
        return _relative(path, self.root)


def _relative(path: Path, root: Path) -> str:
    if path.is_absolute() and root.is_absolute() and ".." not in path.parts:
        try:  # the repository's own files sit under its root as given: no file system asked
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
