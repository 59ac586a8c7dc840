"""The commands that read the repository and write its generated files or an output."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

from ..link import survey_records
from ..render.citation import render_citation
from ..render.latextable import render_latex_table
from ..store.cache import kept_for
from ..store.files import LOCK_WAIT, repository_lock
from ..store.plan import Plan, apply_plan
from .common import (
    generated_files,
    link_library,
    load_library,
    read_repository,
    require_complete,
    stale_files,
)
from .settled import is_settled, settle, settled_key


def run_build(root: Path, check: bool = False, lock_wait: float = LOCK_WAIT, *,
              cache: bool = True) -> list[Path]:
    """Build (or with check, compare) the generated files; the paths written or stale.

    A repository settled since it was last built (``services.settled``) has none.
    """
    with (nullcontext() if check else repository_lock(root, lock_wait),
          kept_for(root, cache) as kept):
        repo, reads = read_repository(root, kept)
        require_complete(repo)
        sources = reads.hexdigest()
        if is_settled(kept, settled_key(root, sources)):
            return []
        files = generated_files(link_library(repo, kept, sources), kept)
        paths = stale_files(files) if check else apply_plan(Plan.of(files))
        if not (check and paths):
            settle(kept, settled_key(root, sources, files))
        return paths


def run_cite(root: Path, fmt: str, *, cache: bool = True) -> str:
    """The survey's citation block in a format of ``render.citation.CITE_FORMATS``."""
    with kept_for(root, cache) as kept:
        return render_citation(survey_records(load_library(root, cache=kept)), fmt)


def run_latex_table(root: Path, section: str, *, cache: bool = True) -> str:
    """The LaTeX table of a section."""
    with kept_for(root, cache) as kept:
        return render_latex_table(load_library(root, cache=kept), section)


