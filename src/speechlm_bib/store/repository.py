"""Loading a whole repository into a ``Repository`` value."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..bibtex.handrecords import parse_hand_records, record_problems
from ..errors import EntryError, InputError
from ..model import ArxivMetadata, Entry, HandRecord, Problem, Repository, Section
from . import ARXIV_STORE, ENTRIES, RECORDS_FILE, TERMS_FILE, memoised
from .arxivdata import parse_arxiv_store
from .entries import check_section_folders, entry_paths, load_entry, load_list_config
from .publisheddata import load_published_store
from .yamlfile import read_optional

if TYPE_CHECKING:
    from .cache import Cache


def load_repository(root: Path, cache: Cache | None = None) -> Repository:
    """Read entries, sections, hand records, terms and the stored metadata of a repository.

    An entry file that cannot be read is left out and kept as a problem, as is a malformed
    identifier of a hand record; anything else that cannot be read raises ``InputError``.
    With a cache, files read before with the same text are not parsed again.
    """
    config = load_list_config(root)
    check_section_folders(root, config.sections)
    entries, problems = _load_entries(entry_paths(root, config.sections), cache)
    hand = load_hand_records(root, cache)
    return Repository(
        root=root,
        sections=config.sections,
        entries=entries,
        arxiv=load_arxiv(root, cache),
        hand=hand,
        terms=load_terms(root),
        surveys=config.surveys,
        citation=config.citation,
        keep=config.keep,
        problems=problems + record_problems(hand.values(), root / ENTRIES / RECORDS_FILE),
        published=load_published_store(root, cache.section("hand") if cache else None),
    )


def _load_entries(
    paths: list[tuple[Section, Path]], cache: Cache | None = None,
) -> tuple[tuple[Entry, ...], tuple[Problem, ...]]:
    entries: list[Entry] = []
    problems: list[Problem] = []
    memo = cache.section("entries") if cache is not None else None
    for section, path in paths:
        try:
            entries.append(load_entry(path, section) if memo is None
                           else memoised.load_entry(path, section, memo))
        except InputError as error:
            code = error.code if isinstance(error, EntryError) else "invalid-entry"
            problems.append(Problem(code, error.path or path, error.line,
                                         error.message, error.column))
    return tuple(entries), tuple(problems)


def load_terms(root: Path) -> tuple[str, ...]:
    """The protected terms of entries/terms.txt, one a line, '#' starting a comment."""
    text = read_optional(root / ENTRIES / TERMS_FILE)
    if text is None:
        return ()
    terms = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return tuple(term for term in terms if term)


def load_arxiv(root: Path, cache: Cache | None = None) -> dict[str, ArxivMetadata]:
    """The arXiv metadata sync stored in data/arxiv.json, by id."""
    path = root / ARXIV_STORE
    text = read_optional(path)
    if text is None:
        return {}
    if cache is not None:
        return memoised.parse_arxiv_store(text, path, cache.section("arxiv"))
    return parse_arxiv_store(text, path)


def load_hand_records(root: Path, cache: Cache | None = None) -> dict[str, HandRecord]:
    """The hand-maintained records of entries/records.bib, by key."""
    path = root / ENTRIES / RECORDS_FILE
    text = read_optional(path)
    if text is None:
        return {}
    if cache is not None:
        return memoised.parse_hand_records(text, path, cache.section("hand"))
    return parse_hand_records(text, path)


