"""Answers of the read-only commands, kept for a repository that has not changed since.

``check`` and ``build --check`` answer from the repository's files alone: entries/, data/,
the generated files at the top (which they compare with what build would write), and the
year (a year after next is an error). Their answer (what they printed on each stream and
their exit status) is kept in the cache under a digest of the command line and of the bytes
of all those files, and given again while none of them changed: one byte edited, a file
added or removed anywhere under entries/ or data/ makes another digest, and the command does
its work. An answer is kept only when the files were the same before and after it was made.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..memo import FilesDigest, digest
from . import ENTRIES, GENERATED_FILES
from .cache import open_cache

FOLDERS = (ENTRIES, "data")
"""The folders whose every file an answer depends on."""
SECTION = "answers"
KEPT = 8
"""How many answers the cache keeps (the most recently used)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """What a command printed on stdout and stderr, and its exit status."""

    stdout: str
    stderr: str
    status: int


def remembered(root: Path, command: tuple[str, ...], make: Callable[[], Answer]) -> Answer:
    """The answer to a command on the repository at root: kept, or made (and then kept)."""
    before = snapshot(root)
    cache = open_cache(root)
    section = cache.section(SECTION, complete=False, limit=KEPT)
    key = digest(command, before) if before is not None else None
    found = _answer(section.get(key)) if key is not None else None
    if found is not None:
        return found
    answer = make()
    if key is not None and snapshot(root) == before:
        section.put(key, [answer.stdout, answer.stderr, answer.status])
        cache.save()
    return answer


def snapshot(root: Path) -> str | None:
    """A digest of the year and of every file an answer depends on; None if one is unreadable."""
    files = FilesDigest()
    try:
        for path in [p for folder in FOLDERS for p in _files(root / folder)]:
            files.add_file(path, path.relative_to(root).as_posix())
        for name in GENERATED_FILES:
            files.add_file(root / name, name)
    except OSError:
        return None
    return digest("snapshot", str(root.resolve()), datetime.date.today().year,
                  files.hexdigest())


def _files(folder: Path) -> list[Path]:
    """Every file under a folder, in a fixed order (none when the folder does not exist)."""
    found = []
    for where, folders, names in os.walk(folder):
        folders.sort()
        found += [Path(where, name) for name in sorted(names)]
    return found


def _answer(value: Any) -> Answer | None:
    """A kept answer, or None when there is none or it is not one."""
    if (isinstance(value, (list, tuple)) and len(value) == 3 and isinstance(value[0], str)
            and isinstance(value[1], str) and type(value[2]) is int):
        return Answer(*value)
    return None
