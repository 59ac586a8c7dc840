"""Reading entries/list.yaml and the entry files, validating every field.

A problem raises ``InputError`` naming file and line; a problem in one entry's own fields
is an ``EntryError`` carrying the finding code ``check`` reports it under.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EntryError, InputError
from ..ids import is_web_url, parse_arxiv_id
from ..keys import is_valid_key
from ..memo import list_folder, log_state
from ..model import (
    CITATION_STYLES,
    GENERATED,
    KEEP_PREPRINT,
    Acknowledgement,
    Column,
    Entry,
    Section,
)
from ..refs import parse_pin
from . import ENTRIES, LIST_FILE, RECORDS_FILE, TERMS_FILE
from .fields import check_mapping, parse_mapping, text_field
from .markdownfields import markdown_fields
from .yamlfile import Node, read_source

if TYPE_CHECKING:
    from .discovery import DiscoverSettings

_ENTRY_FIELDS = {"name", "title", "url", "arxiv", "key", "columns", "acknowledge", "date",
                 "venue", "label", "links", "cells", "added", "published"}
_MARKDOWN_ONLY = ("date", "venue", "label", "links", "cells")
_LIST_FIELDS = {"sections", "survey", "keep", "markdown", "key_column", "citation", "discover"}
_SECTION_FIELDS = {"id", "heading", "columns", "level", "group", "intro"}
_COLUMN_FIELDS = {"heading", "source", "linked", "label", "separator", "align", "missing"}
_ALIGNS = ("left", "center", "right")
_SECTION_ID = re.compile(r"[a-z][a-z0-9_-]*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
KEY_COLUMN = Column("Key", "key")
"""The column ``key_column: true`` adds to every table that has no key column."""


@dataclass(frozen=True, slots=True)
class ListConfig:
    """The list as a whole: its sections in order, the survey's keys, the kept keys.

    ``citation`` is how the README's citation block shows the survey records.
    """

    sections: tuple[Section, ...]
    surveys: tuple[str, ...]
    keep: dict[str, int]
    citation: str = GENERATED
    discover: DiscoverSettings | None = None


def load_list_config(root: Path) -> ListConfig:
    """Read entries/list.yaml: the sections, the survey's keys, the list's options."""
    path = root / ENTRIES / LIST_FILE
    return parse_list_config(read_source(path), path)


def parse_list_config(text: str, path: Path) -> ListConfig:
    """The list configuration a list.yaml text states (``path`` names it in errors)."""
    fields = parse_mapping(text, path, _LIST_FIELDS)
    node = fields.get("sections")
    if node is None or not isinstance(node.value, list) or not node.value:
        raise InputError("'sections' must be a list of sections", path, node.line if node else 1)
    markdown, key_column = _flag(fields, "markdown", path), _flag(fields, "key_column", path)
    sections = tuple(_with_options(_section(item, path), markdown, key_column)
                     for item in node.value)
    seen: set[str] = set()
    for section, item in zip(sections, node.value, strict=True):
        if section.id in seen:
            raise InputError(f"section '{section.id}' is defined twice", path, item.line)
        seen.add(section.id)
    return ListConfig(sections, _surveys(fields.get("survey"), path),
                      _keep(fields.get("keep"), path), _citation(fields, path),
                      _discover(fields.get("discover"), path))


def _discover(node: Node | None, path: Path) -> DiscoverSettings | None:
    """The optional ``discover`` settings (see store.discovery)."""
    from .discovery import parse_discover_settings  # it imports this module

    return None if node is None else parse_discover_settings(node, path)



def _flag(fields: dict[str, Node], name: str, path: Path) -> bool:
    node = fields.get(name)
    if node is not None and not isinstance(node.value, bool):
        raise InputError(f"'{name}' must be true or false", path, node.line, node.column)
    return bool(node.value) if node is not None else False


def _citation(fields: dict[str, Node], path: Path) -> str:
    style = text_field(fields, "citation", path) or GENERATED
    if style not in CITATION_STYLES:
        node = fields["citation"]
        raise InputError(f"'citation' must be {' or '.join(CITATION_STYLES)}", path,
                         node.line, node.column)
    return style


def _with_options(section: Section, markdown: bool, key_column: bool) -> Section:
    """A section with the list's options applied: Markdown values, a Key column."""
    columns = section.columns
    if key_column and columns and not any(c.source == "key" for c in columns):
        columns = (*columns, KEY_COLUMN)
    return replace(section, columns=columns, markdown=markdown)


def _surveys(node: Node | None, path: Path) -> tuple[str, ...]:
    """The survey's key, or its keys when it is a list."""
    if node is None or node.value is None:
        return ()
    items = node.value if isinstance(node.value, list) else [node]
    keys = []
    for item in items:
        if not isinstance(item.value, str) or not item.value.strip():
            raise InputError("'survey' is a citation key or a list of them", path, item.line,
                             item.column)
        keys.append(item.value.strip())
    return tuple(keys)


