"""The cells of a Markdown section: each entry's values shown as written.

A Markdown section (an imported list) keeps its cells in the Markdown its maintainers
wrote, so a cell is the entry's value itself, a link around it, or the row's links. A cell
the entry keeps under ``cells`` is shown exactly as written there. Nothing here looks at
records: such a table shows what the entries say and nothing else, so that sync never
changes it.
"""

from __future__ import annotations

from ..model import Column, Entry

MISSING = "-"
LINK_LABEL = "Link"
SEPARATOR = ", "


def markdown_cell(entry: Entry, column: Column, key: str | None) -> str:
    """The Markdown of one cell of an entry's row."""
    written = entry.cell(column.source)
    if written is not None:
        return written
    missing = MISSING if column.missing is None else column.missing
    if column.source == "key":
        return f"`{key}`" if key else missing
    if column.source == "link":
        return link_cell(entry, column) or missing
    value = entry.markdown(column.source)
    if value is None:
        return missing
    return f"[{value}]({entry.url})" if column.linked and entry.url else value


def link_cell(entry: Entry, column: Column) -> str:
    """The row's url as a link labelled as the entry or the column says, then its other links.

    >>> from pathlib import Path
    >>> entry = Entry(Path("a.yaml"), "s", url="https://arxiv.org/abs/2410.00037",
    ...               links=("[code](https://github.com/kyutai-labs/moshi)",))
    >>> link_cell(entry, Column("Link", "link", label="paper"))
    '[paper](https://arxiv.org/abs/2410.00037), [code](https://github.com/kyutai-labs/moshi)'
    """
    label = entry.label or (LINK_LABEL if column.label is None else column.label)
    parts = [f"[{label}]({entry.url})"] if entry.url else []
    separator = SEPARATOR if column.separator is None else column.separator
    return separator.join([*parts, *entry.links])


def delimiter(column: Column) -> str:
    """A column's cell of the delimiter row, with its alignment.

    >>> [delimiter(Column("A", "a", align=a)) for a in (None, "left", "center", "right")]
    [' --- ', ' :--- ', ' :---: ', ' ---: ']
    """
    marks = {None: "---", "left": ":---", "center": ":---:", "right": "---:"}
    return f" {marks[column.align]} "
