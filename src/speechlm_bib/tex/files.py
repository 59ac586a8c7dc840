r"""Read a paper's files and follow its inclusions the way LaTeX does.

``scan_tex`` reads a main .tex file, or every .tex file of a folder, and the files they pull
in with ``\input``, ``\include``, ``\subfile`` and the ``\import``/``\subimport`` forms;
``scan_aux`` reads an .aux file and the .aux files it ``\@input``s. Each file is read once and
parsed by tex/scan.py; citations come out in reading order, each with its own file and line.

Bibliography declarations are resolved against the main document's folder wherever they stand
(in the main file or in a file it includes), since TeX, BibTeX and biber run there: BibTeX adds
``.bib`` to a name that does not end in it, biber opens the name as written. For an .aux file
the main document's folder is the folder of the main .aux; biblatex's resources, which its
.aux files do not name, come from the .bcf file beside the main .aux (tex/bcf.py).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from ..errors import InputError
from ..memo import log_read, log_state
from .bcf import parse_bcf
from .commands import IMPORT_COMMANDS, IMPORT_FROM_HERE, IMPORT_FROM_MAIN
from .scan import (
    BibDeclaration,
    Bibliography,
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
    log_read(path, data)
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


def _first_file(paths: Iterable[Path]) -> Path | None:
    """The first of paths that is a file (those looked at before it logged as they are)."""
    for path in paths:
        if path.is_file():
            return path
        log_state(path)
    return None


def _next_base(inclusion: Inclusion, target: Path, searched: Path, base: Path) -> Path:
    """Directory the included file's own inclusions are searched from first."""
    if inclusion.command in _SUBFILE_COMMANDS:
        return target.parent
    return searched if inclusion.command in IMPORT_COMMANDS else base


def _position(item: Citation | Inclusion | BibDeclaration) -> tuple[int, int]:
    """Line and column of item, to interleave what a file holds."""
    return item.line, item.column


def _resolve(declaration: BibDeclaration, path: Path, main_dir: Path) -> Bibliography:
    """The bibliography file a declaration in path names, found from the main folder.

    >>> _resolve(BibDeclaration("bibliography", "bib/refs", 3, 15), Path("p/ch/a.tex"), Path("p"))
    Bibliography(file=PosixPath('p/bib/refs.bib'), name='bib/refs', path=PosixPath('p/ch/a.tex'), \
line=3, column=15, command='bibliography')
    """
    return Bibliography(
        main_dir / declaration.file_name,
        declaration.name,
        path,
        declaration.line,
        declaration.column,
        declaration.command,
    )


class _Paper:
    """Reads a tree of sources, each file once, collecting what they declare in reading order."""

    def __init__(
        self,
        parse: Callable[[str, Path], ParsedSource],
        cache: dict[Path, ParsedSource] | None = None,
    ) -> None:
        self._parse = parse
        self._cache = {} if cache is None else cache
        self.seen: set[Path] = set()
        self.citations: list[Citation] = []
        self.bibliographies: list[Bibliography] = []
        self.all_keys = False

    def walk(self, path: Path, base: Path, main_dir: Path) -> None:
        """Add what path and, where it includes them, its included files hold."""
        self.seen.add(path.resolve())
        parsed = self._load(path)
        self.all_keys = self.all_keys or parsed.all_keys
        items: Iterable[Citation | Inclusion | BibDeclaration] = heapq.merge(
            parsed.citations, parsed.includes, parsed.bibliographies, key=_position
        )
        for item in items:
            if isinstance(item, Citation):
                self.citations.append(item)
            elif isinstance(item, BibDeclaration):
                self.bibliographies.append(_resolve(item, path, main_dir))
            else:
                self._follow(item, path, base, main_dir)

    def _follow(self, inclusion: Inclusion, parent: Path, base: Path, main_dir: Path) -> None:
        """Walk the file inclusion names unless it was read already."""
        dirs = _search_dirs(inclusion, base, main_dir)
        target = _first_file(_candidates(inclusion, dirs))
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
        """Return what was collected so far."""
        return CitedKeys(tuple(self.citations), self.all_keys, tuple(self.bibliographies))


def _walk(parse: Callable[[str, Path], ParsedSource], path: Path) -> CitedKeys:
    """What the main file path and everything it includes hold."""
    paper = _Paper(parse)
    paper.walk(path, path.parent, path.parent)
    return paper.result()


def _reached(path: Path, cache: dict[Path, ParsedSource]) -> set[Path]:
    """Return the files path includes, directly or not, resolved, itself left out."""
    paper = _Paper(parse_tex, cache)
    paper.walk(path, path.parent, path.parent)
    return paper.seen - {path.resolve()}


def _scan_directory(directory: Path) -> CitedKeys:
    """What every .tex file in directory holds, files included by others read through them."""
    log_state(directory)  # its names: a .tex file added or removed is another paper
    files = sorted(path for path in directory.glob("*.tex") if path.is_file())
    cache: dict[Path, ParsedSource] = {}
    included = set[Path]().union(*(_reached(path, cache) for path in files))
    paper = _Paper(parse_tex, cache)
    for path in [path for path in files if path.resolve() not in included] + files:
        if path.resolve() not in paper.seen:
            paper.walk(path, directory, directory)
    return paper.result()


def scan_tex(path: Path) -> CitedKeys:
    """Citations and bibliographies of a .tex file and its inclusions, or of a folder's .tex."""
    return _scan_directory(path) if path.is_dir() else _walk(parse_tex, path)


def scan_aux(path: Path) -> CitedKeys:
    r"""Citations and ``\bibdata`` of an .aux file and the .aux files it ``\@input``s.

    An .aux file biblatex wrote declares no ``\bibdata``: its resources are read from the
    .bcf file beside it, the one biber reads.
    """
    cited = _walk(parse_aux, path)
    control = path.with_suffix(".bcf")
    if cited.bibliographies or _first_file([control]) is None:
        return cited
    declared = (_resolve(item, control, path.parent) for item in parse_bcf(_read_text(control)))
    return replace(cited, bibliographies=tuple(declared))


def scan_paths(paths: Iterable[Path]) -> CitedKeys:
    """What .aux files, .tex files and folders of .tex files hold, each citation once."""
    results = [
        scan_aux(path) if path.suffix == ".aux" and not path.is_dir() else scan_tex(path)
        for path in paths
    ]
    citations = dict.fromkeys(citation for result in results for citation in result.citations)
    bibliographies = dict.fromkeys(item for result in results for item in result.bibliographies)
    return CitedKeys(
        tuple(citations), any(result.all_keys for result in results), tuple(bibliographies)
    )
