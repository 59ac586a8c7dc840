"""What each command does, between the CLI and the core: load, link, compute, write if changed.

Every function here is one command: it reads what it needs from the store, links the
repository once, calls pure steps (renderers, checks, plans) and writes through a plan.
Settings come in as arguments; nothing here reads the environment or prints.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path

from .adopt.names import entry_file_name
from .adopt.plan import plan_adoption
from .checks import check_all
from .errors import FetchError, InputError
from .ids import arxiv_url, parse_arxiv_id
from .link import link, new_key
from .model import ArxivMetadata, Finding, ImportReport, Library, Repository
from .rename import plan_rename, sources_to_edit
from .render.citation import render_cff, render_citation, survey_record, survey_records
from .render.exports import RENDERERS
from .render.latextable import render_latex_table
from .render.mdtext import escape_markdown
from .render.readme import render_readme
from .render.references import render_references
from .selection import Selection, select_records, split_keys
from .sources.arxiv import FetchResult, FetchSettings, fetch_metadata
from .store import (
    ARXIV_STORE,
    BIB_FILE,
    CFF_FILE,
    ENTRIES,
    LIST_FILE,
    README_FILE,
    RECORDS_FILE,
)
from .store.arxivdata import render_arxiv_store
from .store.entries import parse_entry
from .store.files import LOCK_WAIT, read_text, repository_lock
from .store.newfiles import next_position, render_entry
from .store.plan import Plan, apply_plan
from .store.repository import load_repository
from .store.yamlfile import read_source
from .sync import SyncOutcome, ids_to_fetch, keys_to_pin, merge, outcome, pinned_entries
from .tex.scan import scan_paths

ProgressBar = Callable[[str, int], AbstractContextManager[Callable[[int], None]]]
"""Draws a progress bar: given a label and a length, a context giving the advance function."""


def load_library(root: Path, *, complete: bool = True) -> Library:
    """The linked library of a repository; with ``complete``, refuse an unreadable entry."""
    repo = load_repository(root)
    if complete:
        _require_complete(repo)
    return link(repo)


def _require_complete(repo: Repository) -> None:
    """Stop at the first entry file that could not be read (``check`` reports them all)."""
    if repo.problems:
        problem = repo.problems[0]
        raise InputError(problem.message, problem.path, problem.line, problem.column)


def generated_files(library: Library) -> dict[Path, str]:
    """Every file build writes, with the text it should hold."""
    root = library.root
    files = {root / BIB_FILE: render_references(library)}
    if library.survey is not None:
        files[root / CFF_FILE] = render_cff(survey_record(library))
    readme = root / README_FILE
    text = read_text(readme)
    if text is not None and "speechlm-bib:begin" in text:
        files[readme] = render_readme(text, library, lambda: survey_records(library),
                                      readme)
    return files


def stale_files(files: dict[Path, str]) -> list[Path]:
    """The files whose content on disk differs from what build would write."""
    return [path for path, text in files.items() if read_text(path) != text]


def run_import(root: Path, markdown: Path, *, dry_run: bool = False,
               lock_wait: float = LOCK_WAIT) -> ImportReport:
    """Adopt a README: its tables under markers, entries/ written; the report.

    The README is taken over in place when it is the repository's own README.md; another
    file is copied there, with its markers, when the repository has no README yet.
    """
    readme = root / README_FILE
    records = root / ENTRIES / RECORDS_FILE
    adoption = plan_adoption(read_source(markdown), markdown, root, read_text(records))
    report = replace(adoption.report, dry_run=dry_run)
    if report.nothing_to_import:
        return report
    _check_new_list(root, markdown, readme)
    if dry_run:
        return report
    root.mkdir(parents=True, exist_ok=True)
    with repository_lock(root, lock_wait):
        written = apply_plan(Plan.of(adoption.files, {readme: adoption.readme}))
    return replace(report, written=tuple(p.relative_to(root).as_posix() for p in written))


def _check_new_list(root: Path, markdown: Path, readme: Path) -> None:
    """Refuse to import over a list, or over a README other than the one imported."""
    if (root / ENTRIES / LIST_FILE).exists():
        raise InputError(f"{ENTRIES}/{LIST_FILE} exists already; import starts a new list",
                         root / ENTRIES / LIST_FILE)
    if readme.exists() and readme.resolve() != markdown.resolve():
        raise InputError(f"the repository has its own {README_FILE}: import that one, or "
                         "import into an empty folder", readme)


def run_build(root: Path, check: bool = False, lock_wait: float = LOCK_WAIT) -> list[Path]:
    """Build (or with check, compare) the generated files; the paths written or stale."""
    if check:
        return stale_files(generated_files(load_library(root)))
    with repository_lock(root, lock_wait):
        return apply_plan(Plan.of(generated_files(load_library(root))))


def run_sync(root: Path, settings: FetchSettings, *, refresh: bool = False,
             dry_run: bool = False, only: Collection[str] = (),
             progress: ProgressBar | None = None, lock_wait: float = LOCK_WAIT) -> SyncOutcome:
    """Fetch what is missing (or everything, with refresh), store it, pin keys, build."""
    with repository_lock(root, lock_wait):
        repo = load_repository(root)
        _require_complete(repo)
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
            settings: FetchSettings, lock_wait: float = LOCK_WAIT) -> tuple[Path, str]:
    """Add an entry for an arXiv work, given by id or URL, to a section; its file and key."""
    try:
        arxiv_id = parse_arxiv_id(id_or_url).id
    except ValueError as error:
        raise InputError(f"add: {error}") from None
    with repository_lock(root, lock_wait):
        repo = load_repository(root)
        _require_complete(repo)
        _check_new(repo, arxiv_id, section)
        meta = _fetch_one(arxiv_id, settings)
        key = _key_for(link(repo), meta)
        folder = root / ENTRIES / section
        fields = {"key": key, "name": name, "title": _shown_title(repo, section, meta),
                  "url": arxiv_url(arxiv_id), "arxiv": arxiv_id}
        path = folder / entry_file_name(next_position(folder), fields)
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


def run_check(root: Path, papers: Collection[Path] = ()) -> list[Finding]:
    """Every finding on the repository and, when given, on LaTeX papers (.tex, .aux, folders)."""
    library = load_library(root, complete=False)
    # Files generated from a partly read repository would all look stale.
    stale = [] if library.problems else stale_files(generated_files(library))
    return check_all(library, stale, scan_paths(papers) if papers else None)


def run_cite(root: Path, fmt: str) -> str:
    """The survey's citation block in a format of ``render.citation.CITE_FORMATS``."""
    return render_citation(survey_records(load_library(root)), fmt)


