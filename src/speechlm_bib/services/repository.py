"""The commands that read the repository and write its generated files or an output."""

from __future__ import annotations

from pathlib import Path

from ..link import survey_records
from ..render.citation import render_citation
from ..render.latextable import render_latex_table
from ..store.cache import open_cache
from ..store.files import LOCK_WAIT, repository_lock
from ..store.plan import Plan, apply_plan
from .common import generated_files, load_library, stale_files


def run_build(root: Path, check: bool = False, lock_wait: float = LOCK_WAIT, *,
              cache: bool = True) -> list[Path]:
    """Build (or with check, compare) the generated files; the paths written or stale."""
    kept = open_cache(root, cache)
    if check:
        stale = stale_files(generated_files(load_library(root, cache=kept), kept))
        kept.save()
        return stale
    with repository_lock(root, lock_wait):
        written = apply_plan(Plan.of(generated_files(load_library(root, cache=kept), kept)))
    kept.save()
    return written


def run_cite(root: Path, fmt: str, *, cache: bool = True) -> str:
    """The survey's citation block in a format of ``render.citation.CITE_FORMATS``."""
    kept = open_cache(root, cache)
    text = render_citation(survey_records(load_library(root, cache=kept)), fmt)
    kept.save()
    return text


def run_latex_table(root: Path, section: str, *, cache: bool = True) -> str:
    """The LaTeX table of a section."""
    kept = open_cache(root, cache)
    text = render_latex_table(load_library(root, cache=kept), section)
    kept.save()
    return text


