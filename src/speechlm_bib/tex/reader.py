r"""The commands of a LaTeX text: pylatexenc's walker where it has work, a fast path between.

The walker costs about 10 µs a token: walking the whole of a 356 kB paper of prose with 10,000
citations takes 1.9 s, where regular expressions read it in 0.07 s; even handed just the
citation commands, it reads one in about 80 µs, the regular expressions below in 5 to 8 µs
(benchmarks/texscan.py). So ``read_commands`` hands the walker only the places where it has
work, and reads the plain forms of citation commands itself:

- ``_NEXT`` finds the next comment, command of ``commands.WALKED_COMMANDS`` or verbatim-like
  ``\begin``. It steps over ``\\`` and ``\%`` so that neither starts a command or a comment.
  What it passes over the walker would read as characters, groups, math and commands without
  arguments, none of which hides a citation or starts one.
- A comment is skipped to its line end, where the walker's comment token ends too; a
  verbatim-like environment to its ``\end``, by the rule the walker's parser of its body
  follows (``walker.verbatim_end``). The walker's own ``\begin`` and ``\end`` tokens copy the
  rest of the text: 0.85 s for a 3 MB paper with 5,000 listings, 0.07 s without them.
- A citation command in its plain form, ``\cite*[pre][post]{keys}`` with nothing but spaces
  and tabs between its parts and no brace, backslash, ``%`` or ``$`` in its notes and keys
  (a multicite: ``(pre)(post)`` notes, ``[pre][post]{keys}`` groups, then after blanks
  neither a comment nor another group), is read by ``_PLAIN_CITE`` or ``_PLAIN_MULTICITE``:
  the walker reads such notes and keys as plain characters and ends them at the same place.
- Everything else is read by the walker from that offset, one node at a time.

tests/test_tex_reader.py checks on random documents that this gives the commands that walking
the whole text gives.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .commands import (
    CITE_COMMANDS,
    MULTICITE_COMMANDS,
    VERBATIM_ENVIRONMENTS,
    WALKED_COMMANDS,
    Argument,
    Command,
)
from .walker import commands_in, verbatim_end, walker_for


def _alternatives(names: Iterable[str]) -> str:
    r"""A regular expression matching any of names, longer names tried first.

    >>> _alternatives(["cite", "citep", "verbatim*"])
    'verbatim\\*|citep|cite'
    """
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))


_NEXT = re.compile(
    r"(?P<comment>%)|\\(?:(?P<step>[\\%])"
    rf"|(?:{_alternatives(WALKED_COMMANDS)})(?![A-Za-z])"
    rf"|begin\s*\{{(?P<verbatim>{_alternatives(VERBATIM_ENVIRONMENTS)})\}})"
)
_COMMENT = re.compile(r"[^\r\n]*")
_GAP = r"[ \t]*"
_STAR = rf"(?:{_GAP}(?P<star>\*))?"
_PRE_NOTES = rf"(?:{_GAP}\([^(){{}}\\%$]*\)){{0,2}}"
_NOTES = rf"(?:{_GAP}\[[^][{{}}\\%$]*\]){{0,2}}"
_KEYS = r"\{([^{}\\%$]*)\}"
_PLAIN_CITE = re.compile(
    rf"\\(?P<name>{_alternatives(CITE_COMMANDS)}){_STAR}{_NOTES}{_GAP}{_KEYS}"
)
_PLAIN_MULTICITE = re.compile(
    rf"\\(?P<name>{_alternatives(MULTICITE_COMMANDS)}){_STAR}{_PRE_NOTES}"
    rf"(?P<groups>(?:{_NOTES}{_GAP}\{{[^{{}}\\%$]*\}})+)(?=\s*(?:[^\s%\[{{]|\Z))"
)
_KEY_GROUP = re.compile(_KEYS)


def _plain(text: str, start: int) -> tuple[Command, int] | None:
    """The citation command at start and the offset after it, when in its plain form."""
    if (match := _PLAIN_CITE.match(text, start)) is not None:
        arguments: Sequence[Argument] = [Argument(match.start(3), match.group(3))]
    elif (match := _PLAIN_MULTICITE.match(text, start)) is not None:
        groups = _KEY_GROUP.finditer(text, match.start("groups"), match.end("groups"))
        arguments = [Argument(group.start(1), group.group(1)) for group in groups]
    else:
        return None
    name = match.group("name") + (match.group("star") or "")
    return Command(name, start, tuple(arguments)), match.end()


def _comment_end(text: str, pos: int) -> int:
    r"""Offset of the line break ending the comment whose text starts at pos.

    >>> _comment_end("% a\r\nb", 1), _comment_end("% a", 1)
    (3, 3)
    """
    match = _COMMENT.match(text, pos)
    return pos if match is None else match.end()


class _Reading:
    """One text being read, with the walker made the first time it is needed."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.walker: Any = None

    def at(self, match: re.Match[str]) -> tuple[Sequence[Command], int]:
        """The commands read from what match found, and where reading goes on."""
        if match.group("step"):
            return (), match.end()
        if match.group("comment"):
            return (), _comment_end(self.text, match.end())
        if match.group("verbatim"):
            return (), verbatim_end(self.text, match.end(), match.group("verbatim"))
        plain = _plain(self.text, match.start())
        if plain is not None:
            return (plain[0],), plain[1]
        return self.walk(match.start())

    def walk(self, pos: int) -> tuple[Sequence[Command], int]:
        """The commands of the one node the walker reads at pos, and the offset after it."""
        if self.walker is None:
            self.walker = walker_for(self.text)
        nodes, start, length = self.walker.get_latex_nodes(pos, read_max_nodes=1)
        return list(commands_in(nodes)), start + length


def read_commands(text: str) -> Iterator[Command]:
    """Every citation, inclusion and bibliography command with its arguments, by start."""
    reading = _Reading(text)
    pos = 0
    while (match := _NEXT.search(text, pos)) is not None:
        commands, pos = reading.at(match)
        yield from commands