def _keep(node: Node | None, path: Path) -> dict[str, int]:
    """The optional ``keep`` list: keys of records kept though no entry cites them."""
    if node is None:
        return {}
    if not isinstance(node.value, list):
        raise InputError("'keep' must be a list of citation keys", path, node.line, node.column)
    keep: dict[str, int] = {}
    for item in node.value:
        if not isinstance(item.value, str) or not item.value.strip():
            raise InputError("'keep' lists citation keys", path, item.line, item.column)
        keep[item.value.strip()] = item.line
    return keep


def _section(node: Node, path: Path) -> Section:
    fields = check_mapping(node, path, _SECTION_FIELDS, "a section")
    section_id = text_field(fields, "id", path)
    heading = text_field(fields, "heading", path)
    if section_id is None or not _SECTION_ID.fullmatch(section_id):
        raise InputError("a section needs an 'id' of lowercase letters, digits, - and _",
                         path, node.line)
    if heading is None:
        raise InputError(f"section '{section_id}' needs a 'heading'", path, node.line)
    level = fields.get("level")
    if level is not None and level.value not in (2, 3, 4):
        raise InputError("'level' must be 2, 3 or 4", path, level.line, level.column)
    return Section(
        id=section_id,
        heading=heading,
        columns=_columns(fields.get("columns"), path),
        level=level.value if level is not None else 2,
        group=text_field(fields, "group", path),
        intro=text_field(fields, "intro", path),
    )


def _columns(node: Node | None, path: Path) -> tuple[Column, ...]:
    if node is None:
        return ()
    if not isinstance(node.value, list):
        raise InputError("'columns' must be a list", path, node.line, node.column)
    columns = []
    for item in node.value:
        fields = check_mapping(item, path, _COLUMN_FIELDS, "a column")
        heading = text_field(fields, "heading", path)
        if heading is None:
            raise InputError("a column needs a 'heading'", path, item.line)
        linked = fields.get("linked")
        columns.append(Column(
            heading, text_field(fields, "source", path) or heading,
            bool(linked.value) if linked else False, _written(fields, "label", path),
            _written(fields, "separator", path), _align(fields, path),
            _written(fields, "missing", path)))
    return tuple(columns)


def _written(fields: dict[str, Node], name: str, path: Path) -> str | None:
    """A text field exactly as written, spaces and all ("" allowed)."""
    node = fields.get(name)
    if node is None:
        return None
    if isinstance(node.value, dict | list | bool) or node.value is None:
        raise InputError(f"'{name}' must be text", path, node.line, node.column)
    return str(node.raw)


def _align(fields: dict[str, Node], path: Path) -> str | None:
    align = text_field(fields, "align", path)
    if align is not None and align not in _ALIGNS:
        node = fields["align"]
        raise InputError(f"'align' must be {', '.join(_ALIGNS)}", path, node.line, node.column)
    return align


def entry_paths(root: Path, sections: tuple[Section, ...]) -> list[tuple[Section, Path]]:
    """Every entry file, section by section in list order, files sorted by name."""
    result: list[tuple[Section, Path]] = []
    for section in sections:
        folder = root / ENTRIES / section.id
        if not folder.is_dir():
            log_state(folder)
        else:
            # Its names logged: an entry file added or removed is another list.
            listed = list_folder(folder)
            log_state(folder, listed)
            names = sorted(name for name, _ in listed if name.endswith((".yaml", ".yml")))
            strays = [name for name in names if name.endswith(".yml")]
            if strays:
                raise InputError("entry files end in .yaml, not .yml", folder / strays[0])
            result.extend((section, folder / name) for name in names)
    return result


def check_section_folders(root: Path, sections: tuple[Section, ...]) -> None:
    """Refuse a folder under entries/ that is not a section, or a misplaced entry file."""
    known = {s.id for s in sections}
    log_state(root / ENTRIES)
    for path in sorted((root / ENTRIES).iterdir()):
        if path.is_dir() and path.name in {LIST_FILE, RECORDS_FILE, TERMS_FILE}:
            raise InputError("is a directory, expected a file", path)
        if path.is_dir() and path.name not in known and not path.name.startswith("."):
            raise InputError(
                f"folder '{path.name}' is not a section of {LIST_FILE}", path
            )
        if path.suffix in {".yaml", ".yml"} and path.name != LIST_FILE:
            raise InputError("entry files belong in a section's folder", path)


def load_entry(path: Path, section: Section) -> Entry:
    """Read and validate one entry file."""
    return parse_entry(read_source(path), path, section)


