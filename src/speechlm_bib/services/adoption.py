"""The import command: an awesome list's README taken over in place."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from ..adopt.history import read_history
from ..adopt.plan import plan_adoption
from ..errors import InputError
from ..model import ImportReport
from ..store import ENTRIES, LIST_FILE, README_FILE, RECORDS_FILE
from ..store.files import LOCK_WAIT, read_text, repository_lock
from ..store.git import load_versions
from ..store.newfiles import with_ignores
from ..store.plan import Plan, apply_plan
from ..store.yamlfile import read_source


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
