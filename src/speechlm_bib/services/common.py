"""What the commands share: the linked library, the generated files, outputs and papers."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..link import link, survey_record, survey_records
from ..memo import FilesDigest, Memo, digest, recorded_reads
from ..model import Library, Record, Repository
from ..render.citation import render_cff
from ..render.readme import render_readme
from ..render.references import render_references
from ..store import ARXIV_STORE, BIB_FILE, CFF_FILE, ENTRIES, README_FILE
from ..store.entries import parse_entry
from ..store.files import read_text, write_if_changed
from ..store.memoised import keep_arxiv_store, keep_entry
from ..store.repository import load_repository

if TYPE_CHECKING:
    from ..store.cache import Cache
    from ..store.plan import Plan
    from ..tex.scan import CitedKeys


LINKED = "linked"
"""The cache's section of the digests of the records of a repository read from files."""
KEPT_LINKED = 4
"""How many repositories' digests of records the cache keeps (the most recently used)."""


def load_library(root: Path, *, complete: bool = True, cache: Cache | None = None) -> Library:
    """The linked library of a repository; with ``complete``, refuse an unreadable entry.

    With a cache, what was parsed or normalised before from the same data (the same files
    read, ``memo.recorded_reads``) is taken from it.
    """
    repo, reads = read_repository(root, cache)
    if complete:
        require_complete(repo)
    return link_library(repo, cache, reads.hexdigest() if cache is not None else None)


def read_repository(root: Path, cache: Cache | None = None) -> tuple[Repository, FilesDigest]:
    """A repository loaded from root, and the files the load read (``memo.recorded_reads``)."""
    with recorded_reads() as reads:
        repo = load_repository(root, cache)
    return repo, reads


def link_library(repo: Repository, cache: Cache | None = None,
                 sources: str | None = None) -> Library:
    """The linked library of a loaded repository, its records normalised through the cache.

    ``sources`` is the digest of the files it was loaded from (``memo.recorded_reads``), when
    it is as loaded.
    """
    if cache is None:
        return link(repo)
    kept = (cache.section(LINKED, complete=False, limit=KEPT_LINKED), sources) if sources else None
    return link(repo, memo=cache.section("records"), sources=kept)


def require_complete(repo: Repository) -> None:
    """Stop at the first entry file that could not be read (``check`` reports them all)."""
    if repo.problems:
        problem = repo.problems[0]
        raise InputError(problem.message, problem.path, problem.line, problem.column)


def generated_files(library: Library, cache: Cache | None = None) -> dict[Path, str]:
    """Every file build writes, with the text it should hold."""
    root = library.root
    memo = cache.section("bibtex") if cache is not None else None
    files = {root / BIB_FILE: render_references(library, memo)}
    if library.survey is not None:
        files[root / CFF_FILE] = _cff(survey_record(library), memo)
    readme = root / README_FILE
    text = read_text(readme)
    if text is not None and "speechlm-bib:begin" in text:
        files[readme] = render_readme(text, library, lambda: survey_records(library),
                                      readme, memo)
    return files


def _cff(record: Record, memo: Memo | None) -> str:
    """CITATION.cff, kept in the memo under the digest of what it is made from."""
    key = digest("cff", record.key, record.type, record.fields, record.sections)
    kept = memo.get(key) if memo is not None else None
    if isinstance(kept, str):
        return kept
    text = render_cff(record)
    if memo is not None:
        memo.put(key, text)
    return text


def stale_files(files: dict[Path, str]) -> list[Path]:
    """The files whose content on disk differs from what build would write."""
    return [path for path, text in files.items() if read_text(path) != text]


def keep_written(repo: Repository, plan: Plan, written: Collection[Path],
                 cache: Cache) -> None:
    """Keep the entry files and the arXiv store a command's plan wrote parsed in the cache.

    The next command then finds them as they are: after a first sync has pinned the key of
    every entry and stored every work's metadata, or an entry was added or renamed, the
    command that follows parses neither every entry file nor data/arxiv.json again.
    """
    if cache.folder is None:
        return
    sections, texts = {s.id: s for s in repo.sections}, dict(plan.writes)
    for path in written:
        section, text = sections.get(path.parent.name), texts[path]
        if not isinstance(text, str):
            continue
        if section is not None and path.parent.parent == repo.root / ENTRIES:
            keep_entry(path, section, text, cache.section("entries"))
        elif path == repo.root / ARXIV_STORE:
            keep_arxiv_store(text, path, cache.section("arxiv"))


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
    from ..tex.files import scan_paths  # the scanner loads only when there are papers

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


