"""The committed versions of a file, as git keeps them: the one place git is asked."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

from ..errors import RepositoryError
from ..model import Version

_MARK = "\x1e"


def load_versions(path: Path) -> tuple[Version, ...]:
    """Every committed version of a file, newest first; none outside a git work tree."""
    git = shutil.which("git")
    folder = path.resolve().parent
    if git is None or not _inside_work_tree(git, folder):
        return ()
    log = _git(git, folder, "log", "--follow", f"--format={_MARK}%H %as", "--name-only",
               "--", path.name)
    commits = _parse_log(log.decode("utf-8", errors="replace"))
    if not commits:
        return ()
    top = _git(git, folder, "rev-parse", "--show-toplevel").decode().strip()
    requests = "".join(f"{commit}:{name}\n" for commit, _, name in commits)
    blobs = _parse_batch(_git(git, Path(top), "cat-file", "--batch", stdin=requests.encode()))
    return tuple(Version(day, blob.decode("utf-8", errors="replace"))
                 for (_, day, _), blob in zip(commits, blobs, strict=True) if blob is not None)


def _inside_work_tree(git: str, folder: Path) -> bool:
    """Whether folder lies in a git work tree that has a commit."""
    checks = (["rev-parse", "--is-inside-work-tree"], ["rev-parse", "-q", "--verify", "HEAD"])
    for check in checks:
        done = subprocess.run([git, "-C", str(folder), *check], capture_output=True, check=False)
        if done.returncode != 0 or done.stdout.strip() == b"false":
            return False
    return True


def _git(git: str, folder: Path, *args: str, stdin: bytes | None = None) -> bytes:
    done = subprocess.run([git, "-C", str(folder), *args], input=stdin, capture_output=True,
                          check=False)
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise RepositoryError(f"git {args[0]} failed: {message[-1] if message else ''}",
                              folder)
    return done.stdout


def _parse_log(text: str) -> list[tuple[str, date, str]]:
    r"""(commit, author day, path at that commit) of each commit that changed the file.

    >>> _parse_log("\x1eabc 2024-05-01\n\nREADME.md\n\x1edef 2024-04-30\n")
    [('abc', datetime.date(2024, 5, 1), 'README.md')]
    """
    commits = []
    for chunk in text.split(_MARK)[1:]:
        head, *names = [line for line in chunk.splitlines() if line.strip()]
        if names:  # a merge lists no file: its parents hold the versions
            commit, day = head.split()
            commits.append((commit, date.fromisoformat(day), names[-1]))
    return commits


def _parse_batch(data: bytes) -> list[bytes | None]:
    r"""The contents ``git cat-file --batch`` printed, None for a missing object.

    >>> _parse_batch(b"e69 blob 3\nabc\nx missing\n")
    [b'abc', None]
    """
    blobs: list[bytes | None] = []
    at = 0
    while at < len(data):
        end = data.index(b"\n", at)
        header = data[at:end].split()
        if header[-1] == b"missing":
            blobs.append(None)
            at = end + 1
            continue
        size = int(header[2])
        blobs.append(data[end + 1:end + 1 + size])
        at = end + 1 + size + 1
    return blobs
