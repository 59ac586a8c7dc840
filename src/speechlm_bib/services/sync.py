"""The sync command: rows linked by title, arXiv metadata, published versions, one plan written.

Load the repository; search DBLP by the title of each row linked to nothing that was not
searched before, and link the rows whose title names one work (`services.titles`); fetch
the arXiv metadata that is missing (or all of it, with refresh); look up in DBLP and
Crossref the published version of every work without a stored decision (with refresh, also
of those whose decision confirmed none) and fetch the versions entries pin; then write one
plan: data/arxiv.json, data/published.json, the lines linking rows and the keys pinned in
entries, and the generated files. A sync that fetched nothing at all writes nothing; an
unchanged sync sends no request.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import InputError
from ..link import assign_keys, link
from ..memo import FilesDigest, Memo, digest_bytes
from ..model import Repository
from ..published.plan import (
    PublishedOutcome,
    changes_of,
    merge_found,
    pins_to_fetch,
    works_to_look_up,
)
from ..sources import ProgressBar, progress_of
from ..sources.arxiv import FetchResult, FetchSettings, fetch_metadata
from ..store import ARXIV_STORE, ENTRIES, GENERATED_FILES, PUBLISHED_STORE
from ..store.arxivdata import render_arxiv_store
from ..store.cache import Cache, open_cache
from ..store.files import LOCK_WAIT, repository_lock
from ..store.plan import Plan, apply_plan
from ..store.publisheddata import render_published_store
from ..store.yamlfile import read_source
from ..sync import FAILED, SyncOutcome, ids_to_fetch, keys_to_pin, merge, pinned_entries
from .common import generated_files, keep_written, read_repository, require_complete
from .lookup import Lookup, ScholarlySettings
from .settled import is_settled, settle, settled_key
from .titles import TitleLinks, link_titles

STORES = "stores"
"""The cache's section of the digests of store texts as the stores write them."""


@dataclass(frozen=True, slots=True)
class SyncSettings:
    """Where and how politely to ask arXiv, DBLP and Crossref."""

    arxiv: FetchSettings
    scholarly: ScholarlySettings


@dataclass(frozen=True, slots=True)
class SyncOptions:
    """What the user asked of this sync."""

    refresh: bool = False
    dry_run: bool = False
    only: Collection[str] = ()
    published: bool = True
    """Look up published versions (False: arXiv only)."""
    cache: bool = True
    """Take what was parsed and normalised before from the cache, and keep what is new."""


def run_sync(root: Path, settings: SyncSettings, options: SyncOptions = SyncOptions(),
             progress: ProgressBar | None = None, lock_wait: float = LOCK_WAIT) -> SyncOutcome:
    """Link rows by title, fetch what is missing, look up published versions, store, build."""
    with repository_lock(root, lock_wait):
        kept = open_cache(root, options.cache)
        repo, reads = read_repository(root, kept)
        require_complete(repo)
        _check_only(repo, options.only)
        with _lookup(settings.scholarly, options.published) as lookup:
            titled = TitleLinks(repo) if lookup is None else link_titles(
                repo, lookup, options.refresh, options.only, progress)
            outcome, synced = _sync(titled.repo, settings, options, lookup, progress)
        outcome = replace(outcome, titles=titled.outcome)
        if options.dry_run or (outcome.partial and not outcome.found_anything):
            return outcome
        written = _write_plan(root, repo, synced, titled.texts, outcome.partial, kept, reads)
        kept.save()
        return replace(outcome, written=tuple(written))


def _write_plan(root: Path, repo: Repository, synced: Repository, edited: Mapping[Path, str],
                partial: bool, kept: Cache, reads: FilesDigest) -> list[Path]:
    """Write the sync's plan; the paths written.

    When the sync fetched and linked nothing, a repository settled since it was last built
    (``services.settled``; ``reads``: the files it was loaded from) has no plan. A complete
    sync leaves the repository settled.
    """
    unchanged = synced == repo and not edited
    if unchanged and is_settled(kept, settled_key(root, reads.hexdigest())):
        return []
    plan = _sync_plan(synced, partial, edited, kept, repo)
    written = apply_plan(plan)
    keep_written(synced, plan, written, kept)
    if not partial:
        settle(kept, _settled_after(root, plan, written, reads))
    return written


def _settled_after(root: Path, plan: Plan, written: Collection[Path],
                   reads: FilesDigest) -> str | None:
    """The settled digest of the repository as the plan left it (None when it is not known).

    The files the load read are as they were but those the plan wrote; the generated files
    hold what the plan gave them.
    """
    texts = dict(plan.writes)
    generated = {root / name for name in GENERATED_FILES}
    inputs = {str(path): _encoded(texts[path]) for path in written if path not in generated}
    sources = reads.after(inputs)
    return None if sources is None else settled_key(root, sources, texts)


def _encoded(data: str | bytes) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def _lookup(settings: ScholarlySettings,
            published: bool) -> AbstractContextManager[Lookup | None]:
    """One DBLP and Crossref client for the whole sync (so their delays hold throughout)."""
    return Lookup(settings) if published else nullcontext()


