"""Reading the fields of a YAML mapping: only the known ones, each of the type it must be."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from .yamlfile import Node, parse_yaml, read_source


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
