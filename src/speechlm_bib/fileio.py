"""Writing files safely: atomic replacement, writing only on change, one writer at a time."""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from . import settings
from .errors import InputError, RepositoryError

LOCK_NAME = ".speechlm-bib.lock"
LOCK_WAIT_VARIABLE = "SPEECHLM_BIB_LOCK_WAIT"


def read_text(path: Path) -> str | None:
    """The file's text, or None when it does not exist; undecodable bytes are replaced."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise InputError("is a directory, expected a file", path) from None


def write_atomic(path: Path, text: str) -> None:
    """Write text to a temporary file beside path, flush it to disk and rename it into place.

    Temporary files a killed writer left beside path are removed first (writers hold the
    repository lock, so none of them is still being written).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            Path(tmp).unlink()
        raise


def write_if_changed(path: Path, text: str) -> bool:
    """Write text to path only when it differs from what is there; say whether it wrote."""
    if read_text(path) == text:
        return False
    write_atomic(path, text)
    return True


@contextlib.contextmanager
def repository_lock(root: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the repository's write lock, waiting up to ``wait`` seconds for another writer.

    The wait defaults to $SPEECHLM_BIB_LOCK_WAIT, else 10 seconds.
    """
    if wait is None:
        wait = lock_wait()
    handle = (root / LOCK_NAME).open("a")
    try:
        _acquire(handle.fileno(), wait, root)
        yield
    finally:
        handle.close()


def lock_wait() -> float:
    """Seconds to wait for another writer: $SPEECHLM_BIB_LOCK_WAIT, else 10."""
    return settings.number(os.environ, LOCK_WAIT_VARIABLE, 10.0)


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


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Replace an existing file's bytes atomically, keeping its permission bits."""
    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).chmod(mode)
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            Path(tmp).unlink()
        raise
