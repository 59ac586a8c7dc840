"""Shared fixtures: the loopback arXiv, DBLP and Crossref servers, copies of the survey
repository, the CLI."""

from __future__ import annotations

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
from scholarly_server import ReplayServer, load_both

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
REPLAY = DATA / "arxiv-replay"
SURVEY_README = DATA / "awesome-speechlm-survey.README.md"
SCHOLARLY_REPLAY = DATA / "scholarly-replay"
SCHOLARLY_DECOYS = DATA / "scholarly-decoys"
REPOSITORY_FILES = ("entries", "data", "references.bib", "CITATION.cff", "README.md")


NOWHERE = "http://127.0.0.1:9"
"""A local address nothing listens on: what a service is until a test points it elsewhere."""


@pytest.fixture(autouse=True)
def no_real_services(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test talks to the real arXiv, DBLP or Crossref, whatever it forgets to set."""
    for service in ("ARXIV", "DBLP", "CROSSREF"):
        monkeypatch.setenv(f"SPEECHLM_BIB_{service}_API", NOWHERE)


@pytest.fixture(scope="session")
def replay_server() -> Iterator[ArxivReplayServer]:
    """One loopback arXiv server for the session, serving the replay data."""
    with ArxivReplayServer(REPLAY) as server:
        yield server


@pytest.fixture
def arxiv(replay_server: ArxivReplayServer, survey_scholarly: tuple[ReplayServer, ReplayServer],
          monkeypatch: pytest.MonkeyPatch) -> Iterator[ArxivReplayServer]:
    """The loopback server, with the environment pointing speechlm-bib at it, no delay.

    DBLP and Crossref point at their loopback servers serving the replay alone (cleared), as
    sync asks them: what they answer is what the committed data/published.json holds.
    """
    point_at(survey_scholarly, monkeypatch)
    replay_server.reset()
    replay_server.clear_faults()
    monkeypatch.setenv("SPEECHLM_BIB_ARXIV_API", replay_server.url)
    monkeypatch.setenv("SPEECHLM_BIB_ARXIV_DELAY", "0")
    monkeypatch.setenv("SPEECHLM_BIB_ARXIV_TIMEOUT", "2")
    yield replay_server
    replay_server.clear_faults()


@pytest.fixture(scope="session")
def scholarly_servers() -> Iterator[tuple[ReplayServer, ReplayServer]]:
    """Loopback DBLP and Crossref servers for the session: the replay and the decoys."""
    dblp, crossref = load_both([SCHOLARLY_REPLAY, SCHOLARLY_DECOYS])
    with ReplayServer(dblp) as dblp_server, ReplayServer(crossref) as crossref_server:
        yield dblp_server, crossref_server


@pytest.fixture(scope="session")
def survey_scholarly() -> Iterator[tuple[ReplayServer, ReplayServer]]:
    """Loopback DBLP and Crossref servers for the session serving the replay alone."""
    dblp, crossref = load_both([SCHOLARLY_REPLAY])
    with ReplayServer(dblp) as dblp_server, ReplayServer(crossref) as crossref_server:
        yield dblp_server, crossref_server


def point_at(servers: tuple[ReplayServer, ReplayServer], monkeypatch: pytest.MonkeyPatch) -> None:
    """Clear DBLP and Crossref servers and point speechlm-bib at them, without delay."""
    for server, service in zip(servers, ("DBLP", "CROSSREF"), strict=True):
        server.clear()
        monkeypatch.setenv(f"SPEECHLM_BIB_{service}_API", server.url)
        monkeypatch.setenv(f"SPEECHLM_BIB_{service}_DELAY", "0")
        monkeypatch.setenv(f"SPEECHLM_BIB_{service}_TIMEOUT", "2")


@pytest.fixture
def dblp(scholarly_servers: tuple[ReplayServer, ReplayServer],
         monkeypatch: pytest.MonkeyPatch) -> Iterator[ReplayServer]:
    """The loopback DBLP server, cleared, with the environment pointing at it, no delay."""
    yield from _scholarly(scholarly_servers[0], "DBLP", monkeypatch)


@pytest.fixture
def crossref(scholarly_servers: tuple[ReplayServer, ReplayServer],
             monkeypatch: pytest.MonkeyPatch) -> Iterator[ReplayServer]:
    """The loopback Crossref server, cleared, with the environment pointing at it, no delay."""
    yield from _scholarly(scholarly_servers[1], "CROSSREF", monkeypatch)


def _scholarly(server: ReplayServer, service: str,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[ReplayServer]:
    server.clear()
    monkeypatch.setenv(f"SPEECHLM_BIB_{service}_API", server.url)
    monkeypatch.setenv(f"SPEECHLM_BIB_{service}_DELAY", "0")
    monkeypatch.setenv(f"SPEECHLM_BIB_{service}_TIMEOUT", "2")
    yield server
    server.clear()


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
