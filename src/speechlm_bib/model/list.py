"""The list as its files state it: sections, their columns, the entries (one a row)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .pairs import last_value

_BUILTIN_SOURCES = frozenset({"name", "title", "date", "venue"})


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a section's table: its heading and where its cell comes from.

    ``source`` is ``name``, ``title``, ``date``, ``venue``, ``link`` (rendered as a link to
    the entry's url, followed by its other ``links``) or ``key``; any other value names a key
    of the entry's ``columns`` mapping. ``linked`` makes the cell a link to the entry's url
    (the datasets table links names). ``label`` is the text of the url's link in a ``link``
    column (default "Link"), ``separator`` what stands between the links of that cell
    (default ", "), ``align`` the column's alignment (left, center, right) and ``missing``
    what an empty cell shows (default "-").
    """

    heading: str
    source: str
    linked: bool = False
    label: str | None = None
    separator: str | None = None
    align: str | None = None
    missing: str | None = None


@dataclass(frozen=True, slots=True)
class Section:
    """A table of the list: an id (its folder under entries/), a heading and its columns.

    ``markdown`` says that its entries' values are Markdown, shown in the table as written
    (an imported list); otherwise they are plain text, escaped.
    """

    id: str
    heading: str
    columns: tuple[Column, ...]
    level: int = 2
    group: str | None = None
    intro: str | None = None
    markdown: bool = False

    @property
    def extra_columns(self) -> tuple[str, ...]:
        """The headings of the columns whose cells come from an entry's own ``columns``."""
        builtin = {"name", "title", "link", "key"}
        return tuple(c.source for c in self.columns if c.source not in builtin)


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """A maintainer's decision that a finding is not a problem, with the reason."""

    code: str
    reason: str
    about: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of the list, as its YAML file under entries/ states it.

    ``name``, ``title``, ``date``, ``venue`` and ``columns`` are plain text. In a Markdown
    section ``shown`` keeps the Markdown each of them was written in, by column source;
    ``label`` is the text of its url's link when it is not the column's, ``links`` the row's
    other links (Markdown links) after it, and ``cells`` the cells shown exactly as written,
    by column source.
    """

    path: Path
    section: str
    name: str | None = None
    title: str | None = None
    url: str | None = None
    arxiv: str | None = None
    key: str | None = None
    columns: tuple[tuple[str, str], ...] = ()
    acknowledge: tuple[Acknowledgement, ...] = ()
    lines: tuple[tuple[str, int], ...] = ()
    added: str | None = None
    """The date the row was added to the list, YYYY-MM-DD."""
    date: str | None = None
    venue: str | None = None
    links: tuple[str, ...] = ()
    cells: tuple[tuple[str, str], ...] = ()
    shown: tuple[tuple[str, str], ...] = ()
    label: str | None = None
    published: str | None = None
    """The maintainers' decision on the published version: ``KEEP_PREPRINT``, or the id of
    a version (``doi:10...``, ``dblp:KEY``) to take; None lets sync decide."""

    def line_of(self, name: str) -> int:
        """The line of a top-level field in the entry's file (1 when unknown)."""
        return last_value(self.lines, name, 1)

    def column(self, heading: str) -> str | None:
        """The value of one of the entry's section columns, or None."""
        return last_value(self.columns, heading)

    def value(self, source: str) -> str | None:
        """The plain text of a column source: name, title, date, venue or an own column."""
        if source in _BUILTIN_SOURCES:
            value: str | None = getattr(self, source)
            return value
        return self.column(source)

    def markdown(self, source: str) -> str | None:
        """The Markdown a column source was written in (Markdown sections), or None."""
        return last_value(self.shown, source)

    def cell(self, heading: str) -> str | None:
        """The cell of a column as written in the entry's ``cells``, or None."""
        return last_value(self.cells, heading)