def parse_entry(text: str, path: Path, section: Section) -> Entry:
    """Validate the text of one entry file (``path`` names it in errors and in the entry)."""
    fields = parse_mapping(text, path, _ENTRY_FIELDS)
    entry = Entry(
        path=path,
        section=section.id,
        url=_url(fields, path),
        arxiv=_arxiv(fields, path),
        key=_key(fields, path),
        acknowledge=_acknowledgements(fields.get("acknowledge"), path),
        lines=tuple((name, node.line) for name, node in fields.items()),
        added=_added(fields, path),
        published=_published(fields, path),
        **_values(fields, section, path),
    )
    if not fields:
        raise InputError("has no fields; give it a name, title, url, arxiv id or key",
                         path, 1)
    return entry


def _values(fields: dict[str, Node], section: Section, path: Path) -> dict[str, Any]:
    """What the row shows: Markdown values in a Markdown section, else plain text."""
    if section.markdown:
        return markdown_fields(fields, section, path)
    for name in _MARKDOWN_ONLY:
        if name in fields:
            raise InputError(f"'{name}' belongs to Markdown lists (markdown: true in "
                             f"{LIST_FILE})", path, fields[name].line, fields[name].column)
    return {"name": text_field(fields, "name", path),
            "title": text_field(fields, "title", path),
            "columns": _entry_columns(fields.get("columns"), section, path)}


def _url(fields: dict[str, Node], path: Path) -> str | None:
    url = text_field(fields, "url", path)
    if url is not None and not is_web_url(url):
        node = fields["url"]
        raise EntryError("bad-url", f"'url' is not an http(s) URL: {url!r}", path, node.line,
                         node.column)
    return url


def _arxiv(fields: dict[str, Node], path: Path) -> str | None:
    text = text_field(fields, "arxiv", path)
    if text is None:
        return None
    node = fields["arxiv"]
    try:
        arxiv_id = parse_arxiv_id(text)
    except ValueError as error:
        raise EntryError("bad-arxiv-id", f"'arxiv': {error}", path, node.line,
                         node.column) from None
    if arxiv_id.version is not None or ("/" in text and "://" in text):
        raise EntryError("bad-arxiv-id", "'arxiv' takes the bare id, without version or URL: "
                         f"'{arxiv_id.id}'", path, node.line, node.column)
    return arxiv_id.id


def _published(fields: dict[str, Node], path: Path) -> str | None:
    """The decision on the published version: keep the preprint, or a pinned version's id."""
    node = fields.get("published")
    if node is None:
        return None
    if node.value is False:
        return KEEP_PREPRINT
    try:
        return parse_pin(str(node.raw or "") if not isinstance(node.value, bool) else "true")
    except ValueError as error:
        raise EntryError("invalid-entry", str(error), path, node.line, node.column) from None


def _key(fields: dict[str, Node], path: Path) -> str | None:
    key = text_field(fields, "key", path)
    if key is not None and not is_valid_key(key):
        node = fields["key"]
        raise EntryError("invalid-key", f"'key' {key!r} is not a valid citation key (letters, "
                         "digits and _:.+/- only)", path, node.line, node.column)
    return key


def _added(fields: dict[str, Node], path: Path) -> str | None:
    """The optional date the row was added, as written: YYYY-MM-DD."""
    text = text_field(fields, "added", path)
    if text is None or is_iso_date(text):
        return text
    node = fields["added"]
    raise InputError(f"'added' is not a date YYYY-MM-DD: {text!r}", path, node.line, node.column)


def is_iso_date(text: str) -> bool:
    """Whether text is a calendar date written YYYY-MM-DD.

    >>> is_iso_date("2024-02-29"), is_iso_date("2023-02-29"), is_iso_date("2024-2-9")
    (True, False, False)
    """
    if _ISO_DATE.fullmatch(text) is None:
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _entry_columns(node: Node | None, section: Section, path: Path) -> tuple[tuple[str, str], ...]:
    if node is None:
        return ()
    if not section.extra_columns:
        raise InputError(f"section '{section.id}' has no columns of its own; leave out "
                         "'columns'", path, node.line, node.column)
    fields = check_mapping(node, path, set(section.extra_columns), "'columns'")
    values = []
    for heading in section.extra_columns:
        text = text_field(fields, heading, path)
        if text is not None:
            values.append((heading, text))
    return tuple(values)


def _acknowledgements(node: Node | None, path: Path) -> tuple[Acknowledgement, ...]:
    if node is None:
        return ()
    if not isinstance(node.value, list):
        raise InputError("'acknowledge' must be a list", path, node.line, node.column)
    result: list[Acknowledgement] = []
    for item in node.value:
        fields = check_mapping(item, path, {"code", "reason", "about"}, "an acknowledgement")
        code, reason = text_field(fields, "code", path), text_field(fields, "reason", path)
        if code is None or reason is None:
            raise InputError("an acknowledgement needs a 'code' and a 'reason'", path, item.line)
        result.append(Acknowledgement(code, reason, text_field(fields, "about", path)))
    return tuple(result)


