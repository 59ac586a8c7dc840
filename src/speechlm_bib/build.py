"""The generated files of a repository and keeping them up to date."""

from __future__ import annotations

from pathlib import Path

from .bibfile import render_bib, to_library
from .fileio import read_text, write_if_changed
from .model import Record, Repository
from .records import collect_works
from .store import BIB_FILE


def generated_files(repo: Repository) -> dict[Path, str]:
    """Every file build writes, with the text it should hold."""
    from .export import to_records

    works = collect_works(repo)
    library = to_library(works, repo.terms)  # normalised once, for every file
    records = to_records(works, library)
    files = {repo.root / BIB_FILE: render_bib(library)}
    files.update(reader_files(repo, records))
    return files


def reader_files(repo: Repository,
                 records: tuple[Record, ...] | None = None) -> dict[Path, str]:
    """CITATION.cff (when list.yaml names the survey) and README.md (when it has blocks)."""
    from .citation import CFF_FILE, render_cff, survey_record
    from .export import load_records
    from .readme import README_FILE, render_readme

    files: dict[Path, str] = {}
    records = load_records(repo) if records is None else records
    if repo.survey is not None:
        files[repo.root / CFF_FILE] = render_cff(survey_record(repo, records))
    readme = repo.root / README_FILE
    text = read_text(readme)
    if text is not None and "speechlm-bib:begin" in text:
        files[readme] = render_readme(text, repo, records, readme)
    return files


def stale_files(files: dict[Path, str]) -> list[Path]:
    """The files whose content on disk differs from what build would write."""
    return [path for path, text in files.items() if read_text(path) != text]


def write_files(files: dict[Path, str]) -> list[Path]:
    """Write the files that changed; the paths written."""
    return [path for path, text in files.items() if write_if_changed(path, text)]
