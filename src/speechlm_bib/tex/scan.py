r"""Find the citation keys and included files of one LaTeX or .aux text.

``parse_tex`` and ``parse_aux`` are pure: text in, citations with file, line and column out,
plus the files the text pulls in. tex/files.py reads the files and follows the inclusions.

The scanner reads text as LaTeX would, without expanding macros: comments, ``comment`` and
verbatim environments, ``\verb`` and URLs are skipped, keys and file names that need macro
expansion (``#1``, ``\keys``) are left out, and ``\iffalse`` blocks, ``\includeonly`` and
citation commands the document defines itself are not understood.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

_CITE_COMMANDS = frozenset(
    {
        *("cite", "Cite", "nocite", "citep", "Citep", "citet", "Citet"),
        *("citealp", "Citealp", "citealt", "Citealt", "citenum"),
        *("citeauthor", "Citeauthor", "citefullauthor", "Citefullauthor"),
        *("citeyear", "citeyearpar", "citetitle", "Citetitle"),
        *("citeurl", "citedate", "citeurldate", "citelist", "citefield", "citename"),
        *("parencite", "Parencite", "textcite", "Textcite", "autocite", "Autocite"),
        *("footcite", "Footcite", "footcitetext", "Footcitetext", "smartcite", "Smartcite"),
        *("supercite", "fullcite", "footfullcite"),
        *("notecite", "Notecite", "pnotecite", "Pnotecite", "fnotecite"),
    }
)
_MULTICITE_COMMANDS = frozenset(
    {
        *("cites", "Cites", "parencites", "Parencites", "textcites", "Textcites"),
        *("autocites", "Autocites", "footcites", "footcitetexts"),
        *("smartcites", "Smartcites", "supercites"),
    }
)
_ANY_CITE_COMMANDS = _CITE_COMMANDS | _MULTICITE_COMMANDS
_INPUT_COMMANDS = frozenset({"input", "include", "subfile", "subfileinclude"})
IMPORT_FROM_MAIN = frozenset({"import", "inputfrom", "includefrom"})
IMPORT_FROM_HERE = frozenset({"subimport", "subinputfrom", "subincludefrom"})
IMPORT_COMMANDS = IMPORT_FROM_MAIN | IMPORT_FROM_HERE
_AUX_COMMANDS = ("abx@aux@nociteall", "abx@aux@cite", "citation", "@input")
_VERBATIM_ENVIRONMENTS = frozenset(
    {
        *("comment", "verbatim", "verbatim*", "Verbatim", "Verbatim*", "BVerbatim"),
        *("LVerbatim", "lstlisting", "minted", "filecontents", "filecontents*"),
    }
)


def _command_pattern(names: Iterable[str], letter: str) -> re.Pattern[str]:
    r"""Match one of names as a whole control word, or a ``\\`` pair to step over."""
    choices = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"\\(?:({choices})(?!{letter})|\\)")


_TEX_COMMAND = _command_pattern(_ANY_CITE_COMMANDS | _INPUT_COMMANDS | IMPORT_COMMANDS, "[A-Za-z]")
_AUX_COMMAND = _command_pattern(_AUX_COMMANDS, "[A-Za-z@]")
_MASK_START = re.compile(
    r"%|\\(?:begin[ \t]*\{(?P<env>[^{}\n]*)\}|verb(?![A-Za-z])\*?(?P<delim>[^\n]?)"
    r"|(?:url|nolinkurl|href)(?![A-Za-z])[ \t]*(?P<url>\{)|[\\%])"
)
_RAW_BRACES = re.compile(r"[{}]")
_NOT_NEWLINE = re.compile(r"[^\n]+")
_NEWLINE = re.compile(r"\n")
# Blanks TeX skips before an argument: spaces, comments with the line break they swallow,
# and at most one real line break (a second one is a paragraph break).
_BLANKS = re.compile(r"(?:[ \t\r]|\x00+(?:\n|\Z))*(?:\n(?:[ \t\r]|\x00+(?:\n|\Z))*)?")
_BRACE_TOKENS = re.compile(r"\\.|[{}]", re.DOTALL)
_BRACKET_TOKENS = re.compile(r"\\.|[{}\[\]()]", re.DOTALL)
_KEY = re.compile(r"[^,\s\x00](?:[^,]*[^,\s\x00])?")
_SWALLOWED = re.compile(r"\x00+\n?[ \t]*")
# Text that names a key or file only once macros are expanded: \keymacro, #1, {...}.
_UNEXPANDED = re.compile(r"[\\#{}]")
_BARE_FILE_NAME = re.compile(r"[^\s{}%\\\x00]+")

Span = tuple[int, int]


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
class ParsedSource:
    r"""What one .tex or .aux text holds: citations, ``\nocite{*}``, inclusions."""

    citations: tuple[Citation, ...]
    all_keys: bool
    includes: tuple[Inclusion, ...]


@dataclass(frozen=True, slots=True)
class CitedKeys:
    """The citations of a document in reading order; all_keys when it cites ``*``."""

    citations: tuple[Citation, ...]
    all_keys: bool

    @property
    def keys(self) -> tuple[str, ...]:
        """Each cited key once, in order of first citation.

        >>> cite = lambda key: Citation(key, Path("a.tex"), 1, 1, "cite")
        >>> CitedKeys((cite("b"), cite("a"), cite("b")), False).keys
        ('b', 'a')
        """
        return tuple(dict.fromkeys(citation.key for citation in self.citations))


@dataclass(frozen=True, slots=True)
class _Source:
    """Masked text of one file and the offsets where its lines start."""

    text: str
    path: Path
    line_starts: tuple[int, ...]

    @classmethod
    def of(cls, text: str, path: Path) -> _Source:
        """Mask text and index its lines."""
        masked = _mask(text)
        starts = (0, *(match.end() for match in _NEWLINE.finditer(masked)))
        return cls(masked, path, starts)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of offset."""
        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def citations(self, groups: Iterable[Span], command: str) -> list[Citation]:
        """Citations for the keys inside the brace groups spanned by groups."""
        return [
            Citation(key, self.path, *self.position(offset), command)
            for start, end in groups
            for key, offset in _keys(self.text, start + 1, end - 1)
        ]

    def inclusion(self, command: str, args: Sequence[str], offset: int) -> Inclusion:
        """Make the inclusion by command at offset; args end with the file name."""
        directory = args[0] if len(args) == 2 else ""
        return Inclusion(command, args[-1], *self.position(offset), directory)


