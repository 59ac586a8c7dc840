"""The commands that ask arXiv: sync, and add (when the work is not stored yet)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import date
from pathlib import Path

from ..adopt.names import entry_file_name, work_name
from ..errors import FetchError, InputError
from ..ids import arxiv_url, parse_arxiv_id
from ..link import link, new_key
from ..model import ArxivMetadata, Library, Repository
from ..placement import Placement, place
from ..render.mdtext import escape_markdown
from ..sources.arxiv import FetchResult, FetchSettings, fetch_metadata
from ..store import ARXIV_STORE, ENTRIES, LIST_FILE
from ..store.arxivdata import render_arxiv_store
from ..store.entries import parse_entry
from ..store.files import LOCK_WAIT, repository_lock
from ..store.newfiles import render_entry
from ..store.plan import Plan, apply_plan
from ..store.repository import load_repository
from ..store.yamlfile import read_source
from ..sync import SyncOutcome, ids_to_fetch, keys_to_pin, merge, outcome, pinned_entries
from .common import ProgressBar, generated_files, require_complete


def run_sync(root: Path, settings: FetchSettings, *, refresh: bool = False,
             dry_run: bool = False, only: Collection[str] = (),
             progress: ProgressBar | None = None, lock_wait: float = LOCK_WAIT) -> SyncOutcome:
    """Fetch what is missing (or everything, with refresh), store it, pin keys, build."""
    with repository_lock(root, lock_wait):
        repo = load_repository(root)
        require_complete(repo)
        _check_only(repo, only)
        ids = ids_to_fetch(repo, only, refresh)
        skipped = len(ids_to_fetch(repo, only, refresh=True)) - len(ids)
        result = _fetch(ids, settings, progress)
        store, changes = merge(repo.arxiv, result, ids)
        if not dry_run:
            apply_plan(_sync_plan(replace(repo, arxiv=store)))
        return outcome(changes, skipped, result.requests)


def _sync_plan(repo: Repository) -> Plan:
    """The stored metadata, the keys pinned in entries and the generated files."""
    library = link(repo)
    pins = keys_to_pin(library)
    texts = {path: read_source(path) for path in pins}
    return Plan.of({repo.root / ARXIV_STORE: render_arxiv_store(repo.arxiv)},
                   pinned_entries(pins, texts), generated_files(library))


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
    if progress is None:
        return fetch_metadata(ids, settings)
    with progress("arXiv", len(ids)) as advance:
        return fetch_metadata(ids, settings, advance)


def run_add(root: Path, id_or_url: str, section: str, name: str | None,
            settings: FetchSettings, lock_wait: float = LOCK_WAIT,
            placement: Placement | None = None, today: date | None = None) -> tuple[Path, str]:
    """Add an entry for an arXiv work, given by id or URL, to a section; its file and key.

    The entry records today (or ``today``) as the day it was added. The work's stored
    metadata is used when there is some (another row may cite it); otherwise it is fetched.
    """
    try:
        arxiv_id = parse_arxiv_id(id_or_url).id
    except ValueError as error:
        raise InputError(f"add: {error}") from None
    with repository_lock(root, lock_wait):
        repo = load_repository(root)
        require_complete(repo)
        _check_new(repo, arxiv_id, section)
        meta = repo.arxiv.get(arxiv_id) or _fetch_one(arxiv_id, settings)
        library = link(repo)
        key = _key_for(library, meta)
        fields = {"key": key, "name": name or work_name(meta.title),
                  "title": _shown_title(repo, section, meta), "url": arxiv_url(arxiv_id),
                  "arxiv": arxiv_id, "added": today or date.today()}
        number = place(library, section, placement or Placement())
        path = root / ENTRIES / section / entry_file_name(number, fields)
        text = render_entry(fields)
        added = _with_entry(replace(repo, arxiv={**repo.arxiv, arxiv_id: meta}), path, text)
        apply_plan(Plan.of({path: text, root / ARXIV_STORE: render_arxiv_store(added.arxiv)},
                           generated_files(link(added))))
        return path, key


def _shown_title(repo: Repository, section_id: str, meta: ArxivMetadata) -> str | None:
    """The title a Markdown section's new row shows (its tables never read records)."""
    section = next(s for s in repo.sections if s.id == section_id)
    if section.markdown and any(c.source == "title" for c in section.columns):
        return escape_markdown(meta.title)
    return None


def _with_entry(repo: Repository, path: Path, text: str) -> Repository:
    """The repository with one more entry file, in the place loading would give it."""
    section = next(s for s in repo.sections if s.id == path.parent.name)
    entry = parse_entry(text, path, section)
    order = [s.id for s in repo.sections]
    entries = sorted((*repo.entries, entry),
                     key=lambda e: (order.index(e.section), e.path.name))
    return replace(repo, entries=tuple(entries))


def _check_new(repo: Repository, arxiv_id: str, section: str) -> None:
    if section not in {s.id for s in repo.sections}:
        known = ", ".join(s.id for s in repo.sections)
        raise InputError(f"unknown section '{section}' (sections: {known})",
                         repo.root / ENTRIES / LIST_FILE)
    for entry in repo.entries:
        if entry.arxiv == arxiv_id and entry.section == section:
            raise InputError(f"arXiv {arxiv_id} is in section '{section}' already",
                             entry.path, entry.line_of("arxiv"))


def _fetch_one(arxiv_id: str, settings: FetchSettings) -> ArxivMetadata:
    result = fetch_metadata([arxiv_id], settings)
    if arxiv_id in result.found:
        return result.found[arxiv_id]
    if arxiv_id in result.failed:
        raise FetchError(f"arXiv {arxiv_id}: {result.failed[arxiv_id]}; nothing was written")
    raise InputError(f"arXiv does not know {arxiv_id}; nothing was written")


def _key_for(library: Library, meta: ArxivMetadata) -> str:
    for row in library.rows:
        if row.entry.arxiv == meta.id and row.entry.key:
            return row.entry.key
    return new_key(meta, {row.key for row in library.rows if row.key})


