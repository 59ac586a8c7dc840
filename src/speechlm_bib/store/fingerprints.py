"""What the cache's values depend on besides their inputs: this code and its libraries.

Each file of the cache names both fingerprints of the code that wrote it (store/cache.py):
one told cheaply from the size and time of the installed files, one from their content.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import re
import sys
from pathlib import Path

from .. import __version__
from ..memo import digest, read_bytes

_LIBRARIES = {"bibtexparser": "bibtexparser", "pylatexenc": "pylatexenc", "yaml": "pyyaml",
              "rapidfuzz": "rapidfuzz"}
"""The libraries whose versions the cached values depend on: module, distribution."""


@functools.cache
def fingerprint() -> str:
    """What the cached values depend on besides their inputs: this code and its libraries.

    The version, the size and time of every file of the package (so that a module edited in
    place makes a new fingerprint), Python's version and the size and time of the
    libraries' modules: cheap to tell, and the same while nothing is installed again.
    """
    package = Path(__file__).resolve().parent.parent
    files = _package_files(str(package))
    parts = [__version__, sys.version, *(_stat_line(entry.path) for entry in files)]
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
        found.update(name.encode("utf-8", "surrogateescape") + b"\0" + read_bytes(entry.path)
                     + b"\0")
    return found.hexdigest()


def _package_files(folder: str) -> list[os.DirEntry[str]]:
    """Every file under a folder, in a fixed order, but hidden ones and __pycache__."""
    found = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        found += _package_files(entry.path) if entry.is_dir() else [entry]
    return found


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
    """A file's path, size and time, as a fingerprint takes it; "-" when it cannot be read."""
    try:
        stat = os.stat(path)  # noqa: PTH116 - a name as found, many of them
    except OSError:
        return "-"
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"
