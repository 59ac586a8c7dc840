"""What an import of a README did: the tables taken, the repairs made, the notes."""

from __future__ import annotations

from dataclasses import dataclass


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
