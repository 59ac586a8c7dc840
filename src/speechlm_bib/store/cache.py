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
side never leave a half-written file; the last one wins. A section that every command reads
whole and that changed in a few values only is not written again: what changed is written
beside it, as a patch naming the very file it applies to (``PATCH``), until the patch holds
an eighth of the values and the section is written whole.
"""

from __future__ import annotations

import contextlib
import json
import logging
import marshal
import os
import zlib
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..memo import to_plain
from .fingerprints import code_fingerprint, fingerprint

CACHE_DIR = ".speechlm-bib-cache"
"""The cache's folder at the repository root (git-ignored)."""
SUFFIX = ".cache"
"""The suffix of the cache's files, one per section."""
PATCH = ".patch"
"""What a section's patch file adds to its name: ``records.patch.cache``."""
_IGNORE_ALL = "# Written by speechlm-bib: a cache, safe to delete.\n*\n"
_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Stored:
    """The whole file a section was read from: its keys and generation, and its patch's keys.

    The generation names the whole file a patch applies to (None when there is none);
    ``patched`` are the keys whose values the patch gave.
    """

    base: Collection[str] = ()
    generation: str | None = None
    patched: Collection[str] = ()


@dataclass(frozen=True, slots=True)
class Patch:
    """What changed in a section since its whole file was written: values added, keys dropped."""

    added: dict[str, Any]
    removed: tuple[str, ...]


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
    stored: Stored = field(default_factory=Stored)
    """The whole file the section was read from: what a patch is made against."""
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

    def patch(self, items: dict[str, Any]) -> Patch | None:
        """What to write beside the whole file for it to read as ``items``; None: write it whole.

        Only a complete section is patched (another keeps its values in the order used), and
        only while the patch stays under an eighth of its values.
        """
        base, patched = self.stored.base, self.stored.patched
        if not self.complete or self.stored.generation is None:
            return None
        removed = tuple(key for key in base if key not in items)
        if len(removed) > len(items) // 8:
            return None
        added = {k: v for k, v in items.items()
                 if k not in base or k in patched or k in self.added}
        if len(added) + len(removed) > len(items) // 8:
            return None
        return Patch(added, removed)

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
        """A section, read from its files the first time it is asked for."""
        found = self.sections.get(name)
        if found is None:
            items, stored = (_read_section(self.folder, name) if self.folder is not None
                             else ({}, Stored()))
            found = self.sections[name] = Section(name, items, complete, limit, stored)
        return found

    def save(self) -> None:
        """Write the sections that changed; a cache that cannot be written is left as it is."""
        if self.folder is None:
            return
        for section in self.sections.values():
            items = section.to_save()
            if items is None:
                continue
            patch = section.patch(items)
            if patch is None:
                _write_whole(self.folder, section.name, items)
            else:
                _write(self.folder, f"{section.name}{PATCH}{SUFFIX}",
                       (patch.added, patch.removed), base=section.stored.generation)


def open_cache(root: Path, enabled: bool = True) -> Cache:
    """The cache of the repository at root (nothing is read until a section is asked for)."""
    return Cache(root / CACHE_DIR if enabled else None)


@contextlib.contextmanager
def kept_for(root: Path, enabled: bool = True) -> Iterator[Cache]:
    """The cache for one command's work, saved when the work is done (not when it fails)."""
    cache = open_cache(root, enabled)
    yield cache
    cache.save()


def _read_section(folder: Path, name: str) -> tuple[dict[str, Any], Stored]:
    """A section's values as its files hold them, and the whole file they were read from.

    The whole file's values, with its patch laid over them when the patch names that file.
    """
    whole = _read(folder / f"{name}{SUFFIX}")
    if whole is None or not isinstance(whole[1], dict):
        return {}, Stored()
    header, items = whole
    generation = header.get("generation")
    if not isinstance(generation, str):
        return items, Stored()
    base, patched = frozenset(items), {}
    patch = _read(folder / f"{name}{PATCH}{SUFFIX}")
    if patch is not None and patch[0].get("base") == generation and _is_patch(patch[1]):
        patched, removed = patch[1]
        for key in removed:
            items.pop(key, None)
        items.update(patched)
    return items, Stored(base, generation, patched.keys())


def _is_patch(value: Any) -> bool:
    return (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], dict)
            and isinstance(value[1], tuple))


def _read(path: Path) -> tuple[dict[str, Any], Any] | None:
    """One file of the cache: its header and its value; None when missing, damaged or foreign.

    A file is a line of JSON naming the fingerprints of what wrote it and the checksum of the
    rest, then the value in ``marshal``'s format (Python's own, for the dictionaries, tuples
    and strings of plain values; read only when a fingerprint is this code's and the checksum
    holds).
    """
    try:
        head, _, body = path.read_bytes().partition(b"\n")
        header = json.loads(head)
        if (not isinstance(header, dict) or not _same_code(header)
                or header.get("checksum") != _checksum(body)):
            return None
        # Only a file this very installation wrote gets here: its fingerprint holds the size
        # and time of each of the package's modules, and the checksum holds.
        return header, marshal.loads(body)  # noqa: S302
    except (OSError, ValueError, EOFError, TypeError):
        return None


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
    """A check against damage (a file cut short, bytes changed), as zip and PNG files carry."""
    return f"{zlib.crc32(body):08x}"


def _write_whole(folder: Path, name: str, items: dict[str, Any]) -> None:
    """Write a section whole, a new generation; the patch of the one before is dropped."""
    _write(folder, f"{name}{SUFFIX}", items, generation=os.urandom(8).hex())
    with contextlib.suppress(OSError):
        (folder / f"{name}{PATCH}{SUFFIX}").unlink(missing_ok=True)


def _write(folder: Path, name: str, value: Any, **header: str | None) -> None:
    """Write one file of the cache atomically; give up quietly when the folder is not ours."""
    body = marshal.dumps(value)
    code = _CODE.get(fingerprint()) or code_fingerprint()
    head = json.dumps({"fingerprint": fingerprint(), "code": code, "checksum": _checksum(body),
                       **header})
    try:
        _prepare(folder)
        with _temporary(folder, name) as (handle, temporary):
            handle.write(head.encode("utf-8") + b"\n" + body)
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
