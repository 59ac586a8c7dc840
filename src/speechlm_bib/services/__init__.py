"""What each command does, between the CLI and the core: load, link, compute, write if changed.

Every ``run_*`` function is one command: it reads what it needs from the store, links the
repository once, calls pure steps (renderers, checks, plans) and writes through a plan.
Settings come in as arguments; nothing here reads the environment or prints.

The names below load their module on first use (PEP 562), so that a command loads only the
service it runs, not every other command's dependencies.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .add import run_add
    from .adoption import run_import
    from .common import generated_files, load_library, scan_papers, write_output
    from .papers import CheckReport, ExportResult, load_paper, run_check, run_export
    from .rename import RenameResult, run_rename
    from .repository import run_build, run_cite, run_latex_table
    from .site import run_site
    from .sync import run_sync

_MODULES = {
    "run_add": "add", "generated_files": "common", "load_library": "common",
    "scan_papers": "common", "write_output": "common", "CheckReport": "papers",
    "ExportResult": "papers", "load_paper": "papers", "run_check": "papers",
    "run_export": "papers", "RenameResult": "rename", "run_rename": "rename",
    "run_build": "repository", "run_cite": "repository", "run_import": "adoption",
    "run_latex_table": "repository", "run_site": "site", "run_sync": "sync",
}


def __getattr__(name: str) -> Any:
    """A service's name, its module loaded on first use."""
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "CheckReport", "ExportResult", "RenameResult", "generated_files", "load_library",
    "load_paper", "run_add", "run_build",
    "run_check", "run_cite", "run_export", "run_import", "run_latex_table", "run_rename",
    "run_site", "run_sync", "scan_papers", "write_output",
]
