"""Writing files safely: atomic replacement, writing only on change, one writer at a time."""

from __future__ import annotations

import contextlib
import fcntl
import glob
import io
import os
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from ..errors import InputError, RepositoryError
from ..memo import log_read

LOCK_NAME = ".speechlm-bib.lock"
LOCK_WAIT = 10.0
"""Seconds a writer waits for another to finish, unless $SPEECHLM_BIB_LOCK_WAIT says otherwise."""


def read_text(path: Path) -> str | None:
    """The file's text, or None when it does not exist; undecodable bytes are replaced.

    Read as ``Path.read_text`` reads it (universal newlines), logged (``memo.log_read``).
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        log_read(path, None, "missing")
        return None
    except IsADirectoryError:
        raise InputError("is a directory, expected a file", path) from None
    log_read(path, data)
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace").read()


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write text or bytes to a temporary file beside path, flush it and rename it into place.

    An existing file keeps its permission bits; a new one gets those the umask gives. Temporary
    files a killed writer left beside path are removed first (writers hold the repository
    lock, so none of them is still being written).
    """
    import tempfile  # loaded by the commands that write, not by those that only read

    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        stale.unlink(missing_ok=True)
    mode = _mode(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).chmod(mode)
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            Path(tmp).unlink()
        raise


def _mode(path: Path) -> int:
    """The permission bits a file written to path gets: its own, else what the umask allows."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def write_if_changed(path: Path, data: str | bytes) -> bool:
    """Write text or bytes to path only when they differ from what is there; say if it wrote."""
    if _current(path, data) == data:
        return False
    write_atomic(path, data)
    return True


def _current(path: Path, data: str | bytes) -> str | bytes | None:
    """What path holds now, as text or bytes like data (None when it does not exist)."""
    if isinstance(data, str):
        return read_text(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def write_files(files: Mapping[Path, str | bytes]) -> list[Path]:
    """Write the files whose content changed; the paths written, in the order given."""
    return [path for path, data in files.items() if write_if_changed(path, data)]


@contextlib.contextmanager
def repository_lock(root: Path, wait: float = LOCK_WAIT) -> Iterator[None]:
    """Hold the repository's write lock, waiting up to ``wait`` seconds for another writer."""
    handle = (root / LOCK_NAME).open("a")
    try:
        _acquire(handle.fileno(), wait, root)
        yield
    finally:
        handle.close()


def _acquire(fd: int, wait: float, root: Path) -> None:
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise RepositoryError(
                    "another speechlm-bib process is writing this repository; try again",
                    root / LOCK_NAME,
                ) from None
            time.sleep(0.05)
