r"""Find the citations, included files and bibliographies of one LaTeX or .aux text.

``parse_tex`` and ``parse_aux`` are pure: text in; citations, inclusions and bibliography
declarations out, each with its 1-based line and column. tex/files.py reads the files and
follows the inclusions. The commands of a .tex text are read by tex/reader.py (pylatexenc's
walker, with a fast path for plain citation commands); here each command becomes what it means.

The scanner reads text as LaTeX would, without expanding macros: comments, ``comment`` and
verbatim environments, ``\verb`` and URLs are skipped, keys and file names that need macro
expansion (``#1``, ``\keys``) are left out, and ``\iffalse`` blocks, ``\includeonly`` and
citation commands the document defines itself are not understood. A biblatex resource with
the option ``location=remote`` is no file of the paper and is left out.

.aux files are read with regular expressions, not with the walker: LaTeX writes them with
``@`` in command names (``\abx@aux@cite``, ``\@input``), where pylatexenc ends a command name
at the ``@``; and LaTeX writes each command with plain arguments, one to a line.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

from .commands import (
    BIBLATEX_COMMANDS,
    BIBTEX_COMMANDS,
    CITE_COMMANDS,
    IMPORT_COMMANDS,
    MULTICITE_COMMANDS,
    Argument,
    Command,
)
from .reader import read_commands

_CITING = CITE_COMMANDS | MULTICITE_COMMANDS | {"citation", "abx@aux@cite"}
_BIBTEX = BIBTEX_COMMANDS | {"bibdata"}
_AUX_COMMAND = re.compile(
    r"\\(citation|bibdata|abx@aux@cite|abx@aux@nociteall|@input)(?![A-Za-z@])"
)
_AUX_GROUP = re.compile(r"\s*\{([^{}]*)\}")
# recent biblatex writes \abx@aux@cite{refsection}{key}, older versions \abx@aux@cite{key}
_AUX_GROUPS = {"abx@aux@cite": 2, "abx@aux@nociteall": 0}
_NEWLINE = re.compile(r"\n")
_KEY = re.compile(r"[^,\s\x00](?:[^,]*[^,\s\x00])?")
_RESOURCE = re.compile(r"[^\s\x00](?:.*[^\s\x00])?", re.DOTALL)
_SWALLOWED = re.compile(r"\x00+\n?[ \t]*")
# Text that names a key or file only once macros are expanded: \keymacro, #1, {...}.
_UNEXPANDED = re.compile(r"[\\#{}]")
_REMOTE = re.compile(r"(?:^|,)\s*location\s*=\s*remote\s*(?:,|$)")


@dataclass(frozen=True, slots=True)
class Citation:
    """One cited key, where it stands (1-based line and column) and the command citing it."""

    key: str
    path: Path
    line: int
    column: int
    command: str


@dataclass(frozen=True, slots=True)
class Inclusion:
    """A file that a source pulls in, as written (``directory`` is set by the import forms)."""

    command: str
    name: str
    line: int
    column: int
    directory: str = ""


@dataclass(frozen=True, slots=True)
class BibDeclaration:
    r"""A bibliography file named by ``\bibliography``, ``\addbibresource`` or ``\bibdata``.

    ``name`` is as written; where it stands is the name's line and column.
    """

    command: str
    name: str
    line: int
    column: int

    @property
    def file_name(self) -> str:
        """The file BibTeX or biber opens: BibTeX adds ``.bib`` to a name not ending in it.

        >>> [BibDeclaration(command, "refs.v2", 1, 1).file_name
        ...  for command in ("bibliography", "bibdata", "addbibresource")]
        ['refs.v2.bib', 'refs.v2.bib', 'refs.v2']
        """
        if self.command in _BIBTEX and not self.name.endswith(".bib"):
            return f"{self.name}.bib"
        return self.name


@dataclass(frozen=True, slots=True)
class ParsedSource:
    r"""What one .tex or .aux text holds: citations, ``\nocite{*}``, inclusions, bibliographies."""

    citations: tuple[Citation, ...]
    all_keys: bool
    includes: tuple[Inclusion, ...]
    bibliographies: tuple[BibDeclaration, ...] = ()


@dataclass(frozen=True, slots=True)
class Bibliography:
    """A bibliography file of a paper and the declaration naming it (file, line, column).

    ``file`` is the name resolved against the main document's folder as BibTeX and biber find
    it; it need not exist.
    """

    file: Path
    name: str
    path: Path
    line: int
    column: int
    command: str


@dataclass(frozen=True, slots=True)
class CitedKeys:
    """A document's citations in reading order (all_keys: it cites ``*``), its bibliographies."""

    citations: tuple[Citation, ...]
    all_keys: bool
    bibliographies: tuple[Bibliography, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        """Each cited key once, in order of first citation.

        >>> cite = lambda key: Citation(key, Path("a.tex"), 1, 1, "cite")
        >>> CitedKeys((cite("b"), cite("a"), cite("b")), False).keys
        ('b', 'a')
        """
        return tuple(dict.fromkeys(citation.key for citation in self.citations))

    @property
    def bib_files(self) -> tuple[Path, ...]:
        """Each bibliography file once, in order of first declaration."""
        return tuple(dict.fromkeys(bibliography.file for bibliography in self.bibliographies))


_Item = Citation | Inclusion | BibDeclaration
_Names = Callable[[Argument], Iterator[tuple[str, int]]]


def _keys(argument: Argument) -> Iterator[tuple[str, int]]:
    r"""Each key of a comma-separated list with its offset; keys needing expansion left out.

    >>> list(_keys(Argument(1, "a, b ,\n  c,,#1")))
    [('a', 1), ('b', 4), ('c', 10)]
    >>> list(_keys(Argument(0, "long\x00\x00\x00  key,x")))
    [('longkey', 0), ('x', 13)]
    """
    for match in _KEY.finditer(argument.text):
        key = match.group()
        key = _SWALLOWED.sub("", key) if "\x00" in key else key
        if not _UNEXPANDED.search(key):
            yield key, argument.offset + match.start()


def _resource(argument: Argument) -> Iterator[tuple[str, int]]:
    r"""The one file name of a biblatex resource, with its offset, unless it needs expansion.

    >>> list(_resource(Argument(5, " refs, 2024.bib ")))
    [('refs, 2024.bib', 6)]
    """
    match = _RESOURCE.search(argument.text)
    if match is not None and not _UNEXPANDED.search(name := _file_name(match.group())):
        yield name, argument.offset + match.start()


def _file_name(text: str) -> str:
    r"""A file name as written in a group: comments dropped, blanks and quotes stripped.

    >>> _file_name(' "with space" '), _file_name("chap\x00\x00\x00ters/one")
    ('with space', 'chapters/one')
    """
    return _SWALLOWED.sub("", text).strip().strip('"')


def _remote(command: Command) -> bool:
    """Whether a biblatex resource is a remote one (``location=remote``).

    >>> _remote(Command("addbibresource", 0, (), ("label=x, location = remote",)))
    True
    """
    return any(_REMOTE.search(option) for option in command.options)


class _Source:
    """One text being parsed: its path, the offsets where its lines start."""

    def __init__(self, text: str, path: Path) -> None:
        self.path = path
        self.line_starts = (0, *(match.end() for match in _NEWLINE.finditer(text)))

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of offset."""
        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def items(self, command: Command) -> list[_Item]:
        """What command means: citations, bibliography declarations or an inclusion."""
        name = command.name.rstrip("*")
        if name in _CITING:
            return self.citations(command)
        if name in _BIBTEX:
            return self.declarations(command, _keys)
        if name in BIBLATEX_COMMANDS:
            return [] if _remote(command) else self.declarations(command, _resource)
        if name == "abx@aux@nociteall":
            return [Citation("*", self.path, *self.position(command.start), name)]
        return self.inclusion(name, command)

    def citations(self, command: Command) -> list[_Item]:
        """A citation for each key of the command's groups."""
        return [
            Citation(key, self.path, *self.position(offset), command.name)
            for argument in command.arguments
            for key, offset in _keys(argument)
        ]

    def declarations(self, command: Command, names: _Names) -> list[_Item]:
        """A declaration for each bibliography file the command names."""
        return [
            BibDeclaration(command.name, name, *self.position(offset))
            for argument in command.arguments
            for name, offset in names(argument)
        ]

    def inclusion(self, name: str, command: Command) -> list[_Item]:
        """The file the command includes, when its name needs no expansion."""
        names = [_file_name(argument.text) for argument in command.arguments]
        if len(names) != (2 if name in IMPORT_COMMANDS else 1) or any(
            _UNEXPANDED.search(written) for written in names
        ):
            return []
        directory = names[0] if len(names) == 2 else ""
        return [Inclusion(name, names[-1], *self.position(command.start), directory)]


def _aux_commands(text: str) -> Iterator[Command]:
    r"""The citation, bibliography and ``\@input`` commands of an .aux text."""
    for match in _AUX_COMMAND.finditer(text):
        name = match.group(1)
        arguments: list[Argument] = []
        pos = match.end()
        while len(arguments) < _AUX_GROUPS.get(name, 1) and (
            group := _AUX_GROUP.match(text, pos)
        ):
            arguments.append(Argument(group.start(1), group.group(1)))
            pos = group.end()
        yield Command(name, match.start(), tuple(arguments[-1:]))


def _collect(items: Iterable[_Item]) -> ParsedSource:
    """Sort items into citations, inclusions and declarations; a ``*`` key sets all_keys."""
    citations: list[Citation] = []
    includes: list[Inclusion] = []
    declarations: list[BibDeclaration] = []
    all_keys = False
    for item in items:
        if isinstance(item, Inclusion):
            includes.append(item)
        elif isinstance(item, BibDeclaration):
            declarations.append(item)
        elif item.key == "*":
            all_keys = True
        else:
            citations.append(item)
    return ParsedSource(tuple(citations), all_keys, tuple(includes), tuple(declarations))


def parse_tex(text: str, path: Path) -> ParsedSource:
    r"""Find the citations, ``\nocite{*}``, included files and bibliographies of a LaTeX text.

    >>> parsed = parse_tex("See \\citet[p.~2]{a, b}.\n\\input{intro}", Path("p.tex"))
    >>> [(c.key, c.line, c.column, c.command) for c in parsed.citations]
    [('a', 1, 18, 'citet'), ('b', 1, 21, 'citet')]
    >>> parsed.includes
    (Inclusion(command='input', name='intro', line=2, column=1, directory=''),)
    >>> parse_tex("\\bibliography{refs}", Path("p.tex")).bibliographies
    (BibDeclaration(command='bibliography', name='refs', line=1, column=15),)
    """
    source = _Source(text, path)
    items = [item for command in read_commands(text) for item in source.items(command)]
    # a command inside the notes of another one stands before that one's keys
    return _collect(sorted(items, key=attrgetter("line", "column")))


def parse_aux(text: str, path: Path) -> ParsedSource:
    r"""Find the citations, ``\bibdata`` and ``\@input`` files of one .aux text.

    >>> parsed = parse_aux("\\citation{a,b}\n\\abx@aux@cite{0}{c}\n", Path("p.aux"))
    >>> [(c.key, c.line, c.column) for c in parsed.citations]
    [('a', 1, 11), ('b', 1, 13), ('c', 2, 18)]
    """
    source = _Source(text, path)
    return _collect([item for command in _aux_commands(text) for item in source.items(command)])
