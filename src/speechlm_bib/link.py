"""Linking: the loaded repository turned into the library every command reads.

A work is what a citation key stands for: one arXiv paper or one hand-maintained record,
cited by one or more entries. Keys are assigned here and nowhere else: pinned in an entry,
else the key of another entry for the same arXiv paper, else a new Scholar-style key. A
hand-maintained record whose key is the one an arXiv entry gets is that work's published
version: the key is the link, and the hand fields win field by field.

Each work becomes one ``Record``: its fields normalised into BibTeX by the middlewares of
``bibtex.middlewares``, where each field came from, and the entries citing it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bibtexparser.library import Library as BibtexLibrary
from bibtexparser.middlewares.middleware import BlockMiddleware
from bibtexparser.model import Entry as BibtexEntry
from bibtexparser.model import Field

from .bibtex.middlewares import PLAIN, TERMS, default_stack
from .errors import InputError
from .ids import arxiv_url
from .keys import free_key, make_key, unique_key
from .model import (
    ARXIV,
    HAND,
    ArxivMetadata,
    Entry,
    HandRecord,
    Library,
    Record,
    Repository,
    Row,
)
from .store import ENTRIES, LIST_FILE, RECORDS_FILE

logger = logging.getLogger(__name__)

Value = str | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Work:
    """One citable work before normalisation: its key, the entries citing it and its data."""

    key: str
    entries: tuple[Entry, ...]
    arxiv_id: str | None = None
    meta: ArxivMetadata | None = None
    hand: HandRecord | None = None


def link(repo: Repository, stack: Sequence[BlockMiddleware] | None = None) -> Library:
    """The library of a repository: keys assigned once, one normalised record per work."""
    keys = assign_keys(repo)
    works = _works(repo, keys)
    records = _records(works, repo, default_stack() if stack is None else stack)
    by_key = {record.key: record for record in records}
    rows = tuple(Row(entry, keys.get(entry.path), by_key.get(keys.get(entry.path, "")))
                 for entry in repo.entries)
    return Library(
        root=repo.root, sections=repo.sections, rows=rows, records=records, arxiv=repo.arxiv,
        surveys=repo.surveys, keep=repo.keep, problems=repo.problems,
        citation=repo.citation,
        list_path=repo.root / ENTRIES / LIST_FILE,
        records_path=repo.root / ENTRIES / RECORDS_FILE, by_key=by_key,
    )


def survey_record(library: Library) -> Record:
    """The survey's record; ``InputError`` when list.yaml names none or it has no record."""
    return survey_records(library)[0]


def survey_records(library: Library) -> tuple[Record, ...]:
    """The records list.yaml's ``survey`` names, in order (``InputError`` as above)."""
    if not library.surveys:
        raise InputError("no 'survey' key: name the survey's citation key", library.list_path)
    records = []
    for key in library.surveys:
        record = library.record(key)
        if record is None:
            raise InputError(f"the survey's key '{key}' has no record "
                             "(run sync, or add it to entries/records.bib)", library.list_path)
        records.append(record)
    return tuple(records)


def assign_keys(repo: Repository) -> dict[Path, str]:
    """The key of every entry that has or can get one, by entry path."""
    keys = {e.path: e.key for e in repo.entries if e.key}
    by_arxiv = {e.arxiv: e.key for e in repo.entries if e.key and e.arxiv}
    used = {key.lower() for key in keys.values()}
    for entry in repo.entries:
        if entry.key or not entry.arxiv:
            continue
        meta = repo.arxiv.get(entry.arxiv)
        key = by_arxiv.get(entry.arxiv) or (free_key(scheme_key(meta), used) if meta else None)
        if key is not None:
            keys[entry.path] = by_arxiv[entry.arxiv] = key
            used.add(key.lower())
    return keys


def scheme_key(meta: ArxivMetadata) -> str:
    """The key the scheme gives an arXiv work: first author, year of v1, first title word."""
    return make_key(meta.authors[0] if meta.authors else None, meta.year, meta.title)


def new_key(meta: ArxivMetadata, taken: Iterable[str]) -> str:
    """A new key for an arXiv work, unique among the ``taken`` keys."""
    return unique_key(scheme_key(meta), taken)


def _works(repo: Repository, keys: Mapping[Path, str]) -> list[_Work]:
    """The works the entries cite, in order of first citation, then uncited hand records."""
    grouped: dict[str, list[Entry]] = {}
    for entry in repo.entries:
        if entry.path in keys:
            grouped.setdefault(keys[entry.path], []).append(entry)
    works = [_work(key, tuple(entries), repo) for key, entries in grouped.items()]
    works += [_Work(key, (), hand=hand) for key, hand in repo.hand.items() if key not in grouped]
    return works


