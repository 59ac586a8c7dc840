"""Plans: every file a command will write, worked out before anything is written.

A command computes its plan from what it read, purely, so that it can refuse before it
writes (a rename to a taken key) or show it instead (``--dry-run``); ``apply_plan`` then
writes each file atomically, and only when its content changed. Edits of files people
maintain are made on their text, line by line, so comments and layout stay as they were.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from .files import write_files


@dataclass(frozen=True, slots=True)
class Plan:
    """The files to write, in order, with the text (or bytes) each will hold."""

    writes: tuple[tuple[Path, str | bytes], ...] = ()

    @classmethod
    def of(cls, *files: Mapping[Path, str | bytes]) -> Plan:
        """A plan writing the files of each mapping in turn (a later one wins for a path)."""
        merged: dict[Path, str | bytes] = {}
        for mapping in files:
            merged.update(mapping)
        return cls(tuple(merged.items()))

    @property
    def paths(self) -> tuple[Path, ...]:
        """The paths the plan writes."""
        return tuple(path for path, _ in self.writes)


def apply_plan(plan: Plan) -> list[Path]:
    """Write every file of a plan whose content changed; the paths written."""
    return write_files(dict(plan.writes))


def pin_key(text: str, key: str) -> str:
    r"""An entry file's text with a ``key:`` line added, leaving every other line untouched.

    >>> pin_key("# Moshi\nname: Moshi\n", "defossez2024moshi")
    '# Moshi\nkey: defossez2024moshi\nname: Moshi\n'
    """
    lines = text.splitlines(keepends=True)
    at = 0
    while at < len(lines) and (lines[at].startswith("#") or lines[at].startswith("---")):
        at += 1
    lines.insert(at, f"key: {key}\n")
    return "".join(lines)


_TOP_KEY = re.compile(r"([A-Za-z_][\w-]*)\s*:")


def add_field(text: str, line: str, later: Collection[str]) -> str:
    r"""An entry file's text with a top-level line added, leaving every other line untouched.

    The line goes where the field stands empty (``arxiv:`` with no value), else before the
    first top-level field named in ``later`` (and the comment lines right above it), else at
    the end: where the documented field order puts it.

    >>> add_field("name: Moshi\nurl: https://kyutai.org\n# ours\nadded: 2024-10-01\n",
    ...           "arxiv: '2410.00037'", {"published", "added"})
    "name: Moshi\nurl: https://kyutai.org\narxiv: '2410.00037'\n# ours\nadded: 2024-10-01\n"
    >>> add_field("name: Moshi", "arxiv: '2410.00037'", {"added"})
    "name: Moshi\narxiv: '2410.00037'\n"
    >>> add_field("arxiv:  # to find\nname: Moshi\n", "arxiv: '2410.00037'", {"added"})
    "arxiv: '2410.00037'\nname: Moshi\n"
    """
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    empty = re.compile(re.escape(line.split(":", 1)[0]) + r"\s*:\s*(?:#.*)?")
    at = next((i for i, row in enumerate(lines) if empty.fullmatch(row.rstrip("\n"))), None)
    if at is not None:
        lines[at] = line + "\n"
        return "".join(lines)
    at = next((i for i, row in enumerate(lines)
               if (m := _TOP_KEY.match(row)) and m.group(1) in later), len(lines))
    while at > 0 and lines[at - 1].startswith("#"):
        at -= 1
    lines.insert(at, line + "\n")
    return "".join(lines)
