"""Published versions: versions entries pin that are not stored, hand records that repeat them.

A hand record laid over fetched fields is a correction; one whose every field equals what
arXiv, DBLP and Crossref give (and whose entry type is the fetched one) corrects nothing:
``repeated-record`` asks the maintainers to delete it, so that a later fix in the databases
reaches the record.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..bibtex.latex import to_text
from ..model import KEEP_PREPRINT, Finding, Library, Record
from .common import finding


def check_pinned_versions(library: Library) -> Iterator[Finding]:
    """Rows whose entry pins a version that the record does not take (not stored yet)."""
    for row in library.rows:
        pin, record = row.entry.published, row.record
        if pin is None or pin == KEEP_PREPRINT or record is None:
            continue
        if record.version is None or record.version.id != pin:
            yield finding(library, "error", "missing-metadata", row.entry.path,
                          row.entry.line_of("published"), row.key,
                          f"no stored published version {pin}; run `speechlm-bib sync`", pin)


def check_repeated_records(library: Library) -> Iterator[Finding]:
    """Hand records whose type and every field equal what is fetched for the work."""
    for record in library.records:
        if record.hand is not None and record.fetched and repeats(record):
            names = ", ".join(name for name, _ in record.hand.fields)
            yield finding(
                library, "warning", "repeated-record", library.records_path, record.hand.line,
                record.key, f"every field ({names}) and the type repeat what is fetched for "
                "this work: delete the record", f"{record.key} {names}")


def repeats(record: Record) -> bool:
    """Whether a record's hand fields and type all equal the fetched ones (as plain text)."""
    hand, fetched = record.hand, dict(record.fetched)
    if hand is None or fetched.get("type") != hand.type:
        return False
    return all(fetched.get(name) == _text(value) for name, value in hand.fields)


def _text(value: str) -> str:
    """A hand value as the plain text it shows.

    >>> _text(r"{SALMon}:  A Suite")
    'SALMon: A Suite'
    """
    return " ".join(to_text(value).split())
