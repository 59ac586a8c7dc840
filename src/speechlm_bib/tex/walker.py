r"""The commands of a LaTeX text that speechlm-bib acts on, read through pylatexenc's walker.

pylatexenc's ``LatexWalker`` does the tokenizing: control sequences (``\\`` and ``\%``
included), comments and the line break and indentation they swallow, brace groups, bracket
and parenthesis groups nested in each other, math, ``\begin`` and ``\end``. The
``LatexContextDb`` of this module tells it which commands take which arguments, and
``commands_in`` turns the nodes it returns into ``Command`` values.

The argument parsers are written here, on top of the walker, where pylatexenc 2.x falls short:

- Blanks before an argument (``_BLANKS``): TeX skips spaces, comments and one line break, and
  a blank line ends the command even when it holds spaces; the walker knows only ``\n\n`` and
  hands a parser the offset after the blanks it folded into the command name.
- A multicite reads any number of ``[pre][post]{keys}`` groups after its ``(pre)(post)``
  notes; each group is read by the walker, the repetition is counted here.
- ``\url``, ``\nolinkurl`` and ``\href`` read their (first) group raw, ``%`` and ``\`` being
  plain characters there (``_raw_group_end``); the walker would see a comment.
- ``\verb``: 2.x takes the ``*`` of ``\verb*`` for the delimiter and reads an unclosed
  ``\verb`` across lines; LaTeX ends it at the line end.
- Verbatim-like environments: 2.x's verbatim parser looks for ``\end{verbatim}`` whatever the
  environment; here each environment looks for its own end.
- ``\input name``, TeX's own form, names a file ended by a blank, not a group.
- A group that never closes is no argument, but the walker reads it to the end of the text;
  ``walker_for`` puts a sentinel character after the text, so that such a group is the one
  that reaches the sentinel.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from pylatexenc.latexwalker import LatexCommentNode, LatexWalker
from pylatexenc.macrospec import (
    EnvironmentSpec,
    LatexContextDb,
    MacroSpec,
    MacroStandardArgsParser,
    ParsedMacroArgs,
)

from .commands import (
    BIBLATEX_COMMANDS,
    BIBTEX_COMMANDS,
    CITE_COMMANDS,
    IMPORT_COMMANDS,
    INPUT_COMMANDS,
    MULTICITE_COMMANDS,
    URL_COMMANDS,
    VERBATIM_ENVIRONMENTS,
    Argument,
    Command,
)

# Never part of a LaTeX text: a group reaching it never closed.
_SENTINEL = "\x03"
_BLANK = r"(?:[ \t\r]|%[^\n]*(?:\n|\Z))*"
# Blanks TeX skips before an argument: spaces, comments with the line break they swallow,
# and at most one real line break (a second one is a paragraph break).
_BLANKS = re.compile(rf"{_BLANK}(?:\n{_BLANK})?")
_RAW_GROUP = re.compile(r"[ \t]*\{")
_RAW_BRACES = re.compile(r"[{}]")
_VERB_DELIMITER = re.compile(r"\*?([^\n])")
_BARE_FILE_NAME = re.compile(r"[^\s{}%\\]+")


class _Unclosed(Exception):
    """A group that reaches the end of the text."""


class _Arguments(ParsedMacroArgs):  # type: ignore[misc]
    """What a parser of this module read: the groups to walk into and the values kept."""

    def __init__(
        self, nodes: list[Any], arguments: list[Argument], options: list[str], star: bool
    ) -> None:
        super().__init__(argnlist=nodes, argspec="")
        self.arguments = tuple(arguments)
        self.options = tuple(options)
        self.star = star

    def command(self, name: str, start: int) -> Command:
        """The command named name at offset start with these arguments."""
        return Command(name + "*" * self.star, start, self.arguments, self.options)


def _name_end(text: str, pos: int) -> int:
    r"""Offset just after a command name, before the blanks the walker gave to it.

    >>> _name_end("\\cite  \n {a}", 9)
    5
    """
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1
    return pos


def _after_blanks(text: str, pos: int) -> int:
    r"""Offset after the blanks TeX skips before an argument: never a paragraph break.

    >>> _after_blanks("  \n  {a}", 0), _after_blanks(" \n \n{a}", 0), _after_blanks("%x\n {", 0)
    (5, 3, 4)
    """
    match = _BLANKS.match(text, pos)
    return pos if match is None else match.end()


def _argument(text: str, group: Any) -> Argument:
    """The text inside a closed group, its comments blanked out with NULs."""
    start, end = group.pos + 1, group.pos + group.len - 1
    pieces: list[str] = []
    pos = start
    for node in group.nodelist:
        if isinstance(node, LatexCommentNode):
            pieces += [text[pos : node.pos], "\x00" * node.len]
            pos = node.pos + node.len
    pieces.append(text[pos:end])
    return Argument(start, "".join(pieces))


class _Reader:
    """Reads the arguments of one command from the walker, as TeX takes them.

    Groups are read in the walker's default state, in math or not: an argument reads the same
    wherever the reader starts reading.
    """

    def __init__(self, walker: Any, pos: int) -> None:
        self.walker = walker
        self.text: str = walker.s
        self.pos = _name_end(self.text, pos)
        self.nodes: list[Any] = []

    def star(self) -> bool:
        """Whether a star follows, read if so."""
        after = _after_blanks(self.text, self.pos)
        if self.text.startswith("*", after):
            self.pos = after + 1
            return True
        return False

    def group(self, opener: str) -> Any | None:
        """The group opened by opener after blanks, read; None when there is none."""
        start = _after_blanks(self.text, self.pos)
        if not self.text.startswith(opener, start):
            return None
        node, _, length = self.walker.get_latex_braced_group(start, opener)
        if start + length >= len(self.text):
            raise _Unclosed
        self.pos = start + length
        self.nodes.append(node)
        return node

    def notes(self, opener: str, most: int = 2) -> list[str]:
        """Up to most notes opened by opener (``[`` or ``(``), read; their texts."""
        notes: list[str] = []
        while len(notes) < most and (node := self.group(opener)) is not None:
            notes.append(_argument(self.text, node).text)
        return notes

    def keys(self) -> Argument | None:
        """The key group after up to two [notes], read; None when there is none."""
        self.notes("[")
        node = self.group("{")
        return None if node is None else _argument(self.text, node)

    def bare_name(self) -> Argument | None:
        r"""The file name of TeX's own ``\input name`` form, read if there is one."""
        bare = _BARE_FILE_NAME.match(self.text, _after_blanks(self.text, self.pos))
        if bare is None:
            return None
        self.pos = bare.end()
        return Argument(bare.start(), bare.group())


def _parsed(
    reader: _Reader, pos: int, arguments: list[Argument], options: list[str], star: bool
) -> tuple[ParsedMacroArgs, int, int]:
    """The walker's answer: what was read up to reader.pos, or nothing without arguments."""
    if not arguments:
        return ParsedMacroArgs(), pos, 0
    return _Arguments(reader.nodes, arguments, options, star), pos, reader.pos - pos


class _CiteArguments(MacroStandardArgsParser):  # type: ignore[misc]
    """Star, notes and key group of a citation command; for a multicite, every key group."""

    def __init__(self, multicite: bool) -> None:
        super().__init__()
        self.multicite = multicite

    def parse_args(
        self, w: Any, pos: int, parsing_state: Any = None
    ) -> tuple[ParsedMacroArgs, int, int]:
        """Read the arguments at pos (after the name and its blanks) as TeX does."""
        reader = _Reader(w, pos)
        star = reader.star()
        arguments = _multicite(reader) if self.multicite else _cite(reader)
        return _parsed(reader, pos, arguments, [], star)


def _cite(reader: _Reader) -> list[Argument]:
    """The key group of a citation command, or none when a group never closes."""
    try:
        keys = reader.keys()
    except _Unclosed:
        return []
    return [] if keys is None else [keys]


def _multicite(reader: _Reader) -> list[Argument]:
    """The key groups of a multicite, up to the first missing or unclosed one."""
    groups: list[Argument] = []
    end, kept = reader.pos, 0
    try:
        reader.notes("(")
        while (keys := reader.keys()) is not None:
            groups.append(keys)
            end, kept = reader.pos, len(reader.nodes)
    except _Unclosed:
        pass
    reader.pos, reader.nodes = end, reader.nodes[:kept]
    return groups


class _FileArguments(MacroStandardArgsParser):  # type: ignore[misc]
    r"""The file (and for the import forms, the folder first) an inclusion names."""

    def __init__(self, count: int, bare: bool = False) -> None:
        super().__init__()
        self.count = count
        self.bare = bare

    def parse_args(
        self, w: Any, pos: int, parsing_state: Any = None
    ) -> tuple[ParsedMacroArgs, int, int]:
        """Read the star of the import forms, then the file (and folder) groups."""
        reader = _Reader(w, pos)
        if self.count == 2:
            reader.star()
        arguments: list[Argument] = []
        try:
            while len(arguments) < self.count and (node := reader.group("{")) is not None:
                arguments.append(_argument(reader.text, node))
        except _Unclosed:
            return ParsedMacroArgs(), pos, 0
        if not arguments and self.bare and (name := reader.bare_name()) is not None:
            arguments.append(name)
        return _parsed(reader, pos, arguments if len(arguments) == self.count else [], [], False)


class _BibArguments(MacroStandardArgsParser):  # type: ignore[misc]
    r"""The options and the group naming a bibliography (``\bibliography``, ``\addbibresource``)."""

    def parse_args(
        self, w: Any, pos: int, parsing_state: Any = None
    ) -> tuple[ParsedMacroArgs, int, int]:
        """Read up to one [options] and the group of names."""
        reader = _Reader(w, pos)
        try:
            options = reader.notes("[", most=1)
            node = reader.group("{")
        except _Unclosed:
            return ParsedMacroArgs(), pos, 0
        arguments = [] if node is None else [_argument(reader.text, node)]
        return _parsed(reader, pos, arguments, options, False)


class _RawGroup(MacroStandardArgsParser):  # type: ignore[misc]
    r"""The first group of ``\url``, ``\nolinkurl``, ``\href``: ``%`` and ``\`` are plain there."""

    def parse_args(
        self, w: Any, pos: int, parsing_state: Any = None
    ) -> tuple[ParsedMacroArgs, int, int]:
        """Skip the raw group when it closes; otherwise read on as if it were none."""
        opening = _RAW_GROUP.match(w.s, _name_end(w.s, pos))
        end = None if opening is None else _raw_group_end(w.s, opening.end() - 1)
        return ParsedMacroArgs(), pos, 0 if end is None else end - pos


def _raw_group_end(text: str, pos: int) -> int | None:
    r"""Offset past the brace group at pos read as a URL is, where ``\`` and ``%`` are plain.

    >>> _raw_group_end(r"{a%{b}\}c", 0), _raw_group_end("{a", 0)
    (8, None)
    """
    depth = 0
    for match in _RAW_BRACES.finditer(text, pos):
        depth += 1 if match.group() == "{" else -1
        if depth == 0:
            return match.end()
    return None


class _Verb(MacroStandardArgsParser):  # type: ignore[misc]
    r"""``\verb`` and ``\verb*``: up to the next delimiter on the same line, or the line end."""

    def parse_args(
        self, w: Any, pos: int, parsing_state: Any = None
    ) -> tuple[ParsedMacroArgs, int, int]:
        r"""Skip the verbatim text; a ``\verb`` at a line end reads nothing."""
        delimiter = _VERB_DELIMITER.match(w.s, _name_end(w.s, pos))
        if delimiter is None:
            return ParsedMacroArgs(), pos, 0
        line_end = _line_end(w.s, delimiter.end())
        close = w.s.find(delimiter.group(1), delimiter.end(), line_end)
        end = close + 1 if close >= 0 else line_end
        return ParsedMacroArgs(), pos, max(end - pos, 0)


def _line_end(text: str, pos: int) -> int:
    r"""Offset of the line break ending the line at pos, or of the end of text.

    >>> _line_end("ab\ncd", 0), _line_end("ab\ncd", 3)
    (2, 5)
    """
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


@cache
def _end_of(environment: str) -> re.Pattern[str]:
    r"""The ``\end`` of environment, as the walker reads it."""
    return re.compile(r"\\end\s*\{" + re.escape(environment) + r"\}")


def verbatim_end(text: str, pos: int, environment: str) -> int:
    r"""Offset of the ``\end`` of a verbatim-like environment whose body starts at pos.

    >>> text = "\\begin{comment} \\end{verbatim} \\end {comment}"
    >>> verbatim_end(text, 15, "comment"), verbatim_end(text, 15, "lstlisting")
    (31, 45)
    """
    end = _end_of(environment).search(text, pos)
    return len(text) if end is None else end.start()


class _VerbatimBody(MacroStandardArgsParser):  # type: ignore[misc]
    """The body of a verbatim-like environment, up to its own end (or the end of text)."""

    def __init__(self, environment: str) -> None:
        super().__init__()
        self.environment = environment

    def parse_args(
        self, w: Any, pos: int, parsing_state: Any = None
    ) -> tuple[ParsedMacroArgs, int, int]:
        """Skip the body; the walker then reads the environment's end."""
        return ParsedMacroArgs(), pos, verbatim_end(w.s, pos, self.environment) - pos


def _macros() -> Iterator[Any]:
    """The macro specifications of the commands read specially."""
    for name in sorted(CITE_COMMANDS | MULTICITE_COMMANDS):
        yield MacroSpec(name, args_parser=_CiteArguments(name in MULTICITE_COMMANDS))
    for name in sorted(INPUT_COMMANDS | IMPORT_COMMANDS):
        count = 2 if name in IMPORT_COMMANDS else 1
        yield MacroSpec(name, args_parser=_FileArguments(count, bare=name == "input"))
    for name in sorted(BIBTEX_COMMANDS | BIBLATEX_COMMANDS):
        yield MacroSpec(name, args_parser=_BibArguments())
    for name in sorted(URL_COMMANDS):
        yield MacroSpec(name, args_parser=_RawGroup())
    yield MacroSpec("verb", args_parser=_Verb())


@cache
def latex_context() -> LatexContextDb:
    """The walker's context: the commands and environments read specially, nothing else."""
    context = LatexContextDb()
    environments = [
        EnvironmentSpec(name, args_parser=_VerbatimBody(name))
        for name in sorted(VERBATIM_ENVIRONMENTS)
    ]
    context.add_context_category("speechlm-bib", macros=list(_macros()), environments=environments)
    return context


def walker_for(text: str) -> LatexWalker:
    """A tolerant walker over text, with the sentinel after it."""
    return LatexWalker(text + _SENTINEL, latex_context=latex_context(), tolerant_parsing=True)


def commands_in(nodes: Iterable[Any]) -> Iterator[Command]:
    """The commands read in nodes and the nodes within them, in order of their start."""
    for node in nodes:
        if node is None:
            continue
        parsed = getattr(node, "nodeargd", None)
        if isinstance(parsed, _Arguments):
            yield parsed.command(node.macroname, node.pos)
        yield from commands_in(getattr(parsed, "argnlist", None) or ())
        yield from commands_in(getattr(node, "nodelist", None) or ())
