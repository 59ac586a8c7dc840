"""The rename command: a key changed in every file that holds it, at once."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from ..checks.keys import scheme_deviation
from ..model import Library
from ..rename import moved_fingerprints, plan_rename, sources_to_edit
from ..store.cache import kept_for
from ..store.files import LOCK_WAIT, repository_lock
from ..store.plan import Plan, apply_plan
from ..store.yamlfile import read_source
from .common import (
    generated_files,
    keep_written,
    link_library,
    read_repository,
    require_complete,
    scan_papers,
)
from .papers import checks_report


@dataclass(frozen=True, slots=True)
class RenameResult:
    """What a rename reports: one line per change and rebuilt file, and its warnings."""

    lines: tuple[str, ...]
    warnings: tuple[str, ...]


def run_rename(root: Path, old: str, new: str, tex: Collection[Path] = (),
               lock_wait: float = LOCK_WAIT, *, cache: bool = True) -> RenameResult:
    """Rename a key in the entries, records.bib, the generated files and LaTeX sources.

    Acknowledgements of findings about the key follow it; a new key that leaves the key
    scheme is warned about.
    """
    with repository_lock(root, lock_wait), kept_for(root, cache) as kept:
        repo, reads = read_repository(root, kept)
        require_complete(repo)
        files_read = reads.hexdigest()
        library = link_library(repo, kept, files_read)
        moved = moved_fingerprints(checks_report(library, files_read, kept), old, new)
        texts = {path: read_source(path) for path in sources_to_edit(library, old, moved)}
        cited = scan_papers(tex) if tex else None
        citing = {c.path for c in cited.citations if c.key == old} if cited else set()
        sources = {path: path.read_bytes() for path in citing}
        rename = plan_rename(repo, library, old, new, texts, cited, sources, moved)
        renamed = link_library(rename.repository, kept)
        plan = Plan.of(rename.sources, generated_files(renamed, kept))
        written = apply_plan(plan)
        keep_written(rename.repository, plan, written, kept)
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

