"""Cells an entry shows as written: they must still show the entry's own link.

A Markdown list keeps a cell as written when its fields would not render it as it was. Such a
cell does not follow the entry: when its url changes, the cell must change with it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..mdinline import find_links
from ..model import Column, Entry, Finding, Library
from .common import finding


def check_cells(library: Library) -> Iterator[Finding]:
    """Cells kept as written, in the column that shows the row's url, that no longer link it."""
    columns = {section.id: section.columns for section in library.sections if section.markdown}
    for row in library.rows:
        entry = row.entry
        for column in columns.get(entry.section, ()):
            written = entry.cell(column.source)
            if written is not None and _shows_url(column) and not _links_url(entry, written):
                yield finding(
                    library, "warning", "stale-cell", entry.path, entry.line_of("cells"),
                    row.key, f"the cell '{column.source}' is kept as written and does not link "
                    f"the row's url {entry.url}: change the cell, or delete it to have it "
                    "rendered from the entry", f"{column.source} {entry.url} {written}")


def _shows_url(column: Column) -> bool:
    return column.source == "link" or column.linked


def _links_url(entry: Entry, written: str) -> bool:
    return entry.url is None or any(link.url == entry.url for link in find_links(written))
