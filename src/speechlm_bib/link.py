"""Linking: the loaded repository turned into the library every command reads.

A work is what a citation key stands for: one arXiv paper, one published version fetched
from DBLP and Crossref, or one hand-maintained record, cited by one or more entries. Keys are
assigned here and nowhere else: pinned in an entry, else the key of another entry for the
same arXiv paper, else a new Scholar-style key. An arXiv work's record takes the venue of
its published version when sync stored one (or the entry pins one): entry type, venue, year,
pages, volume, publisher and DOI, keeping its eprint fields. A hand-maintained record whose
key is the work's is laid over the fetched fields: the hand fields win field by field.

Each work becomes one ``Record``: its fields normalised into BibTeX by the middlewares of
``bibtex.middlewares``, where each field came from, and the entries citing it. Given a memo
(a section of the cache), a work normalised before from the same data is not normalised
again: its normalised fields are found under the digest of that data.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .bibtex.latex import to_text
from .bibtex.names import bibtex_name
from .errors import InputError
from .ids import arxiv_url
from .keys import free_key, make_key, unique_key
from .memo import Memo, digest, from_plain, recall
from .model import (
    ARXIV,
    HAND,
    PUBLISHED,
    ArxivMetadata,
    Entry,
    HandRecord,
    Library,
    PublishedVersion,
    Record,
    Repository,
    Row,
)
from .published.fields import WorkFields, lay_over, version_key, work_fields
from .store import ENTRIES, LIST_FILE, RECORDS_FILE

if TYPE_CHECKING:
    from bibtexparser.middlewares.middleware import BlockMiddleware
    from bibtexparser.model import Entry as BibtexEntry

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
    version: PublishedVersion | None = None

    @property
    def has_data(self) -> bool:
        """Whether anything gives the work a record: arXiv, a published version, a hand record."""
        return self.meta is not None or self.hand is not None or (
            self.version is not None and self.arxiv_id is None)


class _Normalised(NamedTuple):
    """What normalising a work gives its record: type, fields and where they came from."""

    type: str
    fields: tuple[tuple[str, str], ...]
    origins: tuple[tuple[str, str], ...]
    plain: tuple[tuple[str, str], ...]
    fetched: tuple[tuple[str, str], ...]


def link(repo: Repository, stack: Sequence[BlockMiddleware] | None = None,
         memo: Memo | None = None, sources: tuple[Memo, str] | None = None) -> Library:
    """The library of a repository: keys assigned once, one normalised record per work.

    A memo keeps what the default stack gave each work (a custom stack is not memoised), under
    the digest of what the work's record is made from. ``sources`` (a memo, and the digest of
    the files the repository was read from, as read) keeps those digests too, in order, so
    that linking the same files again does not compute them.
    """
    keys = assign_keys(repo)
    works = _works(repo, keys)
    records = _records(works, repo, stack, memo if stack is None else None, sources)
    by_key = {record.key: record for record in records}
    cited = ((entry, keys.get(entry.path)) for entry in repo.entries)
    rows = tuple(Row(entry, key, by_key.get(key or "")) for entry, key in cited)
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
        if entry.key or not (entry.arxiv or entry.published):
            continue
        key = by_arxiv.get(entry.arxiv or entry.published or "") or _new_key(entry, repo, used)
        if key is not None:
            keys[entry.path] = by_arxiv[entry.arxiv or entry.published or ""] = key
            used.add(key.lower())
    return keys


def _new_key(entry: Entry, repo: Repository, used: set[str]) -> str | None:
    """The scheme's key for an entry's arXiv work, or for the version it pins off arXiv."""
    meta = repo.arxiv.get(entry.arxiv) if entry.arxiv else None
    if meta is not None:
        return free_key(scheme_key(meta), used)
    version = repo.published.versions.get(entry.published or "") if not entry.arxiv else None
    return free_key(version_key(version), used) if version is not None else None


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
        key = keys.get(entry.path)
        if key is not None:
            grouped.setdefault(key, []).append(entry)
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
    version = repo.published.version_of(_deciding(key, entries))
    return _Work(key, entries, arxiv_id, meta, repo.hand.get(key), version)


def _deciding(key: str, entries: tuple[Entry, ...]) -> Entry:
    """The entry whose ``published:`` decides the work's version (entries must agree)."""
    deciding = [e for e in entries if e.published is not None]
    for entry in deciding[1:]:
        if entry.published != deciding[0].published:
            raise InputError(f"key '{key}' is given 'published: {deciding[0].published}' in "
                             f"{_name(deciding[0])}; entries citing one work agree on it",
                             entry.path, entry.line_of("published"))
    return deciding[0] if deciding else entries[0]


