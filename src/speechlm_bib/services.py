"""What each command does, between the CLI and the core: load, link, compute, write if changed.

Every function here is one command: it reads what it needs from the store, links the
repository once, calls pure steps (renderers, checks, plans) and writes through a plan.
Settings come in as arguments; nothing here reads the environment or prints.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path

from .checks import check_all, repository_findings
from .checks.keys import scheme_deviation
from .errors import InputError
from .importer import plan_import
from .link import link
from .model import Finding, Library, Repository
from .rename import moved_fingerprints, plan_rename, sources_to_edit
from .render.citation import render_cff, render_citation, survey_record
from .render.exports import RENDERERS
from .render.latextable import render_latex_table
from .render.readme import render_readme
from .render.references import render_references
from .selection import Selection, select_records, split_keys
from .store import ARXIV_STORE, BIB_FILE, CFF_FILE, ENTRIES, LIST_FILE, README_FILE
from .store.entries import parse_entry
from .store.files import LOCK_WAIT, read_text, repository_lock, write_if_changed
from .store.plan import Plan, apply_plan
from .store.repository import load_repository
from .store.yamlfile import read_source
from .tex.scan import CitedKeys, scan_paths


def load_library(root: Path, *, complete: bool = True) -> Library:
    """The linked library of a repository; with ``complete``, refuse an unreadable entry."""
    repo = load_repository(root)
    if complete:
        require_complete(repo)
    return link(repo)


def require_complete(repo: Repository) -> None:
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
        files[readme] = render_readme(text, library, lambda: survey_record(library), readme)
    return files


def stale_files(files: dict[Path, str]) -> list[Path]:
    """The files whose content on disk differs from what build would write."""
    return [path for path, text in files.items() if read_text(path) != text]


def run_import(root: Path, markdown: Path, lock_wait: float = LOCK_WAIT) -> int:
    """Import a README into root/entries; the number of entries written."""
    if (root / ENTRIES / LIST_FILE).exists():
        raise InputError(f"{ENTRIES}/{LIST_FILE} exists already; import starts a new list",
                         root / ENTRIES / LIST_FILE)
    files = plan_import(read_source(markdown), markdown, root)
    root.mkdir(parents=True, exist_ok=True)
    with repository_lock(root, lock_wait):
        apply_plan(Plan.of(files))
    return len(files) - 1


def run_build(root: Path, check: bool = False, lock_wait: float = LOCK_WAIT) -> list[Path]:
    """Build (or with check, compare) the generated files; the paths written or stale."""
    if check:
        return stale_files(generated_files(load_library(root)))
    with repository_lock(root, lock_wait):
        return apply_plan(Plan.of(generated_files(load_library(root))))


def with_entry(repo: Repository, path: Path, text: str) -> Repository:
    """The repository with one more entry file, in the place loading would give it."""
    section = next(s for s in repo.sections if s.id == path.parent.name)
    entry = parse_entry(text, path, section)
    order = [s.id for s in repo.sections]
    entries = sorted((*repo.entries, entry),
                     key=lambda e: (order.index(e.section), e.path.name))
    return replace(repo, entries=tuple(entries))


PAPER_SUFFIXES = (".tex", ".ltx", ".aux")


def scan_papers(paths: Collection[Path]) -> CitedKeys:
    """The citations of LaTeX papers: .tex or .aux files, or folders of .tex files."""
    for path in paths:
        if not path.is_dir() and path.suffix.lower() not in PAPER_SUFFIXES:
            what = f"a {path.suffix} file" if path.suffix else "a file without an extension"
            raise InputError(f"{what} is no LaTeX paper: give a .tex file, an .aux file or a "
                             "folder of .tex files", path)
    return scan_paths(paths)


def write_output(root: Path, path: Path, text: str) -> None:
    """Write an export to a file of the user's, never over the repository's own files."""
    target = path.resolve()
    if not target.parent.is_dir():
        raise InputError(f"no folder {target.parent}: create it first, or write elsewhere",
                         path)
    owned = {root / BIB_FILE, root / CFF_FILE, root / README_FILE, root / ARXIV_STORE}
    if target in owned or (root / ENTRIES) in target.parents:
        raise InputError("is one of the repository's own files (build or you maintain it); "
                         "write the output elsewhere", path)
    write_if_changed(path, text)


def run_check(root: Path, papers: Collection[Path] = ()) -> list[Finding]:
    """Every finding on the repository and, when given, on LaTeX papers (.tex, .aux, folders)."""
    library = load_library(root, complete=False)
    # Files generated from a partly read repository would all look stale.
    stale = [] if library.problems else stale_files(generated_files(library))
    return check_all(library, stale, scan_papers(papers) if papers else None)


def run_cite(root: Path, fmt: str) -> str:
    """The survey's citation block in a format of ``render.citation.CITE_FORMATS``."""
    return render_citation(survey_record(load_library(root)), fmt)


def run_export(root: Path, fmt: str, keys: Collection[str] = (),
               sections: Collection[str] = (),
               sources: Collection[Path] = ()) -> tuple[str, int]:
    """The chosen records (all without a choice) in a format; the text and the record count."""
    library = load_library(root)
    cited = scan_papers(sources) if sources else None
    records = select_records(library, Selection(split_keys(keys), tuple(sections), cited))
    return RENDERERS[fmt](records), len(records)


def run_latex_table(root: Path, section: str) -> str:
    """The LaTeX table of a section."""
    return render_latex_table(load_library(root), section)


@dataclass(frozen=True, slots=True)
class RenameResult:
    """What a rename reports: one line per change and rebuilt file, and its warnings."""

    lines: tuple[str, ...]
    warnings: tuple[str, ...]


def run_rename(root: Path, old: str, new: str, tex: Collection[Path] = (),
               lock_wait: float = LOCK_WAIT) -> RenameResult:
    """Rename a key in the entries, records.bib, the generated files and LaTeX sources.

    Acknowledgements of findings about the key follow it; a new key that leaves the key
    scheme is warned about.
    """
    with repository_lock(root, lock_wait):
        repo = load_repository(root)
        require_complete(repo)
        library = link(repo)
        moved = moved_fingerprints(repository_findings(library), old, new)
        texts = {path: read_source(path) for path in sources_to_edit(library, old, moved)}
        cited = scan_papers(tex) if tex else None
        citing = {c.path for c in cited.citations if c.key == old} if cited else set()
        sources = {path: path.read_bytes() for path in citing}
        rename = plan_rename(repo, library, old, new, texts, cited, sources, moved)
        renamed = link(rename.repository)
        written = apply_plan(Plan.of(rename.sources, generated_files(renamed)))
    lines = [f"{_shown(c.path)}:{c.line}: {c.old} -> {c.new}" for c in rename.changes]
    rebuilt = [p for p in written if p not in rename.sources]
    return RenameResult(tuple(lines + [f"{_shown(path)}: rebuilt" for path in rebuilt]),
                        _scheme_warning(renamed, new))


def _scheme_warning(library: Library, key: str) -> tuple[str, ...]:
    record = library.record(key)
    expected = scheme_deviation(record) if record else None
    if expected is None:
        return ()
    return (f"'{key}' leaves the key scheme, which gives '{expected}': check reports it as "
            "key-scheme until an entry acknowledges it",)


def _shown(path: Path) -> str:
    """A path relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)