def _sync(repo: Repository, settings: SyncSettings, options: SyncOptions,
          lookup: Lookup | None, progress: ProgressBar | None) -> tuple[SyncOutcome, Repository]:
    """The arXiv metadata fetched, then the published versions looked up."""
    ids = ids_to_fetch(repo, options.only, options.refresh)
    in_scope = ids_to_fetch(repo, options.only, refresh=True)
    result = _fetch(ids, settings.arxiv, progress)
    store, changes = merge(repo.arxiv, result, ids)
    synced = replace(repo, arxiv=store)
    failed = {c.arxiv_id for c in changes if c.kind == FAILED}
    published = PublishedOutcome(skipped="--arxiv-only")
    if lookup is not None:
        synced, published = _sync_published(
            synced, [i for i in in_scope if i not in failed], lookup, options, progress)
        published = replace(published, waiting=len(failed))
    return SyncOutcome(tuple(changes), len(in_scope) - len(ids), result.requests,
                       settings.arxiv.api, published), synced


def _check_only(repo: Repository, only: Collection[str]) -> None:
    known = {e.key for e in repo.entries} | {e.arxiv for e in repo.entries}
    unknown = sorted(set(only) - known)
    if unknown:
        raise InputError(f"--only: no entry has the key or arXiv id {', '.join(unknown)}",
                         repo.root / ENTRIES)


def _fetch(ids: list[str], settings: FetchSettings,
           progress: ProgressBar | None) -> FetchResult:
    if not ids:
        return FetchResult()
    with progress_of(progress, "arXiv", len(ids)) as advance:
        return fetch_metadata(ids, settings, advance)


def _sync_published(repo: Repository, ids: list[str], lookup: Lookup, options: SyncOptions,
                    progress: ProgressBar | None) -> tuple[Repository, PublishedOutcome]:
    """The repository with the published versions looked up, and what the lookup did."""
    works = works_to_look_up(repo, repo.arxiv, ids, options.refresh)
    pins = pins_to_fetch(repo, options.only)
    decided = len(set(ids) - set(works))
    if not works and not pins:
        return repo, PublishedOutcome(decided=decided)
    before = lookup.requests
    found = lookup.versions_of(works, pins, repo.published.versions, progress)
    requests = {service: count - before.get(service, 0) for service, count in
                found.requests.items()}
    outcome = PublishedOutcome(tuple(changes_of(found, works, _keys(repo), pins)),
                               decided=decided, requests=requests)
    return replace(repo, published=merge_found(repo.published, found)), outcome


def _keys(repo: Repository) -> dict[str, str]:
    """The citation key of each arXiv id and pinned version, for the summary."""
    keys: dict[str, str] = {}
    assigned = assign_keys(repo)
    for entry in repo.entries:
        key = assigned.get(entry.path)
        for subject in (entry.arxiv, entry.published):
            if subject and key:
                keys.setdefault(subject, key)
    return keys


def _sync_plan(repo: Repository, partial: bool, edited: Mapping[Path, str],
               cache: Cache | None = None, loaded: Repository | None = None) -> Plan:
    """The stored metadata, the entries linked by title, the keys pinned, the generated files.

    A partial sync may leave a record out (the survey's, say): then the generated files wait
    for the sync that completes it. A store whose data is what was ``loaded`` is not
    written again when its file is known to be written as the store writes it.
    """
    library = link(repo, memo=cache.section("records") if cache is not None else None)
    pins = keys_to_pin(library)
    texts = {path: edited[path] if path in edited else read_source(path) for path in pins}
    try:
        generated = generated_files(library, cache)
    except InputError:
        if not partial:
            raise
        generated = {}
    memo = cache.section(STORES, complete=False) if cache is not None else None
    return Plan.of(_stores(repo, loaded, memo), edited, pinned_entries(pins, texts), generated)


def _stores(repo: Repository, loaded: Repository | None = None,
            memo: Memo | None = None) -> Mapping[Path, str]:
    """The two stores, each written when it holds something or existed already."""
    root, data = repo.root, repo.published
    stores: tuple[tuple[Path, bool, bool, Callable[[], str]], ...] = (
        (root / ARXIV_STORE, bool(repo.arxiv),
         loaded is not None and loaded.arxiv == repo.arxiv,
         lambda: render_arxiv_store(repo.arxiv)),
        (root / PUBLISHED_STORE, bool(data.decisions or data.versions or data.titles),
         loaded is not None and loaded.published == data,
         lambda: render_published_store(data)),
    )
    files: dict[Path, str] = {}
    for path, filled, unchanged, render in stores:
        if not (filled or path.exists()) or (unchanged and _as_written(path, memo)):
            continue
        files[path] = render()
        if memo is not None:
            memo.put(digest_bytes(files[path].encode("utf-8")), True)
    return files


def _as_written(path: Path, memo: Memo | None) -> bool:
    """Whether the file holds a text the store wrote (so that its data gives it again)."""
    if memo is None:
        return False
    try:
        return memo.get(digest_bytes(path.read_bytes())) is True
    except OSError:
        return False
