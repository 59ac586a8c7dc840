r"""Read a paper's files and follow its inclusions the way LaTeX does.

``scan_tex`` reads a main .tex file, or every .tex file of a folder, and the files they pull
in with ``\input``, ``\include``, ``\subfile`` and the ``\import``/``\subimport`` forms;
``scan_aux`` reads an .aux file and the .aux files it ``\@input``s. Each file is read once and
parsed by tex/scan.py; citations come out in reading order, each with its own file and line.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..errors import InputError
from .commands import IMPORT_COMMANDS, IMPORT_FROM_HERE, IMPORT_FROM_MAIN
from .scan import (
    Citation,
    CitedKeys,
    Inclusion,
    ParsedSource,
    parse_aux,
    parse_tex,
)

_SUBFILE_COMMANDS = frozenset({"subfile", "subfileinclude"})


class TexScanError(InputError):
    """A source or aux file that cannot be read, named with the line that pulled it in."""

    path: Path

    def __init__(self, message: str, path: Path, line: int | None = None) -> None:
        super().__init__(message, path, line)


def _read_text(path: Path) -> str:
    """Text of path: UTF-8 (a BOM dropped), else Latin-1 as older LaTeX sources are."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TexScanError(f"cannot read file: {error.strerror}", path) from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _search_dirs(inclusion: Inclusion, base: Path, main_dir: Path) -> tuple[Path, ...]:
    """Directories searched for an included file, in LaTeX's (and import's) order."""
    if inclusion.command in IMPORT_FROM_MAIN:
        return (main_dir / inclusion.directory,)
    if inclusion.command in IMPORT_FROM_HERE:
        return (base / inclusion.directory,)
    if inclusion.command == "@input" or base == main_dir:
        return (main_dir,)
    return (base, main_dir)


def _candidates(inclusion: Inclusion, dirs: Iterable[Path]) -> Iterator[Path]:
    """Paths an inclusion may name, ``.tex`` added first as LaTeX does."""
    for directory in dirs:
        if inclusion.command != "@input":
            yield directory / f"{inclusion.name}.tex"
        yield directory / inclusion.name


def _next_base(inclusion: Inclusion, target: Path, searched: Path, base: Path) -> Path:
    """Directory the included file's own inclusions are searched from first."""
    if inclusion.command in _SUBFILE_COMMANDS:
        return target.parent
    return searched if inclusion.command in IMPORT_COMMANDS else base


def _position(item: Citation | Inclusion) -> tuple[int, int]:
    """Line and column of item, to interleave citations and inclusions."""
    return item.line, item.column


class _Paper:
    """Reads a tree of sources, each file once, collecting citations in reading order."""

    def __init__(
        self,
        parse: Callable[[str, Path], ParsedSource],
        cache: dict[Path, ParsedSource] | None = None,
    ) -> None:
        self._parse = parse
        self._cache = {} if cache is None else cache
        self.seen: set[Path] = set()
        self.citations: list[Citation] = []
        self.all_keys = False

    def walk(self, path: Path, base: Path, main_dir: Path) -> None:
        """Add the citations of path and, where it includes them, of its included files."""
        self.seen.add(path.resolve())
        parsed = self._load(path)
        self.all_keys = self.all_keys or parsed.all_keys
        items: Iterable[Citation | Inclusion] = heapq.merge(
            parsed.citations, parsed.includes, key=_position
        )
        for item in items:
            if isinstance(item, Citation):
                self.citations.append(item)
            else:
                self._follow(item, path, base, main_dir)

    def _follow(self, inclusion: Inclusion, parent: Path, base: Path, main_dir: Path) -> None:
        """Walk the file inclusion names unless it was read already."""
        dirs = _search_dirs(inclusion, base, main_dir)
        target = next((path for path in _candidates(inclusion, dirs) if path.is_file()), None)
        if target is None:
            message = f"cannot read included file '{inclusion.name}'"
            raise TexScanError(message, parent, inclusion.line)
        if target.resolve() not in self.seen:
            self.walk(target, _next_base(inclusion, target, dirs[0], base), main_dir)

    def _load(self, path: Path) -> ParsedSource:
        """Parse path, once per file for all papers sharing the cache."""
        key = path.resolve()
        if key not in self._cache:
            self._cache[key] = self._parse(_read_text(path), path)
        return self._cache[key]

    def result(self) -> CitedKeys:
        """Return the citations collected so far."""
        return CitedKeys(tuple(self.citations), self.all_keys)


def _walk(parse: Callable[[str, Path], ParsedSource], path: Path) -> CitedKeys:
    """Citations of the main file path and everything it includes."""
    paper = _Paper(parse)
    paper.walk(path, path.parent, path.parent)
    return paper.result()


def _reached(path: Path, cache: dict[Path, ParsedSource]) -> set[Path]:
    """Return the files path includes, directly or not, resolved, itself left out."""
    paper = _Paper(parse_tex, cache)
    paper.walk(path, path.parent, path.parent)
    return paper.seen - {path.resolve()}


def _scan_directory(directory: Path) -> CitedKeys:
    """Citations of every .tex file in directory, files included by others read through them."""
    files = sorted(path for path in directory.glob("*.tex") if path.is_file())
    cache: dict[Path, ParsedSource] = {}
    included = set[Path]().union(*(_reached(path, cache) for path in files))
    paper = _Paper(parse_tex, cache)
    for path in [path for path in files if path.resolve() not in included] + files:
        if path.resolve() not in paper.seen:
            paper.walk(path, directory, directory)
    return paper.result()


def scan_tex(path: Path) -> CitedKeys:
    """Citations of a .tex file and the files it includes, or of every .tex in a directory."""
    return _scan_directory(path) if path.is_dir() else _walk(parse_tex, path)


def scan_aux(path: Path) -> CitedKeys:
    r"""Citations recorded in an .aux file and the .aux files it ``\@input``s."""
    return _walk(parse_aux, path)


def scan_paths(paths: Iterable[Path]) -> CitedKeys:
    """Citations of .aux files, .tex files and directories of .tex files, each counted once."""
    results = [
        scan_aux(path) if path.suffix == ".aux" and not path.is_dir() else scan_tex(path)
        for path in paths
    ]
    citations = dict.fromkeys(citation for result in results for citation in result.citations)
    return CitedKeys(tuple(citations), any(result.all_keys for result in results))
