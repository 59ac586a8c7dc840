"""When each row of an imported README was added: the first commit that holds it.

``store.git.load_versions`` asks git for every committed version of the README (following
renames), each with its commit's author date; this module reads them, purely. A row is known
by its arXiv id, else its link, else its name, so that a row keeps its day when its
section's heading, its title or the form of its link change. A work listed in several
sections is counted: its second row was added when a version first held two rows of it
(rows already in their section in an older version come first, then list order).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Version
from .plan import list_rows


@dataclass(frozen=True, slots=True)
class History:
    """What the versions of a list say of its rows.

    ``counted[(identity, n)]`` is the first day a version held n rows of a work;
    ``placed["section|identity"]`` the first day a section held a row of it.
    """

    counted: Mapping[tuple[str, int], date] = field(default_factory=dict)
    placed: Mapping[str, date] = field(default_factory=dict)

    def days(self, rows: Sequence[tuple[str, Mapping[str, Any]]], today: date) -> list[date]:
        """The day each (section, row) of today's list was added; ``today`` if never committed."""
        days = [today] * len(rows)
        for identity, indexes in _rows_by_identity(rows).items():
            ranked = sorted(indexes, key=lambda i: self.placed.get(f"{rows[i][0]}|{identity}",
                                                                   today))
            for count, index in enumerate(ranked, start=1):
                days[index] = self.counted.get((identity, count), today)
        return days


def _rows_by_identity(rows: Sequence[tuple[str, Mapping[str, Any]]]) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = {}
    for index, (_, row) in enumerate(rows):
        identity = row_identity(row)
        if identity is not None:
            grouped.setdefault(identity, []).append(index)
    return grouped


def row_identity(row: Mapping[str, Any]) -> str | None:
    """How a row is recognised in older versions of its list.

    >>> row_identity({"name": "Moshi", "url": "https://arxiv.org/abs/2410.00037",
    ...               "arxiv": "2410.00037"})
    'arxiv:2410.00037'
    >>> row_identity({"name": "VCTK"})
    'name:vctk'
    """
    if row.get("arxiv"):
        return f"arxiv:{row['arxiv']}"
    if row.get("url"):
        return f"url:{row['url']}"
    label = row.get("name") or row.get("title") or row.get("key")
    return f"name:{str(label).casefold()}" if label else None


def read_history(versions: Iterable[Version], path: Path) -> History:
    """The first day each work, and each work in each section, is seen in the versions."""
    counted: dict[tuple[str, int], date] = {}
    placed: dict[str, date] = {}
    for version in versions:
        rows = _rows(version.text, path)
        for identity, indexes in _rows_by_identity(rows).items():
            for count in range(1, len(indexes) + 1):
                _keep_earliest(counted, (identity, count), version.day)
            for index in indexes:
                _keep_earliest(placed, f"{rows[index][0]}|{identity}", version.day)
    return History(counted, placed)


def _keep_earliest(days: dict[Any, date], key: object, day: date) -> None:
    if key not in days or day < days[key]:
        days[key] = day


def _rows(text: str, path: Path) -> list[tuple[str, dict[str, Any]]]:
    """The rows of one version; none from a version import cannot read."""
    try:
        return list_rows(text, path)
    except InputError:  # an old version's broken table says nothing of today's rows
        return []
