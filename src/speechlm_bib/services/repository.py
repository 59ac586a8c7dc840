"""The commands that read the repository and write its generated files or an output."""

from __future__ import annotations

from pathlib import Path

from ..link import survey_records
from ..render.citation import render_citation
from ..render.latextable import render_latex_table
from ..store.cache import kept_for
from ..store.files import LOCK_WAIT, repository_lock
from ..store.plan import Plan, apply_plan
from .common import generated_files, load_library, stale_files


def run_build(root: Path, check: bool = False, lock_wait: float = LOCK_WAIT, *,
              cache: bool = True) -> list[Path]:
    """Build (or with check, compare) the generated files; the paths written or stale."""
    if check:
        with kept_for(root, cache) as kept:
            return stale_files(generated_files(load_library(root, cache=kept), kept))
    with repository_lock(root, lock_wait), kept_for(root, cache) as kept:
        return apply_plan(Plan.of(generated_files(load_library(root, cache=kept), kept)))


def run_cite(root: Path, fmt: str, *, cache: bool = True) -> str:
    """The survey's citation block in a format of ``render.citation.CITE_FORMATS``."""
    with kept_for(root, cache) as kept:
        return render_citation(survey_records(load_library(root, cache=kept)), fmt)


def run_latex_table(root: Path, section: str, *, cache: bool = True) -> str:
    """The LaTeX table of a section."""
    with kept_for(root, cache) as kept:
        return render_latex_table(load_library(root, cache=kept), section)


