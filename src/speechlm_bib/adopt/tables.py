"""One imported table: its section (each column with its role) and one entry a row.

A row keeps every cell: the name, title, date and venue as the Markdown they show, the
paper link as the entry's url (it decides the record), the other links of the link column
as the entry's ``links``, and every other column as the entry's own. Each cell is then
rendered back from the entry as build renders it; a cell that does not come back as it was
is kept under the entry's ``cells``, as written, so the table never loses a thing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..ids import arxiv_id_of_url, is_web_url
from ..mdinline import InlineLink, plain_text, single_link
from ..model import Column, ImportNote, Repair, Section
from ..refs import ref_of_link
from ..render.mdcells import LINK_LABEL, MISSING, SEPARATOR, delimiter, markdown_cell
from ..store.entries import parse_entry
from ..store.newfiles import render_entry
from .repairs import repair_cell
from .roles import (
    COLUMN,
    EMPTY,
    LINK,
    LINKS,
    Layout,
    assign_roles,
    cell_links,
    links_only,
    paper_link,
)
from .scan import Table, TableRow

BUILTIN_SOURCES = frozenset({"name", "title", "date", "venue", "link", "key"})


@dataclass(frozen=True, slots=True)
class Place:
    """Where a table stands in the README: its section id, heading, level and group."""

    id: str
    heading: str
    level: int = 2
    group: str | None = None


@dataclass(frozen=True, slots=True)
class AdoptedTable:
    """A table taken over: its section, each row's entry fields, the repairs it needed."""

    section: Section
    entries: tuple[dict[str, Any], ...]
    repairs: tuple[Repair, ...]
    unlinked: tuple[ImportNote, ...]
    roles: tuple[tuple[str, str], ...]


def adopt_table(table: Table, place: Place) -> AdoptedTable:
    """A table's section and entries, every cell kept and every repair recorded."""
    width = len(table.header.cells)
    repairs: list[Repair] = []
    header = [_repaired(cell, table.header, place.id, None, repairs)
              for cell in table.header.cells]
    rows = [_row_cells(row, width, place.id, number, repairs)
            for number, row in enumerate(table.rows, start=1)]
    layout = assign_roles(header, [[row[i] for row in rows] for i in range(width)])
    columns = _columns(header, table.aligns, layout, rows)
    section = Section(place.id, place.heading, columns, place.level, place.group, markdown=True)
    entries = tuple(_entry(cells, layout, section) for cells in rows)
    unlinked = tuple(ImportNote(row.line, f"{_label(entry)}: no paper link; the row cites "
                                "nothing until it is given a key and a record", place.id, number)
                     for number, (row, entry) in enumerate(zip(table.rows, entries,
                                                               strict=True), start=1)
                     if "url" not in entry)
    repairs += _layout_repairs(table, section, header, width)
    roles = tuple((plain_text(c.heading), role) for c, role in zip(columns, layout.roles,
                                                                      strict=True))
    return AdoptedTable(section, entries, tuple(sorted(repairs, key=_order)), unlinked, roles)


def _label(fields: dict[str, Any]) -> str:
    """What a row is called in the report: its name, else its title."""
    return repr(plain_text(str(fields.get("name") or fields.get("title") or "")) or "(empty)")


def _order(repair: Repair) -> tuple[int, int]:
    return repair.line, repair.kind == "whitespace"


def _repaired(cell: str, row: TableRow, section: str, number: int | None,
              repairs: list[Repair]) -> str:
    fixed, done = repair_cell(cell)
    repairs += [Repair(r.kind, row.line, section, number, r.before, r.after) for r in done]
    return fixed


def _row_cells(row: TableRow, width: int, section: str, number: int,
               repairs: list[Repair]) -> list[str]:
    cells = list(row.cells[:width]) + [""] * (width - len(row.cells))
    dropped = [cell for cell in row.cells[width:] if cell]
    if dropped:
        repairs.append(Repair("extra-cells", row.line, section, number,
                              " | ".join(row.cells[width:]), ""))
    return [_repaired(cell, row, section, number, repairs) for cell in cells]


def _layout_repairs(table: Table, section: Section, header: Sequence[str],
                    width: int) -> list[Repair]:
    """Lines whose layout build writes otherwise: padding, outer pipes, delimiters."""
    expected: list[tuple[TableRow, str, int | None]] = [
        (table.header, "| " + " | ".join(table.header.cells) + " |", None),
                (table.delimiter, "|" + "|".join(delimiter(c) for c in section.columns) + "|",
                 None)]
    for number, row in enumerate(table.rows, start=1):
        cells = list(row.cells[:width]) + [""] * (width - len(row.cells))
        expected.append((row, "| " + " | ".join(cells) + " |", number))
    return [Repair("whitespace", row.line, section.id, number, row.text.rstrip("\r"), line)
            for row, line, number in expected if row.text.rstrip("\r") != line]