def run_export(root: Path, fmt: str, keys: Collection[str] = (),
               sections: Collection[str] = (),
               sources: Collection[Path] = ()) -> tuple[str, int]:
    """The chosen records (all without a choice) in a format; the text and the record count."""
    library = load_library(root)
    cited = scan_paths(sources) if sources else None
    records = select_records(library, Selection(split_keys(keys), tuple(sections), cited))
    return RENDERERS[fmt](records), len(records)


def run_latex_table(root: Path, section: str) -> str:
    """The LaTeX table of a section."""
    return render_latex_table(load_library(root), section)


def run_rename(root: Path, old: str, new: str, tex: Collection[Path] = (),
               lock_wait: float = LOCK_WAIT) -> list[str]:
    """Rename a key in the entries, records.bib, the generated files and LaTeX sources.

    Returns one line per change (``FILE:LINE: old -> new``) and per rebuilt file.
    """
    with repository_lock(root, lock_wait):
        repo = load_repository(root)
        _require_complete(repo)
        library = link(repo)
        texts = {path: read_source(path) for path in sources_to_edit(library, old)}
        cited = scan_paths(tex) if tex else None
        citing = {c.path for c in cited.citations if c.key == old} if cited else set()
        sources = {path: path.read_bytes() for path in citing}
        rename = plan_rename(repo, library, old, new, texts, cited, sources)
        written = apply_plan(Plan.of(rename.sources, generated_files(link(rename.repository))))
    lines = [f"{_shown(c.path)}:{c.line}: {c.old} -> {c.new}" for c in rename.changes]
    rebuilt = [p for p in written if p not in rename.sources]
    return lines + [f"{_shown(path)}: rebuilt" for path in rebuilt]


def _shown(path: Path) -> str:
    """A path relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)

