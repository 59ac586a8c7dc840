"""Loading a whole repository into a ``Repository`` value."""

from __future__ import annotations

from pathlib import Path

from .model import Repository
from .store import (
    check_section_folders,
    entry_paths,
    load_arxiv_store,
    load_entry,
    load_hand_records,
    load_list_config,
    load_terms,
)


def load_repository(root: Path) -> Repository:
    """Read entries, sections, hand records, terms and stored arXiv metadata of a repository."""
    config = load_list_config(root)
    check_section_folders(root, config.sections)
    entries = tuple(load_entry(path, section) for section, path in
                    entry_paths(root, config.sections))
    return Repository(
        root=root,
        sections=config.sections,
        entries=entries,
        arxiv=load_arxiv_store(root),
        hand=load_hand_records(root),
        terms=load_terms(root),
        survey=config.survey,
        keep=config.keep,
    )
