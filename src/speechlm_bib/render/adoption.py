"""The import report as text for people and as JSON for tools.

Text lists the tables (with the role of each column), every repair with its line, row and
before/after (layout-only changes summed up per table), the rows left without a paper link,
the records taken and what was left as it stood. JSON holds every item, schema version 1.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from ..model import ImportedTable, ImportNote, ImportReport, Repair

SCHEMA_VERSION = 1
NEXT_STEPS = ("next: `speechlm-bib sync` fetches arXiv metadata, then `speechlm-bib build` "
              "regenerates the tables and references.bib")


def render_import_text(report: ImportReport) -> str:
    """The report for people, one item a line, grouped under headings."""
    lines = [_summary(report)]
    lines += _part("tables", [_table(t) for t in report.tables])
    lines += _part("repairs", _repairs(report))
    lines += _part("rows without a paper link", [_note(report, n) for n in report.unlinked])
    lines += _part("records taken from BibTeX blocks",
                   [f"{report.source}:{line}: {key}" for key, line in report.records])
    lines += _part("left as written", [_note(report, n) for n in report.notes])
    if report.written:
        lines += ["", NEXT_STEPS]
    return "\n".join(lines) + "\n"


def _summary(report: ImportReport) -> str:
    if report.nothing_to_import:
        return (f"{report.source}: nothing to import: {report.marked} tables are under "
                "speechlm-bib markers already; nothing changed")
    sections = sum(1 for table in report.tables if table.section)
    done = f"{sections} tables, {report.entries} entries"
    if report.dry_run:
        return f"{report.source}: would import {done} (dry run: nothing written)"
    return f"{report.source}: imported {done}; wrote {len(report.written)} files"


def _part(title: str, items: list[str]) -> list[str]:
    return ["", f"{title} ({len(items)}):", *(f"  {item}" for item in items)] if items else []


def _table(table: ImportedTable) -> str:
    where = f"line {table.line} {table.heading!r} ({table.rows} rows)"
    if table.section is None:
        return f"{where}: {table.reason}"
    roles = ", ".join(f"{heading}={role}" for heading, role in table.roles)
    return f"{where} -> {table.section}: {roles}"


def _repairs(report: ImportReport) -> list[str]:
    shown = [_repair(report, r) for r in report.repairs if r.kind != "whitespace"]
    layout: dict[str, list[int]] = {}
    for repair in report.repairs:
        if repair.kind == "whitespace":
            layout.setdefault(repair.section or "", []).append(repair.line)
    shown += [f"{report.source}:{lines[0]}: {section}: whitespace: {len(lines)} lines "
              f"({_ranges(lines)}) laid out as build writes tables (padding, pipes, delimiters)"
              for section, lines in layout.items()]
    return shown


def _ranges(lines: list[int]) -> str:
    """Line numbers in runs.

    >>> _ranges([24, 25, 26, 30, 34, 35])
    'lines 24-26, 30, 34-35'
    """
    runs: list[list[int]] = []
    for line in lines:
        if runs and line == runs[-1][-1] + 1:
            runs[-1].append(line)
        else:
            runs.append([line])
    return "lines " + ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def _repair(report: ImportReport, repair: Repair) -> str:
    row = f" row {repair.row}" if repair.row is not None else ""
    where = f"{report.source}:{repair.line}: {repair.section or 'citation'}{row}"
    return f"{where}: {repair.kind}: {repair.before!r} -> {repair.after!r}"


def _note(report: ImportReport, note: ImportNote) -> str:
    row = f" {note.section} row {note.row}:" if note.section and note.row else ""
    return f"{report.source}:{note.line}:{row} {note.message}"


def render_import_json(report: ImportReport) -> str:
    """The report as one JSON document (schema in docs/adopting.md)."""
    document = {
        "version": SCHEMA_VERSION,
        "source": report.source,
        "dry_run": report.dry_run,
        "nothing_to_import": report.nothing_to_import,
        "marked": report.marked,
        "entries": report.entries,
        "written": list(report.written),
        "tables": [_table_json(table) for table in report.tables],
        "repairs": [_fields(r, ("kind", "line", "section", "row", "before", "after"))
                    for r in report.repairs],
        "unlinked": _notes(report.unlinked),
        "records": [{"key": key, "line": line} for key, line in report.records],
        "notes": _notes(report.notes),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _table_json(table: ImportedTable) -> dict[str, Any]:
    data = _fields(table, ("line", "heading", "rows", "section", "reason"))
    data["roles"] = [{"heading": heading, "role": role} for heading, role in table.roles]
    return data


def _notes(notes: Iterable[ImportNote]) -> list[dict[str, Any]]:
    return [_fields(note, ("line", "section", "row", "message")) for note in notes]


def _fields(value: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(value, name) for name in names}


IMPORT_RENDERERS: dict[str, Callable[[ImportReport], str]] = {
    "text": render_import_text,
    "json": render_import_json,
}
"""The import report's formats."""
IMPORT_FORMATS = tuple(IMPORT_RENDERERS)
