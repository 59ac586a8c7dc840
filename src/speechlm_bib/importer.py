"""Migrating an awesome-list README into entries.

One section per table with links, one entry per row, and the survey's own entry from its
citation block.

Text is repaired the way a careful maintainer would: mojibake fixed, whitespace
normalised, inline math turned into text, arXiv links made canonical.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bibtexparser.entrypoint import parse_string

from .bibtex.latex import math_to_text, to_text
from .errors import InputError
from .ids import arxiv_id_of_url, arxiv_url, clean_url
from .keys import fold
from .model import Column, Section
from .store.newfiles import render_entry, render_list_config

if TYPE_CHECKING:
    from .history import History

SURVEY_SECTION = "survey"
"""The section of the survey's own entry, from the README's citation block."""
_LINK_HEADINGS = {"url", "link", "links", "paper", "pdf"}
_EMPTY_CELLS = {"", "-", "\u2013", "\u2014", "n/a", "N/A"}


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell's text and the first link it carries."""

    text: str
    href: str | None = None


@dataclass(slots=True)
class Table:
    """A markdown table with the headings above it and the line it starts on."""

    headings: tuple[str, ...]
    header: tuple[Cell, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)
    line: int = 1


@dataclass(frozen=True, slots=True)
class ImportedSection:
    """A section and its rows as entry field mappings, ready to be written."""

    id: str
    heading: str
    level: int
    group: str | None
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]


def clean(text: str) -> str:
    r"""Repair mojibake, decode inline math and fold runs of white space.

    >>> clean("  SD-Eval   ")
    'SD-Eval'
    >>> clean("$A/T \\rightarrow -$")
    'A/T → -'
    """
    import ftfy  # only import needs it: other commands do not pay for its start-up

    fixed = ftfy.fix_text(text)
    if "$" in fixed:
        fixed = re.sub(r"\$[^$]+\$", lambda m: math_to_text(m.group()), fixed)
    return " ".join(fixed.split())


def parse_tables(markdown: str) -> list[Table]:
    """Every table of a markdown document, with the headings it stands under."""
    from markdown_it import MarkdownIt  # only import needs it, as ftfy above

    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    headings: dict[int, str] = {}
    tables: list[Table] = []
    row: list[Cell] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            level = int(token.tag[1])
            headings = {k: v for k, v in headings.items() if k < level}
            headings[level] = clean(tokens[index + 1].content)
        elif token.type == "table_open":
            line = token.map[0] + 1 if token.map else 1
            tables.append(Table(_heading_path(headings), (), line=line))
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and tables and tokens[index - 1].type in {"th_open", "td_open"}:
            row.append(_cell(token))
        elif token.type == "tr_close":
            _add_row(tables[-1], tuple(row))
    return tables


def _heading_path(headings: dict[int, str]) -> tuple[str, ...]:
    return tuple(headings[level] for level in sorted(headings))


def _add_row(table: Table, row: tuple[Cell, ...]) -> None:
    if not table.header:
        table.header = row
    else:
        table.rows.append(row)


def _cell(token: Any) -> Cell:
    href = None
    text = []
    for child in token.children or ():
        if child.type == "link_open" and href is None:
            href = str(child.attrs.get("href", ""))
        elif child.type in {"text", "code_inline"}:
            text.append(child.content)
        elif child.type == "softbreak":
            text.append(" ")
    return Cell(clean("".join(text)), href or None)


def to_sections(tables: list[Table]) -> list[ImportedSection]:
    """The tables that carry links, as sections with their rows."""
    sections = []
    used: set[str] = set()
    for table in tables:
        if not any(cell.href for row in table.rows for cell in row):
            continue
        section = _section(table, used)
        used.add(section.id)
        sections.append(section)
    return sections


def _section(table: Table, used: set[str]) -> ImportedSection:
    heading = table.headings[-1] if table.headings else "Table"
    section_id = _unique(_slug(heading, "_"), used)
    columns = _columns(table)
    rows = tuple(_row(table, row, columns) for row in table.rows)
    group = table.headings[-2] if len(table.headings) >= 3 else None
    level = min(len(table.headings), 4) if table.headings else 2
    return ImportedSection(section_id, heading, max(level, 2), group, columns, rows)


def _columns(table: Table) -> tuple[Column, ...]:
    columns = []
    linked_names = not any(_is_link_column(table, i) for i in range(len(table.header)))
    for index, cell in enumerate(table.header):
        heading = cell.text
        if index == 0:
            columns.append(Column(heading, "name", linked=linked_names))
        elif heading.lower() == "title":
            columns.append(Column(heading, "title"))
        elif _is_link_column(table, index):
            columns.append(Column(heading, "link"))
        else:
            columns.append(Column(heading, heading))
    return tuple(columns)


