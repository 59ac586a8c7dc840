"""Reading YAML safely, keeping the line of every value and the raw text of scalars.

``read_source`` (and ``read_optional``) read every file of a repository; within
``memo.recorded_reads`` each file's path and the digest of its bytes go into a
``FilesDigest``, so that what was made from the files read can be kept under the digest of
exactly those files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from ..memo import digest_bytes, log_read, read_bytes

try:
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader  # type: ignore[assignment]


_STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True, slots=True)
class Node:
    """A YAML value with its 1-based line and column and, for scalars, the text as written."""

    value: Any
    line: int
    column: int
    raw: str | None = None


def read_optional(path: Path) -> str | None:
    """``read_source`` of a file that need not exist: None when it does not."""
    if not path.exists():
        log_read(path, None, "missing")
        return None
    return read_source(path)


def read_source(path: Path) -> str:
    """The text of a UTF-8 file, refusing what is not one (directories, bad bytes, a BOM)."""
    return read_source_digest(path)[0]


def read_source_digest(path: Path) -> tuple[str, str]:
    """``read_source``'s text, and the digest of the file's bytes (``memo.digest_bytes``)."""
    try:
        data = read_bytes(path)
    except OSError as error:
        reason = "is a directory, expected a file" if isinstance(error, IsADirectoryError) \
            else f"cannot read: {error.strerror}"
        log_read(path, None, reason)
        raise InputError(reason, path) from None
    found = digest_bytes(data)
    log_read(path, data, known=found)
    if data.startswith(b"\xef\xbb\xbf"):
        raise InputError("starts with a byte-order mark; save it as UTF-8 without BOM", path, 1)
    try:
        return data.decode("utf-8"), found
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(f"is not UTF-8 (byte {data[error.start]:#04x})", path, line) from None


def parse_yaml(text: str, path: Path) -> Node | None:
    """Parse one YAML document into Nodes; None for an empty document."""
    loader = SafeLoader(text)
    try:
        root = loader.get_single_node()
        return None if root is None else _to_node(root, path, loader, set())
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise InputError(f"YAML syntax error: {_problem(error)}", path, line, column) from None
    except yaml.YAMLError as error:
        raise InputError(f"YAML error: {error}", path) from None
    finally:
        loader.dispose()


def _problem(error: yaml.MarkedYAMLError) -> str:
    """PyYAML's problem, with what it was reading and where that began when it says so."""
    problem = error.problem or error.context or "invalid YAML"
    if problem == "but found another document":
        return "a second YAML document starts here; an entry file holds one"
    context, mark = error.context, error.context_mark
    if context and mark and error.problem and mark.line != getattr(error.problem_mark, "line", -1):
        problem += f" ({context}, which began at line {mark.line + 1}, column {mark.column + 1})"
    return problem


def _to_node(node: yaml.Node, path: Path, loader: SafeLoader, seen: set[int]) -> Node:
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    if isinstance(node, yaml.ScalarNode):  # most nodes: test for them first
        return Node(_scalar(node, path, loader), line, column, raw=str(node.value))
    # An alias is the same node again: refusing them keeps "billion laughs" out.
    if id(node) in seen:
        raise InputError("YAML aliases (*name) are not supported; write the value out",
                         path, line, column)
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        return Node(_mapping(node, path, loader, seen), line, column)
    return Node([_to_node(item, path, loader, seen) for item in node.value], line, column)


def _mapping(node: yaml.MappingNode, path: Path, loader: SafeLoader,
             seen: set[int]) -> dict[str, Node]:
    result: dict[str, Node] = {}
    for key_node, value_node in node.value:
        key = _to_node(key_node, path, loader, seen)
        if not isinstance(key.value, str):
            raise InputError(f"keys must be text, not {key.raw!r}", path, key.line, key.column)
        if key.value in result:
            raise InputError(f"field '{key.value}' appears twice", path, key.line, key.column)
        result[key.value] = _to_node(value_node, path, loader, seen)
    return result


def _scalar(node: yaml.Node, path: Path, loader: SafeLoader) -> Any:
    if node.tag == _STR_TAG:
        return node.value  # what the constructor would return, without its dispatch
    try:
        return loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as error:
        problem = str(error.problem)
    except ValueError as error:  # a timestamp that is no date: 2024-13-45
        problem = f"{node.value!r}: {error}"
    mark = node.start_mark
    raise InputError(f"cannot read value: {problem}", path, mark.line + 1, mark.column + 1)
