"""Citation keys: every entry linked, every record cited or kept, keys well-formed and unique."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..bibtex.latex import field_text
from ..keys import is_valid_key, make_key
from ..link import scheme_key
from ..model import Finding, Library, Record, Row
from .common import finding, written

if TYPE_CHECKING:
    from .facts import Facts


def check_links(library: Library) -> Iterator[Finding]:
    """Entries that cite nothing and hand records that no entry cites and the list keeps not."""
    for row in library.rows:
        found = _row_link(library, row)
        if found is not None:
            yield found
    kept = {*library.keep, *library.surveys}
    for record in library.records:
        if not record.entries and record.hand is not None and record.key not in kept:
            yield finding(
                library, "warning", "unused-record", library.records_path, record.hand.line,
                record.key, "no entry cites this record; cite it from an entry or list its key "
                "under 'keep' in entries/list.yaml", record.key)


def _row_link(library: Library, row: Row) -> Finding | None:
    entry, key = row.entry, row.key
    if row.record is not None:
        return None
    if not row.unlinked:
        return _missing(library, row)
    if key is None:
        return finding(library, "error", "unlinked-entry", entry.path, 1, None,
                       "the entry has neither a key nor an arXiv id: it cites nothing")
    return finding(
        library, "error", "unlinked-entry", entry.path, entry.line_of("key"), key,
        f"no record in entries/records.bib has the key '{key}' and the entry has no arXiv id",
        key)


def _missing(library: Library, row: Row) -> Finding:
    """A row linked to an arXiv id or a pinned version whose data is not stored yet."""
    entry, key = row.entry, row.key
    if entry.arxiv:
        return finding(
            library, "error", "missing-metadata", entry.path, entry.line_of("arxiv"), key,
            f"no stored metadata for arXiv {entry.arxiv}; run `speechlm-bib sync`", entry.arxiv)
    pin = entry.published or ""
    return finding(
        library, "error", "missing-metadata", entry.path, entry.line_of("published"), key,
        f"no stored published version {pin}; run `speechlm-bib sync`", pin)


def check_list_keys(library: Library) -> Iterator[Finding]:
    """The survey keys and the kept keys of list.yaml name records that exist."""
    path = library.list_path
    for survey in library.surveys:
        if survey not in library.by_key:
            yield finding(library, "error", "unknown-key", path, 1, survey,
                          f"the survey key '{survey}' names no record", survey)
    for key, line in sorted(library.keep.items()):
        if key not in library.by_key:
            yield finding(library, "warning", "unknown-key", path, line, key,
                          f"'keep' lists '{key}', which names no record", key)


def check_key_syntax(library: Library) -> Iterator[Finding]:
    """Keys that BibTeX or biblatex cannot read: spaces, commas, braces, quotes, '#', '%'."""
    path = library.list_path
    located = [(r.key, r.path, r.line) for r in library.records]
    located += [(key, path, line) for key, line in library.keep.items()]
    for key, where, line in located:
        if not is_valid_key(key):
            yield finding(library, "error", "invalid-key", where, line, key,
                          "not a valid citation key (letters, digits and _:.+/- only, "
                          "starting with a letter or digit)", key)


def check_duplicate_keys(library: Library) -> Iterator[Finding]:
    """Keys that differ only in case: BibTeX treats them as one and warns, biblatex as two."""
    spellings: dict[str, list[Record]] = {}
    for record in library.records:
        spellings.setdefault(record.key.lower(), []).append(record)
    for group in spellings.values():
        for record in group[1:]:
            first = group[0].key
            yield finding(
                library, "error", "duplicate-key", record.path, record.line, record.key,
                f"'{record.key}' and '{first}' differ only in case; BibTeX takes them for "
                "one key", f"{first} {record.key}")


def check_key_scheme(library: Library, facts: Facts) -> Iterator[Finding]:
    """Pinned keys that do not follow the Scholar-style scheme (a warning, not an error)."""
    for record in library.records:
        expected = facts.of(record).scheme
        if expected is None:
            continue
        entry = record.entries[0] if record.entries else None
        path, line = (entry.path, entry.line_of("key")) if entry else (record.path, record.line)
        yield finding(
            library, "warning", "key-scheme", path, line, record.key,
            f"the key scheme (first author's family name, year, first title word) gives "
            f"'{expected}'", f"{record.key} {expected}")


def expected_key(record: Record) -> str | None:
    """The key the scheme gives a record: from arXiv's data when it has some."""
    if record.arxiv is not None:
        return scheme_key(record.arxiv)
    authors, year = written(record, "author"), field_text(record, "year")
    title = field_text(record, "title")
    if not authors or not title:
        return None
    first = authors.split(" and ")[0]
    return make_key(first, int(year) if year and year.isdigit() else None, title)


def scheme_deviation(record: Record) -> str | None:
    """The key the scheme gives a record whose key deviates from it; None if it follows."""
    expected = expected_key(record)
    return None if expected is None or _follows(record.key, expected) else expected


def _follows(key: str, expected: str) -> bool:
    """The key is the expected one, or it with a disambiguating suffix a, b, ..."""
    suffix = key[len(expected):]
    return key.startswith(expected) and (not suffix or (suffix.isalpha() and suffix.islower()))