def _is_link_column(table: Table, index: int) -> bool:
    heading = table.header[index].text.lower()
    cells = [row[index] for row in table.rows if index < len(row)]
    return index > 0 and (heading in _LINK_HEADINGS or all(c.href for c in cells if c.text))


def _row(table: Table, row: tuple[Cell, ...], columns: tuple[Column, ...]) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    extra: dict[str, str] = {}
    for column, cell in zip(columns, row, strict=False):
        if column.source in {"name", "title"} and cell.text not in _EMPTY_CELLS:
            entry[column.source] = cell.text
        if column.source == "link" or column.linked:
            _link(entry, cell.href)
        elif column.source not in {"name", "title"} and cell.text not in _EMPTY_CELLS:
            extra[column.source] = cell.text
    if extra:
        entry["columns"] = extra
    return entry


def _link(entry: dict[str, Any], href: str | None) -> None:
    if not href:
        return
    arxiv_id = arxiv_id_of_url(href)
    if arxiv_id is None:
        entry["url"] = clean_url(href)
    else:
        entry["url"] = arxiv_url(arxiv_id.id)
        entry["arxiv"] = arxiv_id.id


def _slug(text: str, sep: str = "-") -> str:
    """A lowercase ASCII slug.

    >>> _slug("Existing SpeechLMs", "_")
    'existing_speechlms'
    """
    words = [fold(word) for word in re.split(r"[\s\-_/.:]+", text)]
    return sep.join(word for word in words if word)[:60] or "x"


def _unique(slug: str, used: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in used:
        candidate, number = f"{slug}_{number}", number + 1
    return candidate


def survey_citation(markdown: str, path: Path) -> dict[str, Any] | None:
    """The survey's own entry, from the first BibTeX block of the README, if there is one."""
    match = re.search(r"```[a-z]*\n(\s*@.*?)```", markdown, re.DOTALL)
    if match is None:
        return None
    library = parse_string(match.group(1))
    if not library.entries:
        line = markdown[: match.start()].count("\n") + 2
        raise InputError("the citation block holds no readable BibTeX record", path, line)
    record = library.entries[0]
    entry: dict[str, Any] = {"key": record.key}
    title = record.fields_dict.get("title")
    if title is not None:
        entry["name"] = to_text(str(title.value).strip("{}"))
    reference = " ".join(str(f.value) for f in record.fields)
    arxiv = re.search(r"arXiv:\s*(\d{4}\.\d{4,5})", reference)
    if arxiv:
        entry["arxiv"] = arxiv.group(1)
    return entry


def entry_file_name(number: str, row: dict[str, Any]) -> str:
    """The file name of a row: the number that orders it and a slug of its name.

    >>> entry_file_name("030", {"name": "Qwen2.5-Omni"})
    '030-qwen2-5-omni.yaml'
    """
    label = row.get("name") or row.get("title") or row.get("key") or "entry"
    return f"{number}-{_slug(str(label))[:40].strip('-')}.yaml"


def _number(position: int) -> str:
    """The file number of the row at a position: in tens, so rows fit in between."""
    return f"{position * 10:03d}"


def work_name(title: str) -> str:
    """The name a title gives its work: the label before a colon, else the whole title.

    >>> work_name("Moshi: a speech-text foundation model"), work_name("Textless Speech")
    ('Moshi', 'Textless Speech')
    """
    label, colon, _ = title.partition(":")
    return label.strip() if colon and 0 < len(label.split()) <= 4 else title


def plan_import(markdown: str, source: Path, root: Path, history: History | None = None,
                today: date | None = None) -> dict[Path, str]:
    """Every file an import of this README writes, with its text.

    Each entry records the day its row was added: the day ``history`` (what the README's
    git history says) gives it, else ``today`` (by default the day of the import).
    """
    sections = to_sections(parse_tables(markdown))
    if not sections:
        raise InputError("no markdown table with links found", source, 1)
    config = [Section(s.id, s.heading, s.columns, s.level, s.group) for s in sections]
    survey = survey_citation(markdown, source)
    rows = [(s.id, position, row) for s in sections
            for position, row in enumerate(s.rows, start=1)]
    if survey is not None:
        config.append(Section(SURVEY_SECTION, "Citation", ()))
        rows.append((SURVEY_SECTION, 1, survey))
    today = today or date.today()
    days = (history.days([(s, row) for s, _, row in rows], today) if history is not None
            else [today] * len(rows))
    files = {root / "entries" / section_id / entry_file_name(_number(position), row):
             render_entry({**row, "added": day})
             for (section_id, position, row), day in zip(rows, days, strict=True)}
    files[root / "entries" / "list.yaml"] = render_list_config(
        config, survey["key"] if survey else None)
    return files
