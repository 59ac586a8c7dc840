"""Reading entries/list.yaml and the entry files, validating every field.

A problem raises ``InputError`` naming file and line; a problem in one entry's own fields
is an ``EntryError`` carrying the finding code ``check`` reports it under.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import EntryError, InputError
from ..ids import is_web_url, parse_arxiv_id
from ..keys import is_valid_key
from ..model import KEEP_PREPRINT, Acknowledgement, Column, Entry, Section
from ..refs import parse_pin
from . import ENTRIES, LIST_FILE, RECORDS_FILE, TERMS_FILE
from .yamlfile import Node, parse_yaml, read_source

_ENTRY_FIELDS = {"name", "title", "url", "arxiv", "key", "columns", "acknowledge", "published"}
_SECTION_FIELDS = {"id", "heading", "columns", "level", "group", "intro"}
_COLUMN_FIELDS = {"heading", "source", "linked"}
_SECTION_ID = re.compile(r"[a-z][a-z0-9_-]*")


@dataclass(frozen=True, slots=True)
class ListConfig:
    """The list as a whole: its sections, in order, and the key of the survey's own entry."""

    sections: tuple[Section, ...]
    survey: str | None
    keep: dict[str, int]


def load_mapping(path: Path, allowed: set[str]) -> dict[str, Node]:
    """A YAML file whose document is a mapping with only the allowed fields."""
    return parse_mapping(read_source(path), path, allowed)


def parse_mapping(text: str, path: Path, allowed: set[str]) -> dict[str, Node]:
    """A YAML text whose document is a mapping with only the allowed fields."""
    document = parse_yaml(text, path)
    if document is None:
        raise InputError("is empty", path, 1)
    return check_mapping(document, path, allowed, "the file")


def check_mapping(node: Node, path: Path, allowed: set[str], what: str) -> dict[str, Node]:
    """A mapping node's fields, refusing anything else and fields not in ``allowed``."""
    if not isinstance(node.value, dict):
        raise InputError(f"{what} must be a mapping of fields", path, node.line, node.column)
    for name, value in node.value.items():
        if name not in allowed:
            known = ", ".join(sorted(allowed))
            raise InputError(f"unknown field '{name}' (known: {known})", path, value.line)
    return dict(node.value)


def text_field(fields: dict[str, Node], name: str, path: Path) -> str | None:
    """A scalar field as the text written in the file (None when absent or null)."""
    node = fields.get(name)
    if node is None or node.value is None:
        return None
    if isinstance(node.value, dict | list):
        raise InputError(f"'{name}' must be text", path, node.line, node.column)
    if isinstance(node.value, bool):
        raise InputError(f"'{name}' must be text, not {node.raw}", path, node.line, node.column)
    text = str(node.raw).strip()
    if not text:
        raise InputError(f"'{name}' is empty; leave the field out instead", path, node.line)
    return text


def load_list_config(root: Path) -> ListConfig:
    """Read entries/list.yaml: the sections and the survey's key."""
    path = root / ENTRIES / LIST_FILE
    fields = load_mapping(path, {"sections", "survey", "keep"})
    node = fields.get("sections")
    if node is None or not isinstance(node.value, list) or not node.value:
        raise InputError("'sections' must be a list of sections", path, node.line if node else 1)
    sections = tuple(_section(item, path) for item in node.value)
    seen: set[str] = set()
    for section, item in zip(sections, node.value, strict=True):
        if section.id in seen:
            raise InputError(f"section '{section.id}' is defined twice", path, item.line)
        seen.add(section.id)
    return ListConfig(sections, text_field(fields, "survey", path),
                      _keep(fields.get("keep"), path))


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
        columns.append(
            Column(heading, text_field(fields, "source", path) or heading,
                   bool(linked.value) if linked else False)
        )
    return tuple(columns)


def entry_paths(root: Path, sections: tuple[Section, ...]) -> list[tuple[Section, Path]]:
    """Every entry file, section by section in list order, files sorted by name."""
    result: list[tuple[Section, Path]] = []
    for section in sections:
        folder = root / ENTRIES / section.id
        if folder.is_dir():
            strays = sorted(folder.glob("*.yml"))
            if strays:
                raise InputError("entry files end in .yaml, not .yml", strays[0])
            paths = sorted(folder.glob("*.yaml"), key=lambda path: path.name)
            result.extend((section, path) for path in paths)
    return result


def check_section_folders(root: Path, sections: tuple[Section, ...]) -> None:
    """Refuse a folder under entries/ that is not a section, or a misplaced entry file."""
    known = {s.id for s in sections}
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
        name=text_field(fields, "name", path),
        title=text_field(fields, "title", path),
        url=_url(fields, path),
        arxiv=_arxiv(fields, path),
        key=_key(fields, path),
        columns=_entry_columns(fields.get("columns"), section, path),
        acknowledge=_acknowledgements(fields.get("acknowledge"), path),
        lines=tuple((name, node.line) for name, node in fields.items()),
        published=_published(fields, path),
    )
    if not fields:
        raise InputError("has no fields; give it a name, title, url, arxiv id or key",
                         path, 1)
    return entry


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


