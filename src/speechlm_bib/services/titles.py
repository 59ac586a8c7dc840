"""Rows linked to nothing, linked by their title in sync: the network half of `published.titles`.

Plan which rows to search (`published.titleplan`), search DBLP once per title through the
sync's `Lookup`, decide each title (`published.titles.decide_title`), and hand back the
repository with each linked row's entry as it will be written (an ``arxiv:`` or
``published:`` line added, every other line of the file as it was), the searches stored,
and the texts of the edited entry files. Sync then fetches the linked works as any others.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import InputError
from ..link import link
from ..model import Entry, Repository, Section, TitleSearch
from ..published.titleplan import (
    TitleOutcome,
    TitlePlan,
    changes_of,
    links_of,
    merge_searches,
    plan_titles,
)
from ..published.titles import decide_title
from ..sources import ProgressBar
from ..store.entries import parse_entry
from ..store.newfiles import ENTRY_ORDER
from ..store.plan import add_field
from ..store.yamlfile import read_source
from .lookup import Lookup


@dataclass(frozen=True, slots=True)
class TitleLinks:
    """The repository with rows linked by their titles, what was done, the edited entries."""

    repo: Repository
    outcome: TitleOutcome = field(default_factory=TitleOutcome)
    texts: Mapping[Path, str] = field(default_factory=dict)
    """The new text of each entry file a link was added to."""


def link_titles(repo: Repository, lookup: Lookup, refresh: bool = False,
                only: Collection[str] = (), bar: ProgressBar | None = None) -> TitleLinks:
    """Search DBLP by the title of each unlinked row not searched before; link what is one work."""
    stored = repo.published.titles
    plan = plan_titles(link(repo).rows, stored, repo.root, refresh, only)
    if not plan.queries:
        return TitleLinks(repo, TitleOutcome(tuple(changes_of(plan, {}, {}, stored))))
    before = lookup.dblp.client.requests
    hits, failed = lookup.search_titles({f: q.title for f, q in plan.queries.items()}, bar)
    searches = {folded: decide_title(plan.queries[folded].title, found,
                                     plan.queries[folded].year)
                for folded, found in hits.items()}
    texts, entries = _edits(repo, plan, searches)
    linked = replace(repo, entries=tuple(entries.get(e.path, e) for e in repo.entries),
                     published=merge_searches(repo.published, searches))
    outcome = TitleOutcome(tuple(changes_of(plan, searches, failed, stored)),
                           {"DBLP": lookup.dblp.client.requests - before})
    return TitleLinks(linked, outcome, texts)


def _edits(repo: Repository, plan: TitlePlan,
           searches: Mapping[str, TitleSearch]) -> tuple[dict[Path, str], dict[Path, Entry]]:
    """The new text and entry of every row a search links."""
    sections = {section.id: section for section in repo.sections}
    current = {entry.path: entry for entry in repo.entries}
    texts: dict[Path, str] = {}
    entries: dict[Path, Entry] = {}
    for path, (name, value) in links_of(plan, searches).items():
        texts[path] = _with_line(path, name, value)
        entries[path] = _parsed(texts[path], current[path], sections[current[path].section],
                                name, value)
    return texts, entries


def _with_line(path: Path, name: str, value: str) -> str:
    """The entry file's text with the link's line where the field order puts it."""
    later = ENTRY_ORDER[ENTRY_ORDER.index(name) + 1:]
    return add_field(read_source(path), _line(name, value), later)


def _line(name: str, value: str) -> str:
    """The line linking a row: an arXiv id quoted (YAML would read 2410.10000 as a number)."""
    return f"arxiv: '{value}'" if name == "arxiv" else f"{name}: {value}"


def _parsed(text: str, entry: Entry, section: Section, name: str, value: str) -> Entry:
    """The entry the edited text states; `InputError` when the edit does not say the link."""
    try:
        edited = parse_entry(text, entry.path, section)
    except InputError:
        edited = entry
    if getattr(edited, name) != value:
        raise InputError(f"its title links it to {name} {value}, but the line cannot be added "
                         f"to the file as written: add `{_line(name, value)}` by hand",
                         entry.path)
    return edited
