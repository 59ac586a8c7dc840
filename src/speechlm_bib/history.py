"""When each row of an imported README was added: the first commit that holds it.

``load_versions`` asks git for every committed version of the README (following renames),
each with its commit's author date; the rest is pure. A row is known by its arXiv id, else
its link, else its name, so that a row keeps its day when its section's heading, its title
or the form of its link change. A work listed in several sections is counted: its second
row was added when a version first held two rows of it (rows already in their section in
an older version come first, then list order).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .errors import InputError, RepositoryError
from .importer import parse_tables, survey_citation, to_sections

logger = logging.getLogger(__name__)

SURVEY_SECTION = "survey"
_MARK = "\x1e"


@dataclass(frozen=True, slots=True)
class Version:
    """One committed version of a file: the author date of its commit and its text."""

    day: date
    text: str


@dataclass(frozen=True, slots=True)
class History:
    """What the versions of a list say of its rows.

    ``counted[(identity, n)]`` is the first day a version held n rows of a work;
    ``placed["section|identity"]`` the first day a section held a row of it.
    """

    counted: Mapping[tuple[str, int], date] = field(default_factory=dict)
    placed: Mapping[str, date] = field(default_factory=dict)

    def days(self, rows: Sequence[tuple[str, Mapping[str, Any]]], today: date) -> list[date]:
        """The day each (section, row) of today's list was added; ``today`` if never committed."""
        days = [today] * len(rows)
        for identity, indexes in _rows_by_identity(rows).items():
            ranked = sorted(indexes, key=lambda i: self.placed.get(f"{rows[i][0]}|{identity}",
                                                                   today))
            for count, index in enumerate(ranked, start=1):
                days[index] = self.counted.get((identity, count), today)
        return days


def _rows_by_identity(rows: Sequence[tuple[str, Mapping[str, Any]]]) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = {}
    for index, (_, row) in enumerate(rows):
        identity = row_identity(row)
        if identity is not None:
            grouped.setdefault(identity, []).append(index)
    return grouped


def row_identity(row: Mapping[str, Any]) -> str | None:
    """How a row is recognised in older versions of its list.

    >>> row_identity({"name": "Moshi", "url": "https://arxiv.org/abs/2410.00037",
    ...               "arxiv": "2410.00037"})
    'arxiv:2410.00037'
    >>> row_identity({"name": "VCTK"})
    'name:vctk'
    """
    if row.get("arxiv"):
        return f"arxiv:{row['arxiv']}"
    if row.get("url"):
        return f"url:{row['url']}"
    label = row.get("name") or row.get("title") or row.get("key")
    return f"name:{str(label).casefold()}" if label else None


def list_rows(text: str, path: Path) -> list[tuple[str, dict[str, Any]]]:
    """Every (section, row) of one version of a list, the survey's citation last."""
    rows = [(section.id, row) for section in to_sections(parse_tables(text))
            for row in section.rows]
    try:
        survey = survey_citation(text, path)
    except InputError:  # an old version's broken citation block says nothing of today's rows
        survey = None
    return rows + ([(SURVEY_SECTION, survey)] if survey is not None else [])


def read_history(versions: Iterable[Version], path: Path) -> History:
    """The first day each work, and each work in each section, is seen in the versions."""
    counted: dict[tuple[str, int], date] = {}
    placed: dict[str, date] = {}
    for version in versions:
        rows = list_rows(version.text, path)
        for identity, indexes in _rows_by_identity(rows).items():
            for count in range(1, len(indexes) + 1):
                _keep_earliest(counted, (identity, count), version.day)
            for index in indexes:
                _keep_earliest(placed, f"{rows[index][0]}|{identity}", version.day)
    return History(counted, placed)


def _keep_earliest(days: dict[Any, date], key: object, day: date) -> None:
    if key not in days or day < days[key]:
        days[key] = day


def load_history(path: Path) -> History:
    """What the git history of a list says of its rows (nothing outside a git work tree)."""
    versions = load_versions(path)
    if not versions:
        logger.info("%s has no git history: its rows are dated today", path)
    return read_history(versions, path)


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
