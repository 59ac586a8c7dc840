"""Writing new entry files and list.yaml (reading them is store's job).

Only new files are written this way: existing entries are never re-dumped, so the
comments and layout people gave them survive.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from ..model import Column, Section

ENTRY_ORDER = ("key", "name", "title", "url", "arxiv", "published", "columns", "acknowledge")
_POSITION = re.compile(r"(\d+)-")


def render_entry(fields: dict[str, Any]) -> str:
    """The YAML text of an entry, fields in their documented order."""
    ordered = {name: fields[name] for name in ENTRY_ORDER if fields.get(name) is not None}
    return _dump(ordered)


def render_list_config(sections: Sequence[Section], survey: str | None) -> str:
    """The YAML text of entries/list.yaml."""
    data: dict[str, Any] = {"survey": survey} if survey else {}
    data["sections"] = [_section_dict(section) for section in sections]
    return _dump(data)


def _section_dict(section: Section) -> dict[str, Any]:
    data: dict[str, Any] = {"id": section.id, "heading": section.heading}
    if section.level != 2:
        data["level"] = section.level
    if section.group:
        data["group"] = section.group
    if section.intro:
        data["intro"] = section.intro
    data["columns"] = [_column_dict(column) for column in section.columns]
    return data


def _column_dict(column: Column) -> dict[str, Any]:
    data: dict[str, Any] = {"heading": column.heading}
    if column.source != column.heading:
        data["source"] = column.source
    if column.linked:
        data["linked"] = True
    return data


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100,
                          default_flow_style=False)


def next_position(folder: Path) -> int:
    """The position (in tens) after the last entry file of a section folder."""
    numbers = [int(m.group(1)) for p in folder.glob("*.yaml") if (m := _POSITION.match(p.name))]
    return max(numbers, default=0) // 10 + 1