def _name(entry: Entry) -> str:
    return f"{entry.path.parent.name}/{entry.path.name}"


def _records(works: Iterable[_Work], repo: Repository,
             stack: Sequence[BlockMiddleware] | None, memo: Memo | None,
             sources: tuple[Memo, str] | None = None) -> tuple[Record, ...]:
    """The normalised record of every work that has data, in the works' order."""
    linked = [w for w in works if w.has_data]
    keys = _record_keys(linked, repo.terms, sources) if memo is not None else []
    found: list[_Normalised | None] = ([_recall(memo, key) for key in keys] if memo is not None
                                       else [None] * len(linked))
    missing = [index for index, parts in enumerate(found) if parts is None]
    if missing:
        made = _normalise([linked[i] for i in missing], repo.terms, stack)
        for index, parts in zip(missing, made, strict=True):
            found[index] = parts
            if memo is not None:
                memo.put(keys[index], parts)
    digests = keys or [""] * len(linked)
    return tuple(_record(work, parts, repo, key)
                 for work, parts, key in zip(linked, found, digests, strict=True)
                 if parts is not None)


def _record_keys(works: Sequence[_Work], terms: Sequence[str],
                 sources: tuple[Memo, str] | None) -> list[str]:
    """The digest of each work's record: kept for the same files read, or computed (and kept)."""
    if sources is not None:
        kept = sources[0].get(sources[1])
        if type(kept) is tuple and len(kept) == len(works):
            return list(kept)
    keys = [_digest(work, terms) for work in works]
    if sources is not None:
        sources[0].put(sources[1], keys)
    return keys


def _terms(work: _Work, terms: Sequence[str]) -> tuple[str, ...]:
    """What a work's title protects from lowercasing: the terms, and short names of its rows.

    Only those its arXiv title contains, when it has one (a term protects where it stands in
    the title and nowhere else): a row given a name its title lacks keeps its record's digest.
    """
    names = tuple(e.name for e in work.entries if e.name and len(e.name.split()) <= 3)
    if work.meta is None:  # the title is a published version's, or the hand record's
        return (*terms, *names)
    title = work.meta.title
    return tuple(term for term in (*terms, *names) if term in title)


def _digest(work: _Work, terms: Sequence[str]) -> str:
    """The digest of everything a work's normalised record is made from.

    Its arXiv metadata count by their digest: kept with them when read through the cache.
    """
    meta = (work.meta.digest or digest(work.meta)) if work.meta is not None else None
    return digest("record", work.key, _terms(work, terms), meta, work.hand, work.version)


def _recall(memo: Memo, key: str) -> _Normalised | None:
    return recall(memo, key, lambda plain: from_plain(_Normalised, plain))


def _normalise(works: Sequence[_Work], terms: Sequence[str],
               stack: Sequence[BlockMiddleware] | None) -> list[_Normalised]:
    """Works' records through the normalisation stack (the default one when None)."""
    # bibtexparser and the middlewares load when a record is not in the cache.
    from bibtexparser.library import Library as BibtexLibrary

    from .bibtex.middlewares import default_stack

    library = BibtexLibrary([_to_entry(work, terms) for work in works])
    for middleware in default_stack() if stack is None else stack:
        library = middleware.transform(library)
    return [_normalised(work, entry)
            for work, entry in zip(works, library.entries, strict=True)]


