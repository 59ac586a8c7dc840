"""Values kept from one command to the next: the digest they are kept under, their plain form.

Helpers for the cache (store/cache.py holds its files): a ``Memo`` finds a value by the
digest of everything that made it (as the cache's file holds it, in plain form) and keeps new
ones (converted only when the cache is written); ``to_plain`` and ``from_plain`` turn
the frozen dataclasses and named tuples kept (entries, hand records, a paper's records,
normalised records, the checks' facts) into tuples of strings and numbers and back, field by
field in their declared order.

Within ``recorded_reads`` every file the readers read (``log_read``: entry files, data/'s
stores, generated files, a paper's sources and bibliography files) and every path they look
at without reading it (``log_state``: a folder listed, a file searched for and not found) is
logged as it was found, in a ``FilesDigest``: what was made from the files read is kept
under their digest, or with them (``unchanged`` tells whether they still are as found).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Protocol, TypeVar

MEMOISED = 1 << 18
"""How many values a function memoised for a command's run keeps (titles, names, links).

More than 100,000 records' distinct values: the checks go through the records in order, one
after another, and a memo of least recently used values smaller than what one goes through
would lose each value just before the next one asks for it again.
"""
T = TypeVar("T")


class Memo(Protocol):
    """Values by digest: one section of the cache."""

    def get(self, digest: str) -> Any:
        """The value kept under a digest, or None."""

    def put(self, digest: str, value: Any) -> None:
        """Keep a value under its digest (``to_plain`` converts it when the cache is saved)."""

    def forget(self, digest: str) -> None:
        """Drop a value that turned out unusable."""


def digest(*parts: object) -> str:
    """A digest of values by their repr (frozen dataclasses, tuples, strings).

    >>> digest("a", ("b", 1)) == digest("a", ("b", 1)) != digest("a", ("b", 2))
    True
    """
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def digest_bytes(data: bytes) -> str:
    """A digest of bytes (a file's content), of the form ``digest`` gives.

    >>> len(digest_bytes(b"x")) == len(digest("x")) == 32
    True
    """
    return hashlib.blake2b(data, digest_size=16).hexdigest()


FileState = tuple[str, str | None, str]
"""A file as a command found it: its name, the digest of its bytes (or None) and why not."""


class FilesDigest:
    """A digest of files, in order: each one's name and the digest of its bytes, or why not.

    Each file keeps its own place, so that the digest the same files give once some of them
    hold other bytes can be told without reading them again (``after``).
    """

    def __init__(self) -> None:
        self._files: list[FileState] = []

    def add(self, name: str, data: bytes | None, problem: str = "") -> None:
        """A file's bytes, or None and the reason it could not be read."""
        self._files.append((name, None if data is None else digest_bytes(data), problem))

    def add_state(self, state: FileState) -> None:
        """A file as found: its name, the digest of its bytes (or None) and why not."""
        self._files.append(state)

    def states(self) -> tuple[FileState, ...]:
        """Every file added so far, as it was found (``unchanged`` tells whether it still is)."""
        return tuple(self._files)

    def add_file(self, path: Path, name: str | None = None) -> None:
        """A file as it is on disk, or its absence (any other ``OSError`` is raised).

        Read as any file is: logged in the reads recorded now (``log_read``).
        """
        try:
            data, problem = path.read_bytes(), ""
        except FileNotFoundError:
            data, problem = None, "missing"
        log_read(path, data, problem)
        self.add(name or str(path), data, problem)

    def hexdigest(self) -> str:
        """The digest of every file added so far.

        >>> one, two = FilesDigest(), FilesDigest()
        >>> one.add("a", b"x"); two.add("a", None, "missing")
        >>> one.hexdigest() != two.hexdigest()
        True
        """
        return _digest_files(self._files)

    def after(self, written: Mapping[str, bytes]) -> str | None:
        """The digest the same files give once those ``written`` hold these bytes.

        None when one of them is not among the files (its place among them is unknown).

        >>> log, again = FilesDigest(), FilesDigest()
        >>> log.add("a", None, "missing"); log.add("b", b"x")
        >>> again.add("a", b"new"); again.add("b", b"x")
        >>> log.after({"a": b"new"}) == again.hexdigest(), log.after({"c": b""})
        (True, None)
        """
        if not written.keys() <= {name for name, _, _ in self._files}:
            return None
        files = []
        for name, data, problem in self._files:
            if name in written:
                data, problem = digest_bytes(written[name]), ""
            files.append((name, data, problem))
        return _digest_files(files)


_FIRST_READ = 1 << 16
"""What the first read asks for: all of a list's files but the largest."""


def read_bytes(path: str | Path) -> bytes:
    """A file's bytes, in as few system calls as it takes (an entry file: open, read, close).

    Raises what opening and reading raise (``FileNotFoundError``, ``IsADirectoryError``...).
    """
    fd = os.open(path, os.O_RDONLY)
    try:
        data = os.read(fd, _FIRST_READ)
        if len(data) < _FIRST_READ:
            return data
        chunks = [data]
        while more := os.read(fd, 1 << 20):
            chunks.append(more)
        return b"".join(chunks)
    finally:
        os.close(fd)


def path_state(path: str | Path) -> tuple[str | None, str]:
    """The digest of what a path holds (a file's bytes, a folder's names), or why none.

    >>> path_state("/nonexistent/file.tex")
    (None, 'missing')
    """
    try:
        return digest_bytes(read_bytes(path)), ""
    except FileNotFoundError:
        return None, "missing"
    except IsADirectoryError:
        return folder_state(list_folder(path))
    except OSError as error:
        return None, error.strerror or type(error).__name__


def list_folder(path: str | Path) -> list[tuple[str, bool]]:
    """The names in a folder, each with whether it is a folder itself."""
    with os.scandir(path) as found:
        return [(entry.name, entry.is_dir()) for entry in found]


def folder_state(listed: Iterable[tuple[str, bool]]) -> tuple[str, str]:
    """``path_state`` of a folder listed (``list_folder``): the digest of its names."""
    names = sorted(name + "/" * is_dir for name, is_dir in listed)  # a folder's marked
    return digest_bytes("\0".join(names).encode("utf-8", "surrogateescape")), "folder"


def unchanged(states: Iterable[FileState]) -> bool:
    """Whether every file is as it was found, as ``path_state`` tells it.

    The paths changed last are looked at first: after an edit, the edited file tells at once
    (a stat of each path is quicker than reading every file up to it).
    """
    try:
        return all(path_state(name) == (found, problem)
                   for name, found, problem in sorted(states, key=_changed_last_first))
    except OSError:
        return False


def _changed_last_first(state: FileState) -> int:
    """A path's sort key: the time it last changed, negated; a path not there sorts first."""
    try:
        return -os.stat(state[0]).st_mtime_ns  # noqa: PTH116 - names as logged
    except OSError:
        return -(1 << 80)


_READS: ContextVar[tuple[FilesDigest, ...]] = ContextVar("speechlm_bib_reads", default=())


@contextlib.contextmanager
def recorded_reads() -> Iterator[FilesDigest]:
    """Within the block, every file read (``log_read``) or looked at (``log_state``) is logged.

    Blocks nest: a file read within two of them is logged in both.
    """
    reads = FilesDigest()
    token = _READS.set((*_READS.get(), reads))
    try:
        yield reads
    finally:
        _READS.reset(token)


def log_read(path: Path, data: bytes | None, problem: str = "", *,
             known: str | None = None) -> None:
    """A file read (its bytes, or None and why), into the reads recorded now if any.

    ``known`` is the digest of the bytes when the reader has it already.
    """
    recording = _READS.get()
    if recording:
        found = known or (None if data is None else digest_bytes(data))
        state = (str(path), found, problem)
        for reads in recording:
            reads.add_state(state)


def log_state(path: Path, listed: list[tuple[str, bool]] | None = None) -> None:
    """A path looked at and not read (a file that is not there, a folder listed), likewise.

    ``listed`` is the folder's listing when the caller has it (``list_folder``).
    """
    recording = _READS.get()
    if recording:
        state = (str(path), *(path_state(path) if listed is None else folder_state(listed)))
        for reads in recording:
            reads.add_state(state)


def _digest_files(files: list[FileState]) -> str:
    """The digest of files' names, digests of their bytes (``-`` for none) and problems."""
    # NUL ends each part: no path, digest or reason holds one.
    parts = "".join(f"{name}\0{data or '-'}\0{problem}\0" for name, data, problem in files)
    return digest_bytes(parts.encode("utf-8"))


def recall(memo: Memo, key: str, decode: Callable[[Any], T]) -> T | None:
    """The value kept under key, decoded; None (and the value dropped) when it does not fit."""
    plain = memo.get(key)
    if plain is None:
        return None
    try:
        return decode(plain)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError):
        memo.forget(key)
        return None


