"""Adoption planned: the README with its tables under markers, the files to write, the report.

Pure: README text in, ``Adoption`` out. Each table with links becomes a section whose
table is wrapped where it stands in ``table SECTION`` markers; the citation fences are
wrapped in ``citation`` markers; every other line of the README stays as it is. ``build``
then regenerates the blocks from entries/, giving back each table as it was but for the
repairs the report lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..bibtex.handrecords import parse_hand_records
from ..errors import InputError
from ..ids import is_web_url
from ..mdinline import plain_text
from ..model import AS_WRITTEN, ImportedTable, ImportReport
from ..render.readme import begin_marker, end_marker
from ..store import ENTRIES, LIST_FILE, RECORDS_FILE
from ..store.newfiles import render_entry, render_list_config
from .citations import Citations, adopt_citations
from .names import entry_file_name, position_number, section_id
from .roles import cell_links
from .scan import Scan, Table, scan_readme
from .tables import AdoptedTable, Place, adopt_table

if TYPE_CHECKING:
    from .history import History

RECORDS_HEADER = (
    "% Hand-maintained records, taken as written from the BibTeX blocks of {source}.\n"
    "% build copies them into references.bib and shows the survey's in the README's citation\n"
    "% block as written here; sync never changes a field written here.\n\n")
LIST_OPTIONS = {"markdown": True, "citation": AS_WRITTEN}
"""The options of an imported list: cells kept as Markdown, the citation block as written."""


@dataclass(frozen=True, slots=True)
class Adoption:
    """What an import writes: new files (entries, list.yaml, records.bib), the README, the report.

    ``files`` is empty when there is nothing to import (every table under markers already).
    """

    files: dict[Path, str]
    readme: str
    report: ImportReport


def plan_adoption(text: str, source: Path, root: Path, records: str | None = None,
                  history: History | None = None, today: date | None = None) -> Adoption:
    """Plan the adoption of a README into the repository at root.

    ``records`` is the text of an existing entries/records.bib: its records stay, and the
    README's records of the same keys are left out. Each entry records the day its row was
    added: the day ``history`` (what the README's git history says) gives it, else
    ``today`` (by default the day of the import).
    """
    scan = scan_readme(text, source)
    records_path = root / ENTRIES / RECORDS_FILE
    taken = set(parse_hand_records(records, records_path)) if records else set()
    adopted, tables = _adopt_tables(scan)
    marked = sum(1 for table in scan.tables if table.marked)
    if not adopted:
        if marked:
            return Adoption({}, text, ImportReport(str(source), tuple(tables), marked=marked))
        raise InputError("no markdown table with links found", source, 1)
    citations = adopt_citations(scan, records_path, taken)
    files = _entry_files(root, [table for _, table in adopted], history, today or date.today())
    files[root / ENTRIES / LIST_FILE] = render_list_config(
        [table.section for _, table in adopted], citations.survey, LIST_OPTIONS,
        citations.keep)
    if citations.records:
        files[records_path] = _records_text(records, citations, source)
    spans = [(table.line, table.end, f"table {a.section.id}") for table, a in adopted]
    if citations.block is not None:
        spans.append((*citations.block, "citation"))
    report = _report(source, tables, adopted, citations, marked, len(files) - 1 - (
        records_path in files))
    return Adoption(files, wrap_blocks(text, spans), report)


def _adopt_tables(scan: Scan) -> tuple[list[tuple[Table, AdoptedTable]], list[ImportedTable]]:
    adopted: list[tuple[Table, AdoptedTable]] = []
    reports: list[ImportedTable] = []
    used: set[str] = set()
    for table in scan.tables:
        heading = plain_text(table.headings[-1][1]) if table.headings else ""
        if table.marked:
            continue
        if not _has_links(table):
            reports.append(ImportedTable(table.line, heading, len(table.rows),
                                         reason="no link column: left as it is"))
            continue
        result = adopt_table(table, _place(table, used))
        used.add(result.section.id)
        adopted.append((table, result))
        reports.append(ImportedTable(table.line, heading, len(table.rows), result.section.id,
                                     result.roles))
    return adopted, reports


def _has_links(table: Table) -> bool:
    return any(is_web_url(link.url) for row in table.rows for cell in row.cells
               for link in cell_links(cell))


def _place(table: Table, used: set[str]) -> Place:
    """The section a table becomes: an id from its heading, its level and group."""
    if not table.headings:
        return Place(section_id("", used), "Table")
    level, heading = table.headings[-1]
    parent = table.headings[-2] if len(table.headings) > 1 else None
    group = parent[1] if level >= 3 and parent is not None and parent[0] >= 2 else None
    return Place(section_id(heading, used), heading, min(max(level, 2), 4), group)


def list_rows(text: str, source: Path) -> list[tuple[str, dict[str, Any]]]:
    """Every (section, entry fields) an import of a README's tables would make, in order."""
    adopted, _ = _adopt_tables(scan_readme(text, source))
    return [(table.section.id, fields) for _, table in adopted for fields in table.entries]


def _entry_files(root: Path, adopted: Sequence[AdoptedTable], history: History | None,
                 today: date) -> dict[Path, str]:
    rows = [(table.section.id, position, fields) for table in adopted
            for position, fields in enumerate(table.entries, start=1)]
    listed = [(section, fields) for section, _, fields in rows]
    days = history.days(listed, today) if history is not None else [today] * len(rows)
    return {root / ENTRIES / section / entry_file_name(position_number(position), fields):
            render_entry({**fields, "added": day})
            for (section, position, fields), day in zip(rows, days, strict=True)}


def _records_text(existing: str | None, citations: Citations, source: Path) -> str:
    texts = [text for _, text, _ in citations.records]
    head = existing.rstrip("\n") + "\n\n" if existing else RECORDS_HEADER.format(
        source=source.name)
    return head + "\n\n".join(texts) + "\n"


def wrap_blocks(text: str, spans: Sequence[tuple[int, int, str]]) -> str:
    r"""The text with begin and end markers around the lines of each span (1-based, inclusive).

    >>> wrap_blocks("a\n| x |\nb\n", [(2, 2, "table t")]).splitlines()
    ['a', '<!-- speechlm-bib:begin table t -->', '| x |', '<!-- speechlm-bib:end table t -->', 'b']
    """
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    starts = {first: name for first, _, name in spans}
    ends = {last: name for _, last, name in spans}
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        if number in starts:
            out.append(begin_marker(starts[number]) + newline)
        ended = line.endswith(("\n", "\r"))
        out.append(line if ended or number not in ends else line + newline)
        if number in ends:
            out.append(end_marker(ends[number]) + newline)
    return "".join(out)


def _report(source: Path, tables: list[ImportedTable],
            adopted: list[tuple[Table, AdoptedTable]], citations: Citations, marked: int,
            entries: int) -> ImportReport:
    repairs = [repair for _, table in adopted for repair in table.repairs]
    return ImportReport(
        source=str(source), tables=tuple(tables),
        repairs=tuple(sorted([*repairs, *citations.repairs], key=lambda r: r.line)),
        unlinked=tuple(note for _, table in adopted for note in table.unlinked),
        records=tuple((key, line) for key, _, line in citations.records),
        notes=citations.notes, marked=marked, entries=entries)