def _to_entry(work: _Work, terms: Sequence[str]) -> BibtexEntry:
    """The bibtexparser entry of a work, its fetched fields still plain text."""
    from bibtexparser.model import Entry, Field  # as _normalise

    from .bibtex.middlewares import PLAIN, TERMS

    made = record_fields(work.meta, work.hand, work.version)
    entry = Entry(made.type, work.key, [Field(n, v) for n, v in made.fields.items()])
    entry.parser_metadata[PLAIN] = set(made.plain)
    entry.parser_metadata[TERMS] = _terms(work, terms)
    return entry


def _normalised(work: _Work, entry: Any) -> _Normalised:
    """What a work's normalised bibtexparser entry gives its record."""
    made = record_fields(work.meta, work.hand, work.version)
    plain = tuple((name, _flat(value)) for name, value in made.fields.items()
                  if name in made.plain)
    return _Normalised(
        type=entry.entry_type, fields=tuple((f.key, str(f.value)) for f in entry.fields),
        origins=tuple((f.key, made.origins[f.key]) for f in entry.fields), plain=plain,
        fetched=_fetched(work) if work.hand is not None else (),
    )


def _record(work: _Work, parts: _Normalised, repo: Repository, key: str) -> Record:
    if work.hand is not None:
        path, line = repo.root / ENTRIES / RECORDS_FILE, work.hand.line
    else:
        path, line = work.entries[0].path, work.entries[0].line_of(
            "arxiv" if work.arxiv_id else "published")
    return Record(
        key=work.key, type=parts.type, fields=parts.fields, entries=work.entries,
        origins=parts.origins, plain=parts.plain, arxiv_id=work.arxiv_id, arxiv=work.meta,
        hand=work.hand, path=path, line=line, version=work.version, fetched=parts.fetched,
        digest=key,
    )


def _fetched(work: _Work) -> tuple[tuple[str, str], ...]:
    """The fetched fields a hand record was laid over, as plain text, and their entry type."""
    made = record_fields(work.meta, None, work.version)
    if not made.fields:
        return ()
    text = {name: _plain_text(value) if name in made.plain else to_text(_flat(value))
            for name, value in made.fields.items()}
    return (("type", made.type), *sorted(text.items()))


def _plain_text(value: Value) -> str:
    """A plain field as text; a list of names as BibTeX would show it ("Family, Given")."""
    if isinstance(value, tuple):
        return " and ".join(to_text(bibtex_name(name)) for name in value)
    return " ".join(value.split())


def _flat(value: Value) -> str:
    return " and ".join(value) if isinstance(value, tuple) else value


def record_fields(meta: ArxivMetadata | None, hand: HandRecord | None,
                  version: PublishedVersion | None = None) -> WorkFields:
    """A work's record type, its fields (those still plain text named) and their origins.

    arXiv's fields first, the published version's laid over them (or, for a work not on
    arXiv, the version's whole record), the hand record's over everything.
    """
    made = _fetched_fields(meta, version)
    fields, origins, entry_type = dict(made.fields), dict(made.origins), made.type
    if hand is not None:
        if hand.type != "article" and "journal" in fields and hand.get("journal") is None:
            del fields["journal"], origins["journal"]
        fields.update(hand.fields)
        origins.update(dict.fromkeys((name for name, _ in hand.fields), HAND))
        entry_type = hand.type
    plain = made.plain - {name for name, origin in origins.items() if origin == HAND}
    return WorkFields(entry_type, fields, origins, plain)


def _fetched_fields(meta: ArxivMetadata | None,
                    version: PublishedVersion | None) -> WorkFields:
    """The fields arXiv and the published version give a work, before any hand record."""
    if meta is None:
        if version is None:
            return WorkFields("misc", {}, {}, frozenset())
        return work_fields(version)
    fields = arxiv_fields(meta)
    if version is None:
        return WorkFields("article", fields, dict.fromkeys(fields, ARXIV), frozenset(fields))
    over = work_fields(version, whole=False)
    laid = lay_over(fields, over.as_version())
    origins = {name: PUBLISHED if name in over.fields else ARXIV for name in laid}
    return WorkFields(over.type, laid, origins, frozenset(n for n in laid if n in fields and
                                                         n not in over.fields))


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
