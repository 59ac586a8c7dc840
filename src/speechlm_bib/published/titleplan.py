"""Sync planning for title searches: which rows to search, what the searches changed.

Pure functions between the linked rows and `services.titles`. A row is searched when it is
linked to nothing (`model.Row.unlinked`), has a title that identifies a work
(`titles.identifies_work`) and no search of its title is stored (with ``refresh``, none that
linked it). Rows sharing a title (after folding) share one search. A search that failed
leaves nothing behind: its rows are searched again by the next sync.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..model import CANDIDATES, LINKED, NONE, PublishedData, Row, TitleSearch
from .rule import fold_title
from .titles import identifies_work, stated_year

SEARCH, SHORT, BEFORE, FAILED = "search", "too-short", "searched-before", "failed"


@dataclass(frozen=True, slots=True)
class TitleQuery:
    """One title to search: as the first of its rows writes it, and the year they state."""

    title: str
    year: int | None


@dataclass(frozen=True, slots=True)
class PlannedRow:
    """An unlinked row with a title, and what sync does with it."""

    path: Path
    shown: str
    """The entry file as the summary names it (relative to the repository)."""
    folded: str
    title: str
    status: str
    """``SEARCH``, ``SHORT`` (too short to identify a work) or ``BEFORE`` (searched before)."""


@dataclass(frozen=True, slots=True)
class TitlePlan:
    """Every unlinked row with a title, in list order, and the titles to search."""

    rows: tuple[PlannedRow, ...] = ()
    queries: Mapping[str, TitleQuery] = field(default_factory=dict)
    """By folded title, in the order of their first row."""


@dataclass(frozen=True, slots=True)
class TitleChange:
    """What the title search did for one row."""

    entry: str
    """The entry file, relative to the repository."""
    kind: str
    """``LINKED``, ``CANDIDATES``, ``NONE``, ``SHORT``, ``BEFORE`` or ``FAILED``."""
    title: str
    search: TitleSearch | None = None
    """The search's outcome: new, or stored before (``BEFORE``)."""
    reason: str = ""
    """Why the search failed, naming the service."""


@dataclass(frozen=True, slots=True)
class TitleOutcome:
    """What the title part of a sync did."""

    changes: tuple[TitleChange, ...] = ()
    requests: Mapping[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> int:
        """How many rows had a change of this kind."""
        return sum(change.kind == kind for change in self.changes)

    @property
    def failed(self) -> tuple[TitleChange, ...]:
        """The rows whose search failed."""
        return tuple(change for change in self.changes if change.kind == FAILED)

    @property
    def searched(self) -> bool:
        """Whether a search gave an answer (found something or nothing)."""
        return any(change.kind in {LINKED, CANDIDATES, NONE} for change in self.changes)


def plan_titles(rows: Iterable[Row], stored: Mapping[str, TitleSearch], root: Path,
                refresh: bool = False, only: Collection[str] = ()) -> TitlePlan:
    """The unlinked rows with a title (those citing ``only`` keys, or all) and what to search."""
    planned: list[PlannedRow] = []
    years: dict[str, list[int]] = {}
    titles: dict[str, str] = {}
    for row in rows:
        title = row.entry.title
        if not row.unlinked or not title or (only and row.entry.key not in only):
            continue
        folded = fold_title(title)
        status = _status(title, stored.get(folded), refresh)
        planned.append(PlannedRow(row.entry.path, _shown(row.entry.path, root), folded, title,
                                  status))
        if status == SEARCH:
            titles.setdefault(folded, title)
            year = stated_year(row.entry)
            years.setdefault(folded, []).extend([year] if year is not None else [])
    queries = {f: TitleQuery(t, min(years[f], default=None)) for f, t in titles.items()}
    return TitlePlan(tuple(planned), queries)


def _status(title: str, stored: TitleSearch | None, refresh: bool) -> str:
    if not identifies_work(title):
        return SHORT
    if stored is not None and (not refresh or stored.kind == LINKED):
        return BEFORE
    return SEARCH


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def links_of(plan: TitlePlan, searches: Mapping[str, TitleSearch]) -> dict[Path, tuple[str, str]]:
    """The line each searched row gets: ``("arxiv", ID)`` or ``("published", "dblp:KEY")``."""
    links: dict[Path, tuple[str, str]] = {}
    for row in plan.rows:
        search = searches.get(row.folded) if row.status == SEARCH else None
        if search is not None and search.arxiv is not None:
            links[row.path] = ("arxiv", search.arxiv)
        elif search is not None and search.published is not None:
            links[row.path] = ("published", search.published)
    return links


def changes_of(plan: TitlePlan, searches: Mapping[str, TitleSearch],
               failed: Mapping[str, str], stored: Mapping[str, TitleSearch]) -> list[TitleChange]:
    """One change per planned row, in list order."""
    changes = []
    for row in plan.rows:
        if row.status == SHORT:
            changes.append(TitleChange(row.shown, SHORT, row.title))
        elif row.status == BEFORE:
            changes.append(TitleChange(row.shown, BEFORE, row.title, stored[row.folded]))
        elif row.folded in failed:
            changes.append(TitleChange(row.shown, FAILED, row.title, reason=failed[row.folded]))
        else:
            search = searches[row.folded]
            changes.append(TitleChange(row.shown, search.kind, row.title, search))
    return changes


def merge_searches(store: PublishedData, searches: Mapping[str, TitleSearch]) -> PublishedData:
    """The store with the searches added (failed searches add nothing)."""
    return replace(store, titles={**store.titles, **searches})
