"""What each command does, between the CLI and the core: load, compute, write if changed."""

from __future__ import annotations

import os
import sys
from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path

from .build import generated_files, stale_files, write_files
from .errors import FetchError, InputError
from .fileio import repository_lock, write_atomic, write_if_changed
from .model import ArxivMetadata, Finding, Repository
from .repository import load_repository
from .sources.arxiv import FetchResult, FetchSettings, fetch_metadata
from .store import ARXIV_STORE, ENTRIES, LIST_FILE, pin_key, render_arxiv_store


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    """The summary of a sync and whether some ids could not be fetched."""

    summary: str
    partial: bool
    requests: int
    failed: tuple[str, ...] = ()
    """The ids that could not be fetched (their stored metadata, if any, is kept)."""
    withdrawn: tuple[str, ...] = ()
    """The ids arXiv says were withdrawn."""
    reasons: tuple[str, ...] = ()
    """Why the failed ids failed, each reason once."""

    @property
    def failure(self) -> str:
        """One line naming what failed, for stderr; empty when nothing did."""
        if not self.failed:
            return ""
        shown = ", ".join(self.failed[:10]) + (", ..." if len(self.failed) > 10 else "")
        return (f"sync incomplete: {len(self.failed)} arXiv ids could not be fetched "
                f"({'; '.join(self.reasons)}): {shown}; what was stored for them is kept; "
                "run sync again")


def run_import(root: Path, markdown: Path) -> int:
    """Import a README into root/entries; the number of entries written."""
    from .importer import plan_import
    from .yamlfile import read_source

    if (root / ENTRIES / LIST_FILE).exists():
        raise InputError(f"{ENTRIES}/{LIST_FILE} exists already; import starts a new list",
                         root / ENTRIES / LIST_FILE)
    files = plan_import(read_source(markdown), markdown, root)
    with repository_lock(_ensure_dir(root)):
        for path, text in files.items():
            write_atomic(path, text)
    return len(files) - 1


