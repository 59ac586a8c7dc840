"""The persistent cache in .speechlm-bib-cache/: what parsing and normalising gave last time.

As Better BibTeX keeps the records it rendered, speechlm-bib keeps the entries it parsed,
the records it normalised and the BibTeX it wrote, each under a digest of everything it was
made from, so that a command redoes only what changed since the last one. The cache never
changes an output: a value is found only under the digest of the very inputs that made it,
and each file of the cache holds the fingerprints of the speechlm-bib (and the libraries) that
wrote it: by the size and time of its installed files, and by their content (so that the same
code installed afresh, as on a CI machine restoring the folder, reads it). It is safe to
delete, and a file that is unreadable, truncated, of other code or damaged is read as empty.
Writes are atomic (a temporary file renamed into place), so that commands running side by
side never leave a half-written file; the last one wins.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import logging
import marshal
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..memo import digest, to_plain

CACHE_DIR = ".speechlm-bib-cache"
"""The cache's folder at the repository root (git-ignored)."""
SUFFIX = ".cache"
"""The suffix of the cache's files, one per section."""
_IGNORE_ALL = "# Written by speechlm-bib: a cache, safe to delete.\n*\n"
_LIBRARIES = {"bibtexparser": "bibtexparser", "pylatexenc": "pylatexenc", "yaml": "pyyaml",
              "rapidfuzz": "rapidfuzz"}
"""The libraries whose versions the cached values depend on: module, distribution."""

_log = logging.getLogger(__name__)


@dataclass(slots=True)
class Section:
    """One file of the cache: values by digest, and those this command looked up or added.

    A ``complete`` section is one that every command using it reads whole (the entries, the
    records): when saved, it keeps only what the command used, so that values nothing makes
    any more do not pile up. Another section keeps its ``limit`` most recently used values.
    """

    name: str
    items: dict[str, Any]
    complete: bool = True
    limit: int = 64
    used: dict[str, Any] = field(default_factory=dict)
    added: set[str] = field(default_factory=set)
    """The digests of values put by this command, not yet in plain form."""
    dropped: bool = False

    def get(self, digest: str) -> Any:
        """The value under a digest (in plain form, as read from the file), or None.

        A value this command put is found too (made plain).
        """
        if digest in self.added:
            return to_plain(self.used[digest])
        value = self.items.get(digest)
        if value is not None:
            self.used[digest] = value
        return value

    def put(self, digest: str, value: Any) -> None:
        """Keep a value under its digest; it is made plain when the section is saved."""
        self.used[digest] = value
        self.added.add(digest)

    def forget(self, digest: str) -> None:
        """Drop a value that turned out unusable (damaged)."""
        self.items.pop(digest, None)
        self.used.pop(digest, None)
        self.added.discard(digest)
        self.dropped = True

    def to_save(self) -> dict[str, Any] | None:
        """What the section's file should hold now, or None when it is up to date."""
        changed = bool(self.added) or self.dropped
        if self.complete:
            changed = changed or self.used.keys() != self.items.keys()
            return self._plain(self.used) if changed else None
        if not changed:
            return None
        kept = {k: v for k, v in self.items.items() if k not in self.used} | self.used
        return self._plain(dict(list(kept.items())[-self.limit:]))

    def _plain(self, values: dict[str, Any]) -> dict[str, Any]:
        """The values with those put by this command made plain (equal tuples shared)."""
        shared: dict[Any, Any] = {}
        return {k: to_plain(v, shared) if k in self.added else v for k, v in values.items()}


@dataclass(slots=True)
class Cache:
    """The sections of one repository's cache, each read from its file on first use.

    A disabled cache (``folder`` None) finds nothing and saves nothing.
    """

    folder: Path | None
    sections: dict[str, Section] = field(default_factory=dict)

    def section(self, name: str, *, complete: bool = True, limit: int = 64) -> Section:
        """A section, read from its file the first time it is asked for."""
        found = self.sections.get(name)
        if found is None:
            items = _read(self.folder / f"{name}{SUFFIX}") if self.folder is not None else {}
            found = self.sections[name] = Section(name, items, complete, limit)
        return found

    def save(self) -> None:
        """Write the sections that changed; a cache that cannot be written is left as it is."""
        if self.folder is None:
            return
        for section in self.sections.values():
            items = section.to_save()
            if items is not None:
                _write(self.folder, f"{section.name}{SUFFIX}", items)


def open_cache(root: Path, enabled: bool = True) -> Cache:
    """The cache of the repository at root (nothing is read until a section is asked for)."""
    return Cache(root / CACHE_DIR if enabled else None)


@contextlib.contextmanager
def kept_for(root: Path, enabled: bool = True) -> Iterator[Cache]:
    """The cache for one command's work, saved when the work is done (not when it fails)."""
    cache = open_cache(root, enabled)
    yield cache
    cache.save()


@functools.cache
def fingerprint() -> str:
    """What the cached values depend on besides their inputs: this code and its libraries.

    The version, the size and time of every file of the package (so that a module edited in
    place makes a new fingerprint), Python's version and the size and time of the
    libraries' modules: cheap to tell, and the same while nothing is installed again.
    """
    package = Path(__file__).resolve().parent.parent
    parts = [__version__, sys.version, *map(_entry_line, _package_files(str(package)))]
    for name in _LIBRARIES:
        spec = importlib.util.find_spec(name)
        parts.append(f"{name}:{_stat_line(spec.origin) if spec and spec.origin else '-'}")
    return digest(*parts)


