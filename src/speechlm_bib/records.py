"""From entries to works and their BibTeX records.

A work is what a citation key stands for: one arXiv paper or one hand-maintained record,
cited by one or more entries. Keys are pinned in entries; an entry without one gets the
key of another entry for the same arXiv paper, or a new Scholar-style key.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .ids import arxiv_url
from .keys import free_key, make_key, unique_key
from .model import ArxivMetadata, Entry, HandRecord, Repository

logger = logging.getLogger(__name__)

PLAIN = "speechlm_bib.plain"
TERMS = "speechlm_bib.terms"


@dataclass(frozen=True, slots=True)
class Work:
    """One citable work: its key, its arXiv id if any, the entries that cite it and its data."""

    key: str
    entries: tuple[Entry, ...]
    arxiv: str | None = None
    meta: ArxivMetadata | None = None
    hand: HandRecord | None = None

    @property
    def linked(self) -> bool:
        """Whether there is data to build a record from."""
        return self.meta is not None or self.hand is not None


def assign_keys(repo: Repository) -> dict[Path, str]:
    """The key of every entry that has or can get one, by entry path.

    A hand-maintained record whose key is the one an arXiv entry gets is that work's
    published version: the key is the link.
    """
    keys = {e.path: e.key for e in repo.entries if e.key}
    by_arxiv = {e.arxiv: e.key for e in repo.entries if e.key and e.arxiv}
    used = {key.lower() for key in keys.values()}
    for entry in repo.entries:
        if entry.key or not entry.arxiv:
            continue
        key = by_arxiv.get(entry.arxiv) or _new_key(entry.arxiv, repo, used)
        if key is not None:
            keys[entry.path] = by_arxiv[entry.arxiv] = key
            used.add(key.lower())
    return keys


def _new_key(arxiv_id: str, repo: Repository, used: set[str]) -> str | None:
    """A new key for an arXiv work; ``used`` holds the taken keys lowercased."""
    meta = repo.arxiv.get(arxiv_id)
    return None if meta is None else free_key(_scheme_key(meta), used)


def key_for_metadata(meta: ArxivMetadata, taken: Iterable[str]) -> str:
    """A new key for an arXiv work, unique among the ``taken`` keys."""
    return unique_key(_scheme_key(meta), taken)


def _scheme_key(meta: ArxivMetadata) -> str:
    """The key the scheme gives an arXiv work: first author, year of v1, first title word."""
    return make_key(meta.authors[0] if meta.authors else None, meta.year, meta.title)


def collect_works(repo: Repository) -> list[Work]:
    """The works the entries cite, in order of first citation, then uncited hand records."""
    keys = assign_keys(repo)
    grouped: dict[str, list[Entry]] = {}
    for entry in repo.entries:
        if entry.path in keys:
            grouped.setdefault(keys[entry.path], []).append(entry)
    works = [_work(key, tuple(entries), repo) for key, entries in grouped.items()]
    works += [Work(key, (), hand=hand) for key, hand in repo.hand.items() if key not in grouped]
    return works


def _name(entry: Entry) -> str:
    return f"{entry.path.parent.name}/{entry.path.name}"

def _work(key: str, entries: tuple[Entry, ...], repo: Repository) -> Work:
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
        logger.warning("%s: arXiv %s has no stored metadata; run sync", key, arxiv_id)
    return Work(key, entries, arxiv_id, meta, repo.hand.get(key))


def record_fields(work: Work) -> tuple[str, dict[str, str | tuple[str, ...]], set[str]]:
    """A work's record type, its fields and which of them are plain text (not yet BibTeX)."""
    fields: dict[str, str | tuple[str, ...]] = {}
    plain: set[str] = set()
    entry_type = "misc"
    if work.meta is not None:
        entry_type = "article"
        fields.update(arxiv_fields(work.meta))
        plain.update(("author", "title", "journal"))
    if work.hand is not None:
        entry_type = _merge_hand(work.hand, fields, plain)
    return entry_type, fields, plain


def arxiv_fields(meta: ArxivMetadata) -> dict[str, str | tuple[str, ...]]:
    """The fields of an arXiv preprint, rendered "arXiv preprint arXiv:ID" by any style."""
    fields: dict[str, str | tuple[str, ...]] = {
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


def _merge_hand(hand: HandRecord, fields: dict[str, str | tuple[str, ...]],
                plain: set[str]) -> str:
    """Lay the hand-maintained fields over the fetched ones; the hand wins field by field."""
    if hand.type != "article" and "journal" in fields and hand.get("journal") is None:
        del fields["journal"]
    for name, value in hand.fields:
        fields[name] = value
        plain.discard(name)
    return hand.type
