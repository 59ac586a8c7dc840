"""What the checks look at: every record as references.bib will hold it, with where it is written.

A record's fields are given as plain text here (LaTeX decoded), so that titles, DOIs and
URLs compare as a reader sees them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from ..latex import to_text
from ..model import Entry, Finding, Repository
from ..records import Work, collect_works, record_fields
from ..store import ENTRIES, RECORDS_FILE


@dataclass(frozen=True, slots=True)
class Record:
    """One record of references.bib: key, type, fields as BibTeX and as text, where it stands."""

    key: str
    type: str
    bibtex: tuple[tuple[str, str], ...]
    work: Work
    path: Path
    line: int

    def field(self, name: str) -> str | None:
        """A field's BibTeX value, or None."""
        return dict(self.bibtex).get(name)

    def text(self, name: str) -> str | None:
        """A field's value as plain text, or None."""
        value = self.field(name)
        return None if value is None else to_text(value) if self.is_bibtex(name) else value

    def is_bibtex(self, name: str) -> bool:
        """Whether the field was written by hand (BibTeX) rather than fetched (plain text)."""
        return self.work.hand is not None and self.work.hand.get(name) is not None

    @property
    def entries(self) -> tuple[Entry, ...]:
        """The entries that cite the record."""
        return self.work.entries


@dataclass(frozen=True, slots=True)
class Catalog:
    """The repository and its records, computed once for all checks."""

    repo: Repository
    works: tuple[Work, ...]
    records: tuple[Record, ...]

    def finding(self, severity: str, code: str, path: Path, line: int, key: str | None,
                message: str, about: str = "") -> Finding:
        """A finding whose path is shown relative to the repository root."""
        return Finding(severity, code, self.relative(path), line, key, message, about)

    def relative(self, path: Path) -> str:
        """A path relative to the repository root when it lies inside it."""
        return _relative(path, self.repo.root)

    @property
    def records_path(self) -> Path:
        """entries/records.bib."""
        return self.repo.root / ENTRIES / RECORDS_FILE

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys of the records in references.bib."""
        return tuple(record.key for record in self.records)


def build_catalog(repo: Repository) -> Catalog:
    """Collect the works of a repository and their records."""
    works = tuple(collect_works(repo))
    records = tuple(_record(work, repo) for work in works if work.linked)
    return Catalog(repo, works, records)


def _record(work: Work, repo: Repository) -> Record:
    entry_type, fields, _ = record_fields(work)
    bibtex = tuple((name, _flat(value)) for name, value in fields.items())
    if work.hand is not None:
        path, line = repo.root / ENTRIES / RECORDS_FILE, work.hand.line
    else:
        entry = work.entries[0]
        path, line = entry.path, entry.line_of("arxiv")
    return Record(work.key, entry_type, bibtex, work, path, line)


def _flat(value: str | tuple[str, ...]) -> str:
    return " and ".join(value) if isinstance(value, tuple) else value


@functools.lru_cache(maxsize=4096)
def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
