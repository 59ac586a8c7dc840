"""Sync planning and bookkeeping: what to fetch, what a fetch changed, which keys to pin."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from .model import ArxivMetadata, Library, Repository
from .published.plan import PublishedOutcome
from .published.titleplan import TitleOutcome
from .sources.arxiv import FetchResult, is_withdrawn
from .store.plan import pin_key

ADDED, CHANGED, UNCHANGED, UNKNOWN, FAILED = "added", "changed", "unchanged", "unknown", "failed"
WITHDRAWN_NOTE = "arXiv says it was withdrawn"
LISTED_BEFORE = ("arXiv answered without it, though it listed it before (its outage mode); "
                 "what was stored is kept")


@dataclass(frozen=True, slots=True)
class Change:
    """What a sync did to one arXiv id, with one line per changed field."""

    arxiv_id: str
    kind: str
    details: tuple[str, ...] = ()


def ids_to_fetch(repo: Repository, only: Collection[str] = (), refresh: bool = False) -> list[str]:
    """The arXiv ids of the entries to sync, in list order, without repeats.

    ``only`` limits the sync to entries with these keys or arXiv ids; without ``refresh``,
    ids whose metadata is stored already are left out.
    """
    wanted = set(only)
    ids: dict[str, None] = {}
    for entry in repo.entries:
        if entry.arxiv is None or (wanted and not wanted & {entry.key, entry.arxiv}):
            continue
        if refresh or entry.arxiv not in repo.arxiv:
            ids[entry.arxiv] = None
    return list(ids)


def merge(stored: Mapping[str, ArxivMetadata], result: FetchResult,
          asked: list[str]) -> tuple[dict[str, ArxivMetadata], list[Change]]:
    """The new store and the change of every asked id; failures keep what was stored.

    An id arXiv answers without although its metadata is stored is a failure, not an
    unknown id: arXiv does not forget papers, but it answers empty in its outage mode.
    """
    store = dict(stored)
    changes = []
    for arxiv_id in asked:
        if arxiv_id in result.found:
            new = result.found[arxiv_id]
            changes.append(_compare(stored.get(arxiv_id), new))
            store[arxiv_id] = new
        elif arxiv_id in result.failed:
            changes.append(Change(arxiv_id, FAILED, (result.failed[arxiv_id],)))
        elif arxiv_id in stored:
            changes.append(Change(arxiv_id, FAILED, (LISTED_BEFORE,)))
        else:
            changes.append(Change(arxiv_id, UNKNOWN, ("arXiv does not know this id",)))
    return store, changes


def _compare(old: ArxivMetadata | None, new: ArxivMetadata) -> Change:
    notes = (WITHDRAWN_NOTE,) if is_withdrawn(new) else ()
    if old is None:
        return Change(new.id, ADDED, notes)
    details = tuple(_field_change(f.name, getattr(old, f.name), getattr(new, f.name))
                    for f in fields(ArxivMetadata)
                    if f.compare and getattr(old, f.name) != getattr(new, f.name))
    return Change(new.id, CHANGED if details else UNCHANGED, details + notes)


def _field_change(name: str, old: object, new: object) -> str:
    if name == "authors" and isinstance(old, tuple) and isinstance(new, tuple):
        gone = [a for a in old if a not in new]
        came = [a for a in new if a not in old]
        parts = [f"{len(old)} -> {len(new)} authors"]
        parts += [f"added {', '.join(came)}"] if came else []
        parts += [f"removed {', '.join(gone)}"] if gone else []
        parts += [] if came or gone else ["order changed"]
        return "authors: " + "; ".join(parts)
    return f"{name}: {old!r} -> {new!r}"


def withdrawn_ids(changes: list[Change]) -> list[str]:
    """The ids whose fetched metadata says the work was withdrawn."""
    return [c.arxiv_id for c in changes if WITHDRAWN_NOTE in c.details]


def keys_to_pin(library: Library) -> dict[Path, str]:
    """The entry files that have no key yet but get one, with the key they get."""
    return {row.entry.path: row.key for row in library.rows
            if row.entry.key is None and row.key is not None}


def pinned_entries(keys: Mapping[Path, str], texts: Mapping[Path, str]) -> dict[Path, str]:
    """The texts of the entry files with their new keys pinned."""
    return {path: pin_key(texts[path], key) for path, key in keys.items()}


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    """What a sync did: each arXiv id's change, titles, published versions, files written."""

    changes: tuple[Change, ...] = ()
    skipped: int = 0
    """Ids left alone because their metadata is stored."""
    requests: int = 0
    """Requests sent to arXiv."""
    endpoint: str = ""
    """The arXiv API asked."""
    published: PublishedOutcome = field(default_factory=PublishedOutcome)
    titles: TitleOutcome = field(default_factory=TitleOutcome)
    """The title searches of rows linked to nothing."""
    written: tuple[Path, ...] = ()

    def count(self, kind: str) -> int:
        """How many arXiv ids had a change of this kind."""
        return sum(change.kind == kind for change in self.changes)

    @property
    def failed(self) -> tuple[str, ...]:
        """The ids that could not be fetched (their stored metadata, if any, is kept)."""
        return tuple(c.arxiv_id for c in self.changes if c.kind == FAILED)

    @property
    def withdrawn(self) -> tuple[str, ...]:
        """The ids arXiv says were withdrawn."""
        return tuple(withdrawn_ids(list(self.changes)))

    @property
    def partial(self) -> bool:
        """Whether something could not be fetched or looked up."""
        return bool(self.failed or self.published.failed or self.titles.failed)

    @property
    def found_anything(self) -> bool:
        """Whether arXiv, a published-version lookup or a title search gave anything at all."""
        fetched = any(c.kind not in {FAILED, UNKNOWN} for c in self.changes)
        looked_up = len(self.published.failed) < len(self.published.changes)
        return fetched or looked_up or self.titles.searched
