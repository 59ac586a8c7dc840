"""What each command does, between the CLI and the core: load, link, compute, write if changed.

Every ``run_*`` function is one command: it reads what it needs from the store, links the
repository once, calls pure steps (renderers, checks, plans) and writes through a plan.
Settings come in as arguments; nothing here reads the environment or prints.
"""

from __future__ import annotations

from .add import run_add
from .common import generated_files, load_library, scan_papers, write_output
from .papers import CheckReport, ExportResult, load_paper, run_check, run_export
from .rename import RenameResult, run_rename
from .repository import run_build, run_cite, run_import, run_latex_table
from .site import run_site
from .sync import run_sync

__all__ = [
    "CheckReport", "ExportResult", "RenameResult", "generated_files", "load_library",
    "load_paper", "run_add", "run_build",
    "run_check", "run_cite", "run_export", "run_import", "run_latex_table", "run_rename",
    "run_site", "run_sync", "scan_papers", "write_output",
]