def _ensure_dir(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    return root


def run_build(root: Path, check: bool = False) -> list[Path]:
    """Build (or with check, compare) the generated files; the paths written or stale."""
    repo = load_repository(root)
    files = generated_files(repo)
    if check:
        return stale_files(files)
    with repository_lock(root):
        return write_files(files)


def run_sync(root: Path, *, refresh: bool = False, dry_run: bool = False,
             only: Collection[str] = (), progress: bool = False) -> SyncOutcome:
    """Fetch what is missing (or everything, with refresh), store it, pin keys, build."""
    from .sync import FAILED, ids_to_fetch, merge, render_summary, withdrawn_ids

    with repository_lock(root):
        repo = load_repository(root)
        _check_only(repo, only)
        ids = ids_to_fetch(repo, only, refresh)
        skipped = len(ids_to_fetch(repo, only, refresh=True)) - len(ids)
        result = _fetch(ids, FetchSettings.from_environment(os.environ), progress)
        store, changes = merge(repo.arxiv, result, ids)
        summary = render_summary(changes, skipped)
        if not dry_run:
            _save(replace(repo, arxiv=store))
        failed = [c for c in changes if c.kind == FAILED]
        return SyncOutcome(summary, bool(failed), result.requests,
                           tuple(c.arxiv_id for c in failed), tuple(withdrawn_ids(changes)),
                           tuple(dict.fromkeys(c.details[0] for c in failed)))


def _check_only(repo: Repository, only: Collection[str]) -> None:
    known = {e.key for e in repo.entries} | {e.arxiv for e in repo.entries}
    unknown = sorted(set(only) - known)
    if unknown:
        raise InputError(f"--only: no entry has the key or arXiv id {', '.join(unknown)}",
                         repo.root / ENTRIES)


def _fetch(ids: list[str], settings: FetchSettings, progress: bool) -> FetchResult:
    if not ids:
        return FetchResult()
    if not progress:
        return fetch_metadata(ids, settings)
    import click

    with click.progressbar(length=len(ids), label="arXiv", file=sys.stderr) as bar:
        return fetch_metadata(ids, settings, bar.update)


def _save(repo: Repository) -> None:
    """Store fetched metadata, pin new keys, then regenerate the generated files."""
    write_if_changed(repo.root / ARXIV_STORE, render_arxiv_store(repo.arxiv))
    pinned = pin_new_keys(repo)
    # Only pinned keys change the entries: read them again only then.
    write_files(generated_files(load_repository(repo.root) if pinned else repo))


def pin_new_keys(repo: Repository) -> list[Path]:
    """Write the key of every entry that has none yet into its file; the files changed."""
    from .records import assign_keys

    keys = assign_keys(repo)
    changed = []
    for entry in repo.entries:
        if entry.key is None and entry.path in keys:
            write_atomic(entry.path, pin_key(entry.path, keys[entry.path]))
            changed.append(entry.path)
    return changed


def run_add(root: Path, id_or_url: str, section: str, name: str | None) -> tuple[Path, str]:
    """Add an entry for an arXiv work to a section; its file and key."""
    from .entryfile import next_position, render_entry
    from .ids import arxiv_url, parse_arxiv_id
    from .importer import entry_file_name

    try:
        arxiv_id = parse_arxiv_id(id_or_url).id
    except ValueError as error:
        raise InputError(f"add: {error}") from None
    with repository_lock(root):
        repo = load_repository(root)
        _check_new(repo, arxiv_id, section)
        meta = _fetch_one(arxiv_id, FetchSettings.from_environment(os.environ))
        key = _key_for(repo, meta)
        folder = root / ENTRIES / section
        fields = {"key": key, "name": name, "url": arxiv_url(arxiv_id), "arxiv": arxiv_id}
        path = folder / entry_file_name(next_position(folder), fields)
        write_atomic(path, render_entry(fields))
        _save(replace(load_repository(root), arxiv={**repo.arxiv, arxiv_id: meta}))
        return path, key


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


def _key_for(repo: Repository, meta: ArxivMetadata) -> str:
    from .records import assign_keys, key_for_metadata

    for entry in repo.entries:
        if entry.arxiv == meta.id and entry.key:
            return entry.key
    taken = set(assign_keys(repo).values())
    return key_for_metadata(meta, taken)


def run_check(root: Path, papers: Collection[Path] = ()) -> list[Finding]:
    """Every finding on the repository and, when given, on LaTeX papers (.tex, .aux, folders)."""
    from .checks import check_all
    from .tex.files import scan_paths

    repo = load_repository(root)
    stale = stale_files(generated_files(repo))
    return check_all(repo, stale, scan_paths(papers) if papers else None)


def run_cite(root: Path, fmt: str) -> str:
    """The survey's citation block in a format of ``citation.CITE_FORMATS``."""
    from .citation import render_citation, survey_record
    from .export import load_records

    repo = load_repository(root)
    return render_citation(survey_record(repo, load_records(repo)), fmt)


def run_export(root: Path, fmt: str, keys: Collection[str] = (),
               sections: Collection[str] = (),
               sources: Collection[Path] = ()) -> tuple[str, int]:
    """The chosen records (all without a choice) in a format; the text and the record count."""
    from .export import (
        Selection,
        load_records,
        render_export,
        select_records,
        split_keys,
    )
    from .tex.files import scan_paths

    repo = load_repository(root)
    cited = scan_paths(sources) if sources else None
    selection = Selection(split_keys(keys), tuple(sections), cited)
    records = select_records(load_records(repo), selection, repo)
    return render_export(records, fmt), len(records)


def run_latex_table(root: Path, section: str) -> str:
    """The LaTeX table of a section."""
    from .export import load_records
    from .latextable import render_latex_table

    repo = load_repository(root)
    return render_latex_table(repo, load_records(repo), section)


def run_rename(root: Path, old: str, new: str, tex: Collection[Path] = ()) -> list[str]:
    """Rename a key in the entries, records.bib, the generated files and LaTeX sources.

    Returns one line per change (``FILE:LINE: old -> new``) and per rebuilt file.
    """
    from .rename import apply_rename, plan_rename

    with repository_lock(root):
        plan = plan_rename(load_repository(root), old, new, list(tex))
        written = apply_rename(plan)
    lines = [f"{_shown(c.path)}:{c.line}: {c.old} -> {c.new}" for c in plan.changes]
    rebuilt = [p for p in written if p not in {path for path, _ in plan.sources}]
    return lines + [f"{_shown(path)}: rebuilt" for path in rebuilt]


def _shown(path: Path) -> str:
    """A path relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