def through(memo: Memo | None, key: str, decode: Callable[[Any], T], make: Callable[[], T],
            kept: Callable[[T], Any] | None = None) -> T:
    """The value kept under key (``recall``), or the one ``make`` gives, kept.

    ``kept`` gives what to keep of it, when not the value itself. Without a memo, the value
    is made.
    """
    if memo is None:
        return make()
    found = recall(memo, key, decode)
    if found is not None:
        return found
    value = make()
    memo.put(key, value if kept is None else kept(value))
    return value


def to_plain(value: Any, shared: dict[Any, Any] | None = None) -> Any:
    """A dataclass or named tuple (its fields in order), tuple, list or path as tuples and strings.

    With ``shared``, equal tuples come out as one object (kept in it), so that ``marshal``
    writes each once and reads it back once.

    >>> to_plain((("a", 1), Path("x/y"), None, ["b"]))
    (('a', 1), 'x/y', None, ('b',))
    >>> shared: dict[Any, Any] = {}
    >>> to_plain(("a", 1), shared) is to_plain(["a", 1], shared)
    True
    """
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is tuple or kind is list:
        # A tuple of strings and numbers is plain as it is (most are: a record's fields).
        plain = (tuple(value) if _ATOMS.issuperset(map(type, value))
                 else tuple([to_plain(item, shared) for item in value]))
    elif (names := _field_names(kind)) is not None:
        plain = tuple([to_plain(getattr(value, name), shared) for name in names])
    else:
        return str(value) if isinstance(value, Path) else value
    return plain if shared is None else shared.setdefault(plain, plain)


