"""A README read for adoption: its tables and fenced code blocks, each with its lines.

markdown-it finds the blocks (so a table in a code block or an HTML comment is not one);
the cells are then cut from the lines as GitHub cuts them, keeping each cell's Markdown
exactly as written. Only top-level tables and fences are taken: one inside a list or a
quote stays as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..render.readme import find_blocks

_ALIGNS = {(True, True): "center", (True, False): "left", (False, True): "right"}


@dataclass(frozen=True, slots=True)
class TableRow:
    """One line of a table: its 1-based line, the line as written and its cells' Markdown."""

    line: int
    text: str
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A top-level table with the headings it stands under (level, Markdown) and its rows."""

    headings: tuple[tuple[int, str], ...]
    header: TableRow
    delimiter: TableRow
    rows: tuple[TableRow, ...]
    marked: bool = False

    @property
    def line(self) -> int:
        """The line of the header row."""
        return self.header.line

    @property
    def end(self) -> int:
        """The line of the last row."""
        return self.rows[-1].line if self.rows else self.delimiter.line

    @property
    def aligns(self) -> tuple[str | None, ...]:
        """Each column's alignment as the delimiter row gives it (None: the default)."""
        return tuple(_align(cell) for cell in self.delimiter.cells)


@dataclass(frozen=True, slots=True)
class Fence:
    """A top-level fenced code block: its first and last lines, info string and content."""

    line: int
    end: int
    info: str
    content: str
    headings: tuple[tuple[int, str], ...]
    marked: bool = False


@dataclass(frozen=True, slots=True)
class Scan:
    """What adoption reads of a README: its lines, line ending, tables and fences."""

    lines: tuple[str, ...]
    newline: str
    tables: tuple[Table, ...]
    fences: tuple[Fence, ...]


def scan_readme(text: str, path: Path) -> Scan:
    """The tables and fences of a README (``path`` names it in errors about its markers)."""
    from markdown_it import MarkdownIt  # only import reads whole READMEs

    marked = _marked_lines(text, path)
    lines = tuple(text.splitlines())
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    headings: dict[int, str] = {}
    tables: list[Table] = []
    fences: list[Fence] = []
    for index, token in enumerate(tokens):
        if token.level != 0 or token.map is None:
            continue
        path_now = tuple(sorted(headings.items()))
        if token.type == "heading_open":
            level = int(token.tag[1])
            headings = {k: v for k, v in headings.items() if k < level}
            headings[level] = tokens[index + 1].content
        elif token.type == "table_open":
            tables.append(_table(tokens, index, lines, path_now, marked))
        elif token.type == "fence":
            start, stop = token.map
            fences.append(Fence(start + 1, stop, token.info.strip(), token.content, path_now,
                                start + 1 in marked))
    newline = "\r\n" if text.split("\n", 1)[0].endswith("\r") else "\n"
    return Scan(lines, newline, tuple(tables), tuple(fences))


def _marked_lines(text: str, path: Path) -> set[int]:
    """The 1-based lines inside speechlm-bib blocks (markers included)."""
    return {number for block in find_blocks(text, path)
            for number in range(block.begin + 1, block.end + 2)}


def _table(tokens: list[Any], index: int, lines: tuple[str, ...],
           headings: tuple[tuple[int, str], ...], marked: set[int]) -> Table:
    rows: list[TableRow] = []
    for token in tokens[index:]:
        if token.type == "table_close":
            break
        if token.type == "tr_open" and token.map is not None:
            number = token.map[0] + 1
            rows.append(_row(number, lines[number - 1]))
    header = rows[0]
    delimiter = _row(header.line + 1, lines[header.line])
    return Table(headings, header, delimiter, tuple(rows[1:]), header.line in marked)


def _row(number: int, text: str) -> TableRow:
    return TableRow(number, text, split_row(text))


def split_row(line: str) -> tuple[str, ...]:
    r"""The cells of a table line as GitHub cuts them: at each pipe not escaped, stripped.

    >>> split_row(r"|  a \| b | `c` |d")
    ('a \\| b', '`c`', 'd')
    """
    text = line.strip()
    text = text[1:] if text.startswith("|") else text
    cells: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current.append(text[index:index + 2])
            index += 2
            continue
        if char == "|":
            cells.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    if "".join(current).strip() or not text.endswith("|"):
        cells.append("".join(current))
    return tuple(cell.strip() for cell in cells)


def _align(cell: str) -> str | None:
    """The alignment a delimiter cell asks for.

    >>> _align(":---:"), _align("---:"), _align("---")
    ('center', 'right', None)
    """
    return _ALIGNS.get((cell.startswith(":"), cell.endswith(":")))
