"""What every check uses: making a finding, and reading a record's field as it was written."""

from __future__ import annotations

from pathlib import Path

from ..model import Finding, Library, Record


def finding(library: Library, severity: str, code: str, path: Path | None, line: int,
            key: str | None, message: str, about: str = "") -> Finding:
    """A finding whose path is shown relative to the repository root.

    A path of None is a record's that does not say where it is written: entries/records.bib.
    """
    where = library.relative(path if path is not None else library.records_path)
    return Finding(severity, code, where, line, key, message, about)


def written(record: Record, name: str) -> str | None:
    """A field as its source wrote it: fetched plain text, or the hand-maintained BibTeX."""
    plain = record.plain_text(name)
    return plain if plain is not None else record.get(name)