def _field_names(kind: type) -> tuple[str, ...] | None:
    """The names of the fields a dataclass's constructor sets, or a named tuple's, in order.

    None for other types.
    """
    if kind not in _FIELDS:
        if dataclasses.is_dataclass(kind):
            _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind) if f.init)
        else:
            named = getattr(kind, "_fields", None) if issubclass(kind, tuple) else None
            _FIELDS[kind] = tuple(named) if named is not None else None
            if named is not None:
                _NAMED.add(kind)
        _FIELD_PLACES[kind] = {name: index for index, name in enumerate(_FIELDS[kind] or ())}
    return _FIELDS[kind]


_ATOMS = frozenset({str, int, bool, type(None)})
"""The types ``to_plain`` gives back as they are."""
_FIELDS: dict[type, tuple[str, ...] | None] = {}
_FIELD_PLACES: dict[type, dict[str, int]] = {}
_NAMED: set[type] = set()
"""The named tuples among the types ``_FIELDS`` knows."""


def from_plain(kind: type[T], plain: Any,
               fields: Mapping[str, Callable[[Any], Any]] | None = None) -> T:
    """A dataclass or named tuple back from ``to_plain``'s tuple (as ``marshal`` reads it back).

    ``fields`` converts the fields that hold something else than strings, numbers and tuples
    of them (a path, nested dataclasses). A value that does not fit raises ``TypeError`` or
    ``ValueError``.

    >>> from speechlm_bib.model import Acknowledgement
    >>> from_plain(Acknowledgement, ("similar-title", "two works", None))
    Acknowledgement(code='similar-title', reason='two works', about=None)
    """
    names = _field_names(kind)
    if names is None or type(plain) is not tuple or len(plain) != len(names):
        raise ValueError(f"not a {kind.__name__}")
    if not fields:
        if kind in _NAMED:  # the tuple itself, of its class (what its constructor makes)
            made: T = tuple.__new__(kind, plain)  # type: ignore[type-var]
            return made
        return kind(*plain)
    values = list(plain)
    places = _FIELD_PLACES[kind]
    for name, convert in fields.items():
        values[places[name]] = convert(values[places[name]])
    return kind(*values)
