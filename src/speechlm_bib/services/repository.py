"""The commands that read the repository and write its generated files or an output."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import date
from pathlib import Path

from ..adopt.plan import plan_adoption
from ..checks import check_all
from ..errors import InputError
from ..history import read_history
from ..link import survey_records
from ..model import Finding, ImportReport
from ..render.citation import render_citation
from ..render.exports import RENDERERS
from ..render.latextable import render_latex_table
from ..selection import Selection, select_records, split_keys
from ..store import ENTRIES, LIST_FILE, README_FILE, RECORDS_FILE
from ..store.files import LOCK_WAIT, read_text, repository_lock
from ..store.git import load_versions
from ..store.newfiles import with_ignores
from ..store.plan import Plan, apply_plan
from ..store.yamlfile import read_source
from .common import generated_files, load_library, scan_papers, stale_files


def run_import(root: Path, markdown: Path, *, dry_run: bool = False,
               lock_wait: float = LOCK_WAIT, today: date | None = None) -> ImportReport:
    """Adopt a README: its tables under markers, entries/ written; the report.

    The README is taken over in place when it is the repository's own README.md; another
    file is copied there, with its markers, when the repository has no README yet. Each
    entry records the day its row was first committed when the README has git history,
    else the day of the import.
    """
    readme = root / README_FILE
    records = root / ENTRIES / RECORDS_FILE
    history = read_history(load_versions(markdown), markdown)
    adoption = plan_adoption(read_source(markdown), markdown, root, read_text(records),
                             history, today)
    report = replace(adoption.report, dry_run=dry_run)
    if report.nothing_to_import:
        return report
    _check_new_list(root, markdown, readme)
    if dry_run:
        return report
    ignore = root / ".gitignore"
    root.mkdir(parents=True, exist_ok=True)
    with repository_lock(root, lock_wait):
        written = apply_plan(Plan.of(adoption.files, {readme: adoption.readme},
                                     {ignore: with_ignores(read_text(ignore))}))
    return replace(report, written=tuple(p.relative_to(root).as_posix() for p in written))


def _check_new_list(root: Path, markdown: Path, readme: Path) -> None:
    """Refuse to import over a list, or over a README other than the one imported."""
    if (root / ENTRIES / LIST_FILE).exists():
        raise InputError("a list exists already here: add rows to it with `speechlm-bib add` "
                         "or by editing entries/, or import into an empty folder",
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


def run_check(root: Path, papers: Collection[Path] = ()) -> list[Finding]:
    """Every finding on the repository and, when given, on LaTeX papers (.tex, .aux, folders)."""
    library = load_library(root, complete=False)
    # Files generated from a partly read repository would all look stale.
    stale = [] if library.problems else stale_files(generated_files(library))
    return check_all(library, stale, scan_papers(papers) if papers else None)


def run_cite(root: Path, fmt: str) -> str:
    """The survey's citation block in a format of ``render.citation.CITE_FORMATS``."""
    return render_citation(survey_records(load_library(root)), fmt)


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


