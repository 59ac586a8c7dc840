"""Citation keys: every entry linked, every record cited or kept, keys well-formed and unique."""

from __future__ import annotations

from collections.abc import Iterator

from ..keys import is_valid_key, make_key
from ..model import Entry, Finding
from ..records import assign_keys
from ..store import ENTRIES, LIST_FILE
from .catalog import Catalog, Record


def check_links(catalog: Catalog) -> Iterator[Finding]:
    """Entries that cite nothing and hand records that no entry cites and the list keeps not."""
    keys = assign_keys(catalog.repo)
    linked = {record.key for record in catalog.records}
    for entry in catalog.repo.entries:
        finding = _entry_link(catalog, entry, keys.get(entry.path), linked)
        if finding is not None:
            yield finding
    for work in catalog.works:
        if not work.entries and work.hand is not None and work.key not in catalog.repo.keep:
            yield catalog.finding(
                "warning", "unused-record", catalog.records_path, work.hand.line, work.key,
                "no entry cites this record; cite it from an entry or list its key under "
                "'keep' in entries/list.yaml", work.key)


def _entry_link(catalog: Catalog, entry: Entry, key: str | None,
                linked: set[str]) -> Finding | None:
    if key is not None and key in linked:
        return None
    if entry.arxiv and entry.arxiv not in catalog.repo.arxiv:
        return catalog.finding(
            "error", "missing-metadata", entry.path, entry.line_of("arxiv"), key,
            f"no stored metadata for arXiv {entry.arxiv}; run `speechlm-bib sync`", entry.arxiv)
    if key is None:
        return catalog.finding("error", "unlinked-entry", entry.path, 1, None,
                               "the entry has neither a key nor an arXiv id: it cites nothing")
    return catalog.finding(
        "error", "unlinked-entry", entry.path, entry.line_of("key"), key,
        f"no record in entries/records.bib has the key '{key}' and the entry has no arXiv id",
        key)


def check_list_keys(catalog: Catalog) -> Iterator[Finding]:
    """The survey key and the kept keys of list.yaml name records that exist."""
    path = catalog.repo.root / ENTRIES / LIST_FILE
    known = set(catalog.keys)
    survey = catalog.repo.survey
    if survey is not None and survey not in known:
        yield catalog.finding("error", "unknown-key", path, 1, survey,
                              f"the survey key '{survey}' names no record", survey)
    for key, line in sorted(catalog.repo.keep.items()):
        if key not in {w.key for w in catalog.works}:
            yield catalog.finding("warning", "unknown-key", path, line, key,
                                  f"'keep' lists '{key}', which names no record", key)


def check_key_syntax(catalog: Catalog) -> Iterator[Finding]:
    """Keys that BibTeX or biblatex cannot read: spaces, commas, braces, quotes, '#', '%'."""
    path = catalog.repo.root / ENTRIES / LIST_FILE
    located = [(r.key, r.path, r.line) for r in catalog.records]
    located += [(key, path, line) for key, line in catalog.repo.keep.items()]
    for key, where, line in located:
        if not is_valid_key(key):
            yield catalog.finding("error", "invalid-key", where, line, key,
                                  "not a valid citation key (letters, digits and _:.+/- only, "
                                  "starting with a letter or digit)", key)


def check_duplicate_keys(catalog: Catalog) -> Iterator[Finding]:
    """Keys that differ only in case: BibTeX treats them as one and warns, biblatex as two."""
    spellings: dict[str, list[Record]] = {}
    for record in catalog.records:
        spellings.setdefault(record.key.lower(), []).append(record)
    for group in spellings.values():
        for record in group[1:]:
            first = group[0].key
            yield catalog.finding(
                "error", "duplicate-key", record.path, record.line, record.key,
                f"'{record.key}' and '{first}' differ only in case; BibTeX takes them for "
                "one key", f"{first} {record.key}")


def check_key_scheme(catalog: Catalog) -> Iterator[Finding]:
    """Pinned keys that do not follow the Scholar-style scheme (a warning, not an error)."""
    for record in catalog.records:
        expected = expected_key(record)
        if expected is None or _follows(record.key, expected):
            continue
        entry = record.entries[0] if record.entries else None
        path, line = (entry.path, entry.line_of("key")) if entry else (record.path, record.line)
        yield catalog.finding(
            "warning", "key-scheme", path, line, record.key,
            f"the key scheme (first author's family name, year, first title word) gives "
            f"'{expected}'", f"{record.key} {expected}")


def expected_key(record: Record) -> str | None:
    """The key the scheme gives a record: from arXiv's data when it has some."""
    meta = record.work.meta
    if meta is not None:
        return make_key(meta.authors[0] if meta.authors else None, meta.year, meta.title)
    authors, year, title = record.field("author"), record.text("year"), record.text("title")
    if not authors or not title:
        return None
    first = authors.split(" and ")[0]
    return make_key(first, int(year) if year and year.isdigit() else None, title)


def _follows(key: str, expected: str) -> bool:
    """The key is the expected one, or it with a disambiguating suffix a, b, ..."""
    suffix = key[len(expected):]
    return key.startswith(expected) and (not suffix or (suffix.isalpha() and suffix.islower()))