@functools.cache
def code_fingerprint() -> str:
    """The same by content: the digest of the package's files and the libraries' versions.

    The same code installed afresh (as on each run of a CI machine, where a kept cache
    folder is restored) has another ``fingerprint`` and this same one.
    """
    package = Path(__file__).resolve().parent.parent
    parts = [__version__, sys.version, package_digest(package)]
    for name, distribution in _LIBRARIES.items():
        parts.append(f"{name}:{_library_version(name, distribution)}")
    return digest(*parts)


def package_digest(folder: Path) -> str:
    """The digest of the names and bytes of every file under a folder (bytecode left out)."""
    found = hashlib.blake2b(digest_size=16)
    for entry in _package_files(str(folder)):
        name = os.path.relpath(entry.path, folder)
        with open(entry.path, "rb") as handle:  # noqa: PTH123 - the walk's names, as they are
            found.update(name.encode("utf-8", "surrogateescape") + b"\0" + handle.read() + b"\0")
    return found.hexdigest()


def _package_files(folder: str) -> list[os.DirEntry[str]]:
    """Every file under a folder, in a fixed order, but hidden ones and __pycache__."""
    found = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        found += _package_files(entry.path) if entry.is_dir() else [entry]
    return found


def _entry_line(entry: os.DirEntry[str]) -> str:
    stat = entry.stat()
    return f"{entry.path}:{stat.st_size}:{stat.st_mtime_ns}"


def _library_version(name: str, distribution: str) -> str:
    """A library's installed version; the size and time of its module where none is told."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return "-"
    module = Path(spec.origin)
    site = module.parent.parent if spec.submodule_search_locations else module.parent
    return installed_version(site, distribution) or _stat_line(spec.origin)


def installed_version(site: Path, distribution: str) -> str | None:
    """The version a distribution's ``.dist-info`` folder in site names; None if not one.

    >>> installed_version(Path("/nonexistent"), "pyyaml") is None
    True
    """
    try:
        names = os.listdir(site)  # noqa: PTH208 - names only, one call
    except OSError:
        return None
    wanted = _canonical(distribution)
    versions = sorted(name[: -len(".dist-info")].rpartition("-")[2] for name in names
                      if name.endswith(".dist-info")
                      and _canonical(name[: -len(".dist-info")].rpartition("-")[0]) == wanted)
    return " ".join(versions) or None


def _canonical(name: str) -> str:
    """A distribution's name as packaging compares them: lower case, runs of -_. as one -."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _stat_line(path: str) -> str:
    try:
        stat = Path(path).stat()
    except OSError:
        return "-"
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


def _read(path: Path) -> dict[str, Any]:
    """The values of one file of the cache; empty when it is missing, damaged or foreign.

    A file is a line of JSON naming the fingerprints of what wrote it and the checksum of the
    rest, then the values as one dictionary in ``marshal``'s format (Python's own, for the
    tuples and strings of plain values; read only when a fingerprint is this code's and the
    checksum holds).
    """
    try:
        head, _, body = path.read_bytes().partition(b"\n")
        header = json.loads(head)
        if (not isinstance(header, dict) or not _same_code(header)
                or header.get("checksum") != _checksum(body)):
            return {}
        # Only a file this very installation wrote gets here: its fingerprint holds the size
        # and time of each of the package's modules, and the checksum holds.
        items = marshal.loads(body)  # noqa: S302
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    return items if isinstance(items, dict) else {}


def _same_code(header: dict[str, Any]) -> bool:
    """Whether the file was written by this code: by its files' times, else their content."""
    if header.get("fingerprint") == fingerprint():
        if isinstance(header.get("code"), str):  # this installation's, told without hashing it
            _CODE.setdefault(fingerprint(), header["code"])
        return True
    return header.get("code") == code_fingerprint()


_CODE: dict[str, str] = {}
"""``code_fingerprint`` by ``fingerprint``, as read from files this installation wrote."""


def _checksum(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def _write(folder: Path, name: str, items: dict[str, Any]) -> None:
    """Write one file of the cache atomically; give up quietly when the folder is not ours."""
    body = marshal.dumps(items)
    code = _CODE.get(fingerprint()) or code_fingerprint()
    header = json.dumps({"fingerprint": fingerprint(), "code": code, "checksum": _checksum(body)})
    try:
        _prepare(folder)
        with _temporary(folder, name) as (handle, temporary):
            handle.write(header.encode("utf-8") + b"\n" + body)
            handle.close()
            Path(temporary).replace(folder / name)
    except OSError as error:
        _log.info("%s: cache not written (%s)", folder / name, error.strerror or error)


def _prepare(folder: Path) -> None:
    """The cache folder, with a .gitignore that keeps it out of git even where none names it."""
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text(_IGNORE_ALL, encoding="utf-8")


@contextlib.contextmanager
def _temporary(folder: Path, name: str) -> Iterator[tuple[Any, str]]:
    """A new temporary file in the folder, removed unless it was renamed into place."""
    temporary = str(folder / f".{name}.{os.getpid()}.{os.urandom(6).hex()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    handle = os.fdopen(fd, "wb")
    try:
        yield handle, temporary
    finally:
        handle.close()
        Path(temporary).unlink(missing_ok=True)
