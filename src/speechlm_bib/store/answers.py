"""Answers of the read-only commands, kept while the files they were made from are unchanged.

``check`` and ``build --check`` answer from files and the year (a year after next is an
error): list.yaml, the section folders and the entry files they list, the hand records, the
stores under data/, the generated files (which they compare with what build would write)
and, for a check of LaTeX papers, the papers' sources, .aux and .bcf files and the
bibliography files they declare. Every file a command reads, and every path it looks at and
finds no file under (an included file searched in two folders, a declared file not yet
written), is logged as it was found (``memo.recorded_reads``). The answer (what the command
printed on each stream and its exit status) is kept in the cache with those files, under a
digest of the command line, the repository's folder and the year, and given again while each
of them is as it was found: one byte edited, an entry file added or removed, and the command
does its work. The files read last (a paper's) are looked at first.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..memo import FileState, digest, recorded_reads, unchanged
from .cache import open_cache

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
    cache = open_cache(root)
    section = cache.section(SECTION, complete=False, limit=KEPT)
    key = answer_key(root, command)
    found = _answer(section.get(key))
    if found is not None:
        return found
    with recorded_reads() as reads:
        answer = make()
    section.put(key, [answer.stdout, answer.stderr, answer.status, _latest_first(reads.states())])
    cache.save()
    return answer


def answer_key(root: Path, command: tuple[str, ...]) -> str:
    """The digest an answer is kept under: the command line, the repository and the year."""
    return digest("answer", command, str(root.resolve()), datetime.date.today().year)


def _latest_first(states: tuple[FileState, ...]) -> tuple[FileState, ...]:
    """The files as found, each once, named absolutely, the last read first."""
    # Named as read: a link is looked at again as a link, whatever it points to then.
    named = ((os.path.abspath(name), found, problem)  # noqa: PTH100
             for name, found, problem in states)
    return tuple(dict.fromkeys(reversed(list(named))))


def _answer(value: Any) -> Answer | None:
    """A kept answer whose files are all as they were found; None otherwise."""
    if (isinstance(value, (list, tuple)) and len(value) == 4 and isinstance(value[0], str)
            and isinstance(value[1], str) and type(value[2]) is int
            and _states(value[3]) and unchanged(value[3])):
        return Answer(value[0], value[1], value[2])
    return None


def _states(value: Any) -> bool:
    """Whether a kept value is a tuple of files as found: name, digest or None, and problem."""
    return type(value) is tuple and all(
        type(item) is tuple and len(item) == 3 and type(item[0]) is str
        and (item[1] is None or type(item[1]) is str) and type(item[2]) is str
        for item in value)
