"""The fields of an entry in a Markdown section: values as written, links, cells.

In a Markdown section (``markdown: true`` in list.yaml, as import writes it) the name,
title, date, venue and columns of an entry are the Markdown its cell shows; the entry also
holds its other ``links`` (Markdown links, shown after its url in the link column) and the
``cells`` it shows exactly as written. Their plain text comes from the Markdown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError
from ..mdinline import find_links, plain_text
from ..model import Section
from .fields import check_mapping, text_field
from .yamlfile import Node

VALUE_FIELDS = ("name", "title", "date", "venue")


def markdown_fields(fields: dict[str, Node], section: Section, path: Path) -> dict[str, Any]:
    """The Entry fields of a Markdown section's entry: plain values, ``shown``, links, cells."""
    values: dict[str, Any] = {}
    shown: list[tuple[str, str]] = []
    for name in VALUE_FIELDS:
        written = text_field(fields, name, path)
        values[name] = _plain(written)
        if written is not None:
            shown.append((name, written))
    columns = _own_columns(fields.get("columns"), section, path)
    shown += columns
    values["columns"] = tuple((h, p) for h, v in columns if (p := _plain(v)) is not None)
    values["shown"] = tuple(shown)
    values["label"] = text_field(fields, "label", path)
    values["links"] = _links(fields.get("links"), path)
    values["cells"] = _cells(fields.get("cells"), section, path)
    return values


def _plain(markdown: str | None) -> str | None:
    return (plain_text(markdown) or None) if markdown is not None else None


def _own_columns(node: Node | None, section: Section, path: Path) -> list[tuple[str, str]]:
    if node is None:
        return []
    if not section.extra_columns:
        raise InputError(f"section '{section.id}' has no columns of its own; leave out "
                         "'columns'", path, node.line, node.column)
    fields = check_mapping(node, path, set(section.extra_columns), "'columns'")
    return [(heading, text) for heading in section.extra_columns
            if (text := text_field(fields, heading, path)) is not None]


def _links(node: Node | None, path: Path) -> tuple[str, ...]:
    if node is None:
        return ()
    if not isinstance(node.value, list):
        raise InputError("'links' must be a list of Markdown links", path, node.line,
                         node.column)
    links = []
    for item in node.value:
        text = str(item.raw).strip() if item.raw is not None else ""
        found = find_links(text)
        if len(found) != 1 or found[0].start != 0 or found[0].end != len(text):
            raise InputError(f"'links' holds Markdown links such as '[code](https://...)', "
                             f"not {text!r}", path, item.line, item.column)
        links.append(text)
    return tuple(links)


def _cells(node: Node | None, section: Section, path: Path) -> tuple[tuple[str, str], ...]:
    if node is None:
        return ()
    sources = {column.source for column in section.columns}
    fields = check_mapping(node, path, sources, "'cells'")
    cells = []
    for source, value in fields.items():
        if value.value is None or isinstance(value.value, dict | list | bool):
            raise InputError(f"cell '{source}' must be text (\"\" for an empty cell)", path,
                             value.line, value.column)
        cells.append((source, str(value.raw).strip()))
    return tuple(cells)