def _columns(header: Sequence[str], aligns: Sequence[str | None], layout: Layout,
             rows: Sequence[Sequence[str]]) -> tuple[Column, ...]:
    used: set[str] = set()
    columns = []
    for index, (heading, role) in enumerate(zip(header, layout.roles, strict=True)):
        cells = [row[index] for row in rows]
        source = role if role not in {COLUMN, LINKS} else _own_source(heading, index, used)
        used.add(source)
        label, separator = _link_style(cells) if role == LINK else (None, None)
        columns.append(Column(
            heading, source, layout.linked and index == layout.paper, label, separator,
            aligns[index] if index < len(aligns) else None, _missing(cells)))
    return tuple(columns)


def _own_source(heading: str, index: int, used: set[str]) -> str:
    """The key of an own column in the entries: its heading as text, unique."""
    base = plain_text(heading) or f"Column {index + 1}"
    source, number = base, 2
    while source in used or source in BUILTIN_SOURCES:
        source, number = f"{base} ({number})", number + 1
    return source


def _link_style(cells: Sequence[str]) -> tuple[str | None, str | None]:
    """The label most paper links of a link column show, and what most often parts links."""
    labels = Counter(link.label for cell in cells if (link := paper_link(cell)) is not None
                     and link.kind == "inline")
    separators: Counter[str] = Counter()
    for cell in cells:
        links = cell_links(cell)
        if len(links) > 1 and links_only(cell):
            separators.update(cell[a.end:b.start] for a, b in pairwise(links))
    label = labels.most_common(1)[0][0] if labels else LINK_LABEL
    separator = separators.most_common(1)[0][0] if separators else SEPARATOR
    return (None if label == LINK_LABEL else label,
            None if separator == SEPARATOR else separator)


def _missing(cells: Sequence[str]) -> str | None:
    """What most empty cells of a column show, when it is not the default "-"."""
    empty = Counter(cell for cell in cells if cell in EMPTY)
    shown = empty.most_common(1)[0][0] if empty else MISSING
    return None if shown == MISSING else shown


def _entry(cells: Sequence[str], layout: Layout, section: Section) -> dict[str, Any]:
    """A row's entry fields; cells that would not come back as written are kept as such."""
    url = _url(cells, layout)
    fields: dict[str, Any] = {}
    for column, cell in zip(section.columns, cells, strict=True):
        if cell not in EMPTY:
            _put(fields, column, cell, url)
    if url is not None:
        fields.update(_link_fields(url.url))
    if not fields:  # a row of empty cells: it stays, as its first cell written out
        fields["cells"] = {section.columns[0].source: cells[0]}
    entry = parse_entry(render_entry(fields), Path(f"{section.id}.yaml"), section)
    written = {column.source: cell for column, cell in zip(section.columns, cells, strict=True)
               if markdown_cell(entry, column, None) != cell or entry.cell(column.source)
               is not None}
    if written:
        fields["cells"] = written
    return fields


def _link_fields(url: str) -> dict[str, str]:
    """The fields a paper link gives: the url, and the arXiv id, DOI or DBLP key it names.

    A DOI or DBLP key becomes the version the entry pins: sync fetches its record.

    >>> _link_fields("https://aclanthology.org/2024.acl-long.97")["published"]
    'doi:10.18653/v1/2024.acl-long.97'
    >>> _link_fields("http://arxiv.org/abs/2410.00037")
    {'url': 'http://arxiv.org/abs/2410.00037', 'arxiv': '2410.00037'}
    """
    fields = {"url": url}
    ref = ref_of_link(url)
    if ref is not None and ref.kind == "arxiv":
        fields["arxiv"] = ref.value
    elif ref is not None:
        fields["published"] = ref.id
    return fields


def _url(cells: Sequence[str], layout: Layout) -> InlineLink | None:
    """The row's paper link: from the paper column, else the first arXiv link of the row."""
    if layout.paper is not None:
        cell = cells[layout.paper]
        found = single_link(cell) if layout.linked else paper_link(cell)
        if found is not None and is_web_url(found.url):
            return found
    for cell in cells:
        for link in cell_links(cell):
            if arxiv_id_of_url(link.url) and is_web_url(link.url):
                return link
    return None


def _put(fields: dict[str, Any], column: Column, cell: str, url: InlineLink | None) -> None:
    """One cell into the entry: as its role's field, its links, or an own column."""
    if column.source == "link":
        links = cell_links(cell)
        others = [cell[link.start:link.end] for link in links if link != url]
        if others:
            fields["links"] = others
        if url in links and url is not None and url.kind == "inline" and \
                url.label != (column.label or LINK_LABEL):
            fields["label"] = url.label
    elif column.source in BUILTIN_SOURCES:
        fields[column.source] = _unlinked(cell, url) if column.linked else cell
    else:
        fields.setdefault("columns", {})[column.source] = cell


def _unlinked(cell: str, url: InlineLink | None) -> str:
    """A linked cell's label when the cell is exactly the paper link."""
    link = single_link(cell)
    return link.label if link is not None and url is not None and link == url else cell
