"""Shared fixtures: the loopback arXiv server, copies of the survey repository, the CLI."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from speechlm_bib.cli import cli

from arxiv_server import ArxivReplayServer

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
REPLAY = DATA / "arxiv-replay"
SURVEY_README = DATA / "awesome-speechlm-survey.README.md"
REPOSITORY_FILES = ("entries", "data", "references.bib", "CITATION.cff", "README.md")


@pytest.fixture(scope="session")
def replay_server() -> Iterator[ArxivReplayServer]:
    """One loopback arXiv server for the session, serving the replay data."""
    with ArxivReplayServer(REPLAY) as server:
        yield server


@pytest.fixture
def arxiv(replay_server: ArxivReplayServer,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[ArxivReplayServer]:
    """The loopback server, with the environment pointing speechlm-bib at it, no delay."""
    replay_server.reset()
    replay_server.clear_faults()
    monkeypatch.setenv("SPEECHLM_BIB_ARXIV_API", replay_server.url)
    monkeypatch.setenv("SPEECHLM_BIB_ARXIV_DELAY", "0")
    monkeypatch.setenv("SPEECHLM_BIB_ARXIV_TIMEOUT", "2")
    yield replay_server
    replay_server.clear_faults()


def copy_survey(root: Path) -> Path:
    """Copy the committed survey repository (entries, stored metadata, generated files) to root."""
    root.mkdir(parents=True)
    for name in REPOSITORY_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy2(source, root / name)
    return root


@pytest.fixture
def survey_repo(tmp_path: Path) -> Path:
    """A copy of the committed survey repository in a temporary folder."""
    return copy_survey(tmp_path / "survey")


@dataclass(frozen=True)
class Cli:
    """Runs speechlm-bib in-process through click's CliRunner."""

    def __call__(self, *args: str | Path, root: Path | None = None) -> Result:
        argv = [str(a) for a in args]
        if root is not None:
            argv = ["--root", str(root), *argv]
        return CliRunner().invoke(cli, argv, catch_exceptions=False)


@pytest.fixture
def run() -> Cli:
    """Call as ``run("build", "--check", root=path)``."""
    return Cli()


def run_subprocess(*args: str | Path, cwd: Path,
                   env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed console script as a real process."""
    command = [sys.executable, "-m", "speechlm_bib", *[str(a) for a in args]]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under root (but the lock file) with its bytes, to compare whole trees."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".speechlm-bib.lock"}


ADOPT = DATA / "adopt"
MARKER_LINE = re.compile(r"<!-- speechlm-bib:(?:begin|end) [\w -]+ -->")


def adopt_copy(source: Path, root: Path) -> Path:
    """A new repository at root whose README.md is a copy of source; its path."""
    root.mkdir(parents=True, exist_ok=True)
    readme = root / "README.md"
    shutil.copyfile(source, readme)
    return readme


def unmarked(text: str) -> list[str]:
    """A README's lines without speechlm-bib's marker lines."""
    return [line for line in text.splitlines() if not MARKER_LINE.fullmatch(line)]


def changed_lines(before: str, after: str) -> set[int]:
    """The 1-based lines of ``before`` that ``after`` (markers left out) shows otherwise."""
    old, new = before.splitlines(), unmarked(after)
    assert len(old) == len(new), (len(old), len(new))
    return {number for number, (a, b) in enumerate(zip(old, new, strict=True), start=1)
            if a != b}
