"""The generated files of a repository and keeping them up to date."""

from __future__ import annotations

from pathlib import Path

from .bibfile import render_references
from .fileio import read_text, write_if_changed
from .model import Repository
from .store import BIB_FILE


def generated_files(repo: Repository) -> dict[Path, str]:
    """Every file build writes, with the text it should hold."""
    return {repo.root / BIB_FILE: render_references(repo)}


def stale_files(files: dict[Path, str]) -> list[Path]:
    """The files whose content on disk differs from what build would write."""
    return [path for path, text in files.items() if read_text(path) != text]


def write_files(files: dict[Path, str]) -> list[Path]:
    """Write the files that changed; the paths written."""
    return [path for path, text in files.items() if write_if_changed(path, text)]