def _mask(text: str) -> str:
    r"""Blank out what LaTeX never reads as commands, keeping every offset.

    Comments become NULs, so that the line break a comment swallows can be told from a
    real one; comment and verbatim environments and ``\verb`` become spaces.

    >>> _mask("a % b\n\\% c \\verb|%x|")
    'a \x00\x00\x00\n\\% c          '
    """
    pieces: list[str] = []
    pos = 0
    for start, end, fill in _masked_spans(text):
        pieces += [text[pos:start], _NOT_NEWLINE.sub(_filler(fill), text[start:end])]
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def _filler(fill: str) -> Callable[[re.Match[str]], str]:
    """Make a replacement that turns a match into as many fill characters."""
    return lambda match: fill * len(match.group())


def _masked_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield start, end and fill character of each stretch LaTeX does not read."""
    pos = 0
    while (match := _MASK_START.search(text, pos)) is not None:
        masked = _masked_end(text, match)
        if masked is None:
            pos = match.end()
            continue
        yield match.start(), masked[0], masked[1]
        pos = masked[0]


def _masked_end(text: str, match: re.Match[str]) -> tuple[int, str] | None:
    """Where the stretch begun by match ends and what fills it, or None to read on."""
    if match.group() == "%":
        return _line_end(text, match.end()), "\x00"
    environment = match.group("env")
    if environment is not None and environment.strip() in _VERBATIM_ENVIRONMENTS:
        return _environment_end(text, match.end(), environment.strip()), " "
    if match.group("url"):
        end = _raw_group_end(text, match.start("url"))
        return None if end is None else (end, " ")
    delimiter = match.group("delim")
    if delimiter:
        close = text.find(delimiter, match.end(), _line_end(text, match.end()))
        return (close + 1 if close >= 0 else _line_end(text, match.end())), " "
    return None


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


def _line_end(text: str, pos: int) -> int:
    r"""Offset of the line break ending the line at pos, or of the end of text.

    >>> _line_end("ab\ncd", 0), _line_end("ab\ncd", 3)
    (2, 5)
    """
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _environment_end(text: str, pos: int, environment: str) -> int:
    r"""Offset just past ``\end{environment}`` after pos, or the end of text."""
    pattern = re.compile(r"\\end[ \t]*\{" + re.escape(environment) + r"\}")
    match = pattern.search(text, pos)
    return len(text) if match is None else match.end()


def _skip_blanks(text: str, pos: int) -> int:
    r"""Offset after the blanks TeX skips before an argument: never a paragraph break.

    >>> _skip_blanks("  \n  {a}", 0), _skip_blanks(" \n\n{a}", 0)
    (5, 2)
    """
    match = _BLANKS.match(text, pos)
    return pos if match is None else match.end()


def _brace_end(text: str, pos: int) -> int | None:
    r"""Offset just past the brace group opening at pos, or None when it never closes.

    >>> _brace_end("{a{b}\\}}c", 0), _brace_end("{a", 0)
    (8, None)
    """
    depth = 0
    for match in _BRACE_TOKENS.finditer(text, pos):
        if match.group() == "{":
            depth += 1
        elif match.group() == "}":
            depth -= 1
            if depth == 0:
                return match.end()
    return None


def _bracket_end(text: str, pos: int) -> int | None:
    """Offset just past the [...] or (...) group opening at pos, braces hiding delimiters.

    >>> _bracket_end("[{see ]}]{a}", 0), _bracket_end("[see [1]]{a}", 0), _bracket_end("[a}]", 0)
    (9, 9, None)
    """
    opener = text[pos]
    closer = "]" if opener == "[" else ")"
    braces = depth = 0
    for match in _BRACKET_TOKENS.finditer(text, pos):
        token = match.group()
        braces += {"{": 1, "}": -1}.get(token, 0)
        if braces < 0:
            return None
        if braces == 0 and token in (opener, closer):
            depth += 1 if token == opener else -1
            if depth == 0:
                return match.end()
    return None


def _star(text: str, pos: int) -> tuple[bool, int]:
    """Whether a star follows pos, and the offset after it.

    >>> _star(" *{a}", 0), _star(" {a}", 0)
    ((True, 2), (False, 0))
    """
    after = _skip_blanks(text, pos)
    if text.startswith("*", after):
        return True, after + 1
    return False, pos


def _optional_args(text: str, pos: int, opener: str) -> int | None:
    """Offset after up to two optional arguments opened by opener; None if one never closes.

    >>> _optional_args("[see] [p.~3] {a}", 0, "["), _optional_args("{a}", 0, "[")
    (12, 0)
    """
    for _ in range(2):
        start = _skip_blanks(text, pos)
        if not text.startswith(opener, start):
            break
        end = _bracket_end(text, start)
        if end is None:
            return None
        pos = end
    return pos


def _brace_group(text: str, pos: int) -> Span | None:
    """Span of the brace group that follows pos after blanks, braces included."""
    start = _skip_blanks(text, pos)
    end = _brace_end(text, start) if text.startswith("{", start) else None
    return None if end is None else (start, end)


def _key_group(text: str, pos: int) -> Span | None:
    """Span of the key group after up to two [optional] arguments at pos."""
    after = _optional_args(text, pos, "[")
    return None if after is None else _brace_group(text, after)


def _multicite_groups(text: str, pos: int) -> list[Span]:
    """Spans of the key groups of a multicite command, after its (pre)(post) notes."""
    groups: list[Span] = []
    after = _optional_args(text, pos, "(")
    while after is not None and (group := _key_group(text, after)) is not None:
        groups.append(group)
        after = group[1]
    return groups


def _brace_args(text: str, pos: int, count: int) -> tuple[list[Span], int]:
    """Spans of up to count brace groups from pos, and the offset after the last."""
    spans: list[Span] = []
    while len(spans) < count and (group := _brace_group(text, pos)) is not None:
        spans.append(group)
        pos = group[1]
    return spans, pos


def _keys(text: str, start: int, end: int) -> Iterator[tuple[str, int]]:
    r"""Yield each key of the comma-separated list in text[start:end] with its offset.

    >>> list(_keys("{a, b ,\n  c,,#1}", 1, 15))
    [('a', 1), ('b', 4), ('c', 10)]
    """
    for match in _KEY.finditer(text, start, end):
        key = match.group()
        key = _SWALLOWED.sub("", key) if "\x00" in key else key
        if not _UNEXPANDED.search(key):
            yield key, match.start()


def _read_citation(source: _Source, match: re.Match[str]) -> tuple[list[Citation], int]:
    """Citations of the cite command matched, and where reading goes on."""
    name = match.group(1)
    starred, pos = _star(source.text, match.end())
    if name in _MULTICITE_COMMANDS:
        groups = _multicite_groups(source.text, pos)
    else:
        groups = [group] if (group := _key_group(source.text, pos)) is not None else []
    end = groups[-1][1] if groups else match.end()
    return source.citations(groups, name + "*" * starred), end


def _read_inclusion(source: _Source, match: re.Match[str]) -> tuple[list[Inclusion], int]:
    """Read the inclusion by the input, include, subfile or import command matched."""
    name = match.group(1)
    count = 2 if name in IMPORT_COMMANDS else 1
    pos = _star(source.text, match.end())[1] if count == 2 else match.end()
    args, end = _file_args(source.text, pos, count)
    if not args and name == "input":
        args, end = _bare_file_name(source.text, pos)
    if len(args) < count or any(_UNEXPANDED.search(arg) for arg in args):
        return [], match.end()
    return [source.inclusion(name, args, match.start())], end


def _file_args(text: str, pos: int, count: int) -> tuple[list[str], int]:
    """Up to count brace arguments naming files or directories, and where they end.

    >>> _file_args('{sections/} { "intro" }.', 0, 2)
    (['sections/', 'intro'], 23)
    """
    spans, end = _brace_args(text, pos, count)
    return [text[start + 1 : stop - 1].strip().strip('"') for start, stop in spans], end


def _bare_file_name(text: str, pos: int) -> tuple[list[str], int]:
    r"""Read the file name of TeX's own ``\input name`` form, ended by a blank.

    >>> _bare_file_name(" chapters/one.tex more", 0), _bare_file_name(" {", 0)
    ((['chapters/one.tex'], 17), ([], 0))
    """
    bare = _BARE_FILE_NAME.match(text, _skip_blanks(text, pos))
    return ([bare.group()], bare.end()) if bare else ([], pos)


def _tex_items(source: _Source) -> Iterator[Citation | Inclusion]:
    """Yield the citations and inclusions of a masked .tex source in order."""
    pos = 0
    while (match := _TEX_COMMAND.search(source.text, pos)) is not None:
        items: Sequence[Citation | Inclusion] = []
        pos = match.end()
        if match.group(1) in _ANY_CITE_COMMANDS:
            items, pos = _read_citation(source, match)
        elif match.group(1) is not None:
            items, pos = _read_inclusion(source, match)
        yield from items


def _read_aux_command(
    source: _Source, match: re.Match[str]
) -> tuple[Sequence[Citation | Inclusion], int]:
    r"""Citations or the ``\@input`` of the aux command matched, and where reading goes on."""
    name = match.group(1)
    if name == "abx@aux@nociteall":
        return [Citation("*", source.path, *source.position(match.start()), name)], match.end()
    if name == "@input":
        args, end = _file_args(source.text, match.end(), 1)
        return [source.inclusion(name, args, match.start())] if args else [], end
    # recent biblatex writes \abx@aux@cite{refsection}{key}, older versions \abx@aux@cite{key}
    spans, end = _brace_args(source.text, match.end(), 2 if name == "abx@aux@cite" else 1)
    return source.citations(spans[-1:], name) if name else [], end


def _aux_items(source: _Source) -> Iterator[Citation | Inclusion]:
    r"""Yield the citations and ``\@input`` files of a masked .aux text in order."""
    pos = 0
    while (match := _AUX_COMMAND.search(source.text, pos)) is not None:
        items, pos = _read_aux_command(source, match)
        yield from items


def _collect(items: Iterable[Citation | Inclusion]) -> ParsedSource:
    """Sort items into citations and inclusions; a ``*`` key sets all_keys."""
    citations: list[Citation] = []
    includes: list[Inclusion] = []
    all_keys = False
    for item in items:
        if isinstance(item, Inclusion):
            includes.append(item)
        elif item.key == "*":
            all_keys = True
        else:
            citations.append(item)
    return ParsedSource(tuple(citations), all_keys, tuple(includes))


def parse_tex(text: str, path: Path) -> ParsedSource:
    r"""Find the citations, ``\nocite{*}`` and included files of one LaTeX source text.

    >>> parsed = parse_tex("See \\citet[p.~2]{a, b}.\n\\input{intro}", Path("p.tex"))
    >>> [(c.key, c.line, c.column, c.command) for c in parsed.citations]
    [('a', 1, 18, 'citet'), ('b', 1, 21, 'citet')]
    >>> parsed.includes
    (Inclusion(command='input', name='intro', line=2, column=1, directory=''),)
    """
    return _collect(_tex_items(_Source.of(text, path)))


def parse_aux(text: str, path: Path) -> ParsedSource:
    r"""Find the citations and ``\@input`` files of one .aux text (BibTeX or biblatex form).

    >>> parsed = parse_aux("\\citation{a,b}\n\\abx@aux@cite{0}{c}\n", Path("p.aux"))
    >>> [(c.key, c.line, c.column) for c in parsed.citations]
    [('a', 1, 11), ('b', 1, 13), ('c', 2, 18)]
    """
    return _collect(_aux_items(_Source.of(text, path)))
