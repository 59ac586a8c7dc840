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

ENTRY_ORDER = ("key", "name", "title", "date", "venue", "url", "label", "arxiv", "published",
               "links", "columns", "cells", "acknowledge", "added")
_POSITION = re.compile(r"(\d+)-")


def render_entry(fields: dict[str, Any]) -> str:
    """The YAML text of an entry, fields in their documented order."""
    ordered = {name: fields[name] for name in ENTRY_ORDER if fields.get(name) is not None}
    return _dump(ordered)


def render_list_config(sections: Sequence[Section], survey: str | Sequence[str] | None,
                       options: dict[str, Any] | None = None,
                       keep: Sequence[str] = ()) -> str:
    """The YAML text of entries/list.yaml: the list's options, survey keys, kept keys, sections.

    ``survey`` is one key or several (one key is written as a key, several as a list).
    """
    data: dict[str, Any] = dict(options or {})
    keys = [survey] if isinstance(survey, str) else list(survey or ())
    if keys:
        data["survey"] = keys[0] if len(keys) == 1 else keys
    if keep:
        data["keep"] = list(keep)
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
    optional = {"label": column.label, "separator": column.separator, "align": column.align,
                "missing": column.missing}
    data.update({name: value for name, value in optional.items() if value is not None})
    return data


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100,
                          default_flow_style=False)


def next_position(folder: Path) -> int:
    """The position (in tens) after the last entry file of a section folder."""
    numbers = [int(m.group(1)) for p in folder.glob("*.yaml") if (m := _POSITION.match(p.name))]
    return max(numbers, default=0) // 10 + 1


IGNORED = ("/.speechlm-bib.lock", "/site/")
"""What a repository's .gitignore keeps out of git: the lock writers hold, the built site."""


def with_ignores(text: str | None) -> str:
    r"""A .gitignore's text with the lines speechlm-bib needs added (the others untouched).

    >>> with_ignores("*.pyc\n")
    '*.pyc\n/.speechlm-bib.lock\n/site/\n'
    >>> with_ignores(with_ignores(None)) == with_ignores(None)
    True
    """
    lines = (text or "").splitlines()
    missing = [line for line in IGNORED if line not in lines and line.lstrip("/") not in lines]
    if not missing:
        return text or ""
    head = (text or "") + ("\n" if text and not text.endswith("\n") else "")
    return head + "".join(line + "\n" for line in missing)