def _work(key: str, entries: tuple[Entry, ...], repo: Repository) -> _Work:
    ids = sorted({e.arxiv for e in entries if e.arxiv})
    if len(ids) > 1:
        first = next(e for e in entries if e.arxiv == ids[0])
        clash = next(e for e in entries if e.arxiv == ids[1])
        raise InputError(
            f"key '{key}' is also given to arXiv {ids[0]} (in {_name(first)}); one key "
            "cannot cite two works", clash.path, clash.line_of("key"),
        )
    arxiv_id = ids[0] if ids else None
    meta = repo.arxiv.get(arxiv_id) if arxiv_id else None
    if arxiv_id and meta is None:
        logger.info("%s: arXiv %s has no stored metadata; run sync", key, arxiv_id)
    return _Work(key, entries, arxiv_id, meta, repo.hand.get(key))


def _name(entry: Entry) -> str:
    return f"{entry.path.parent.name}/{entry.path.name}"


def _records(works: Iterable[_Work], repo: Repository,
             stack: Sequence[BlockMiddleware]) -> tuple[Record, ...]:
    """The normalised record of every work that has data, in the works' order."""
    linked = [w for w in works if w.meta is not None or w.hand is not None]
    library = BibtexLibrary([_to_entry(work, repo.terms) for work in linked])
    for middleware in stack:
        library = middleware.transform(library)
    return tuple(_record(work, entry, repo)
                 for work, entry in zip(linked, library.entries, strict=True))


def _to_entry(work: _Work, terms: Sequence[str]) -> BibtexEntry:
    """The bibtexparser entry of a work, its fetched fields still plain text."""
    entry_type, fields, origins = record_fields(work.meta, work.hand)
    entry = BibtexEntry(entry_type, work.key, [Field(n, v) for n, v in fields.items()])
    names = tuple(e.name for e in work.entries if e.name and len(e.name.split()) <= 3)
    entry.parser_metadata[PLAIN] = {name for name, origin in origins.items() if origin == ARXIV}
    entry.parser_metadata[TERMS] = (*terms, *names)
    return entry


def _record(work: _Work, entry: BibtexEntry, repo: Repository) -> Record:
    _, fields, origins = record_fields(work.meta, work.hand)
    plain = tuple((name, _flat(value)) for name, value in fields.items()
                  if origins[name] == ARXIV)
    if work.hand is not None:
        path, line = repo.root / ENTRIES / RECORDS_FILE, work.hand.line
    else:
        path, line = work.entries[0].path, work.entries[0].line_of("arxiv")
    return Record(
        key=work.key, type=entry.entry_type,
        fields=tuple((f.key, str(f.value)) for f in entry.fields), entries=work.entries,
        origins=tuple((f.key, origins[f.key]) for f in entry.fields), plain=plain,
        arxiv_id=work.arxiv_id, arxiv=work.meta, hand=work.hand, path=path, line=line,
    )


def _flat(value: Value) -> str:
    return " and ".join(value) if isinstance(value, tuple) else value


def record_fields(meta: ArxivMetadata | None,
                  hand: HandRecord | None) -> tuple[str, dict[str, Value], dict[str, str]]:
    """A work's record type, its fields (fetched ones still plain text) and their origins."""
    fields: dict[str, Value] = arxiv_fields(meta) if meta is not None else {}
    entry_type = "article" if meta is not None else "misc"
    origins = dict.fromkeys(fields, ARXIV)
    if hand is not None:
        if hand.type != "article" and "journal" in fields and hand.get("journal") is None:
            del fields["journal"], origins["journal"]
        fields.update(hand.fields)
        origins.update(dict.fromkeys((name for name, _ in hand.fields), HAND))
        entry_type = hand.type
    return entry_type, fields, origins


def arxiv_fields(meta: ArxivMetadata) -> dict[str, Value]:
    """The fields of an arXiv preprint, rendered "arXiv preprint arXiv:ID" by any style."""
    fields: dict[str, Value] = {
        "author": meta.authors,
        "title": meta.title,
        "journal": f"arXiv preprint arXiv:{meta.id}",
        "year": str(meta.year),
        "eprint": meta.id,
        "archiveprefix": "arXiv",
        "url": arxiv_url(meta.id),
    }
    if meta.primary_category:
        fields["primaryclass"] = meta.primary_category
    if meta.doi:
        fields["doi"] = meta.doi
    return fields
