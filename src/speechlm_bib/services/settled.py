"""Repositories known to be settled: their generated files are what build would write.

After a build, and after a complete sync, the digest of the files the repository was loaded
from (as the sync left them: ``FilesDigest.after`` the files it wrote) and of the generated files
as they then are is kept in the cache. A later build, or a sync that fetched and linked
nothing, that loads the very same files and finds the generated files unchanged has nothing
to write, and does not link and render the library again. One byte changed in a file the
load read, or in a generated file, gives another digest. With the log at INFO (``-v``), the
work is done all the same, so that it logs what it logs.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from ..memo import FilesDigest, digest
from ..store import GENERATED_FILES
from ..store.cache import Cache

SECTION = "settled"
"""The cache's section of settled repositories."""
KEPT = 4
"""How many digests the section keeps (the most recently used)."""


def generated_digest(root: Path, texts: Mapping[Path, str | bytes] | None = None) -> str | None:
    """A digest of the generated files: as ``texts`` gives them, else as they are on disk.

    None when one cannot be read.
    """
    generated, texts = FilesDigest(), texts or {}
    try:
        for name in GENERATED_FILES:
            text = texts.get(root / name)
            if text is None:
                generated.add_file(root / name, name)
            else:
                generated.add(name, text.encode("utf-8") if isinstance(text, str) else text)
    except OSError:
        return None
    return generated.hexdigest()


def settled_key(root: Path, sources: str,
                texts: Mapping[Path, str | bytes] | None = None) -> str | None:
    """The digest of a repository loaded from ``sources`` (``recorded_reads``) as it is now.

    ``texts`` are generated files as they were just written (read from disk otherwise).
    """
    generated = generated_digest(root, texts)
    return None if generated is None else digest("settled", sources, generated)


def is_settled(cache: Cache, key: str | None) -> bool:
    """Whether a build left the repository of this digest with nothing more to write."""
    if key is None or logging.getLogger(__name__).isEnabledFor(logging.INFO):
        return False
    return cache.section(SECTION, complete=False, limit=KEPT).get(key) is not None


def settle(cache: Cache, key: str | None) -> None:
    """Keep the repository of this digest as settled: just built, nothing more to write."""
    if key is not None:
        cache.section(SECTION, complete=False, limit=KEPT).put(key, 1)
