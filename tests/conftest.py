"""Shared fixtures: the loopback arXiv, DBLP and Crossref servers, copies of the survey
repository, the CLI.

Every test leaves what it shares as it found it: each gets a loopback arXiv server of its own
(stopped when the test ends, slow answers cut short), the session's DBLP, Crossref and search
servers are cleared after each test, and every test works on its own copy of the repository,
so the suite passes in any order (pytest-randomly shuffles it on every run).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import pytest
from click.testing import CliRunner, Result

from speechlm_bib.cli import cli
from speechlm_bib.store import arxivdata, memoised
from speechlm_bib.store.cache import CACHE_DIR

from arxiv_search_server import ArxivSearchServer
from arxiv_server import ArxivReplayServer, load_replay
from scholarly_server import ReplayServer, load_both

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
REPLAY = DATA / "arxiv-replay"
DISCOVER_REPLAY = DATA / "discover-replay"
VARIANTS = DATA / "arxiv-variants"
"""Made-up works whose answers carry a DOI, a journal reference, a comment, a title over two
lines and an ``updated`` later than ``published``, as real arXiv answers do."""
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
def replay() -> Mapping[str, bytes]:
    """The replay entries of tests/data/arxiv-replay, read once, read-only (servers copy them)."""
    return MappingProxyType(load_replay(REPLAY))


@contextlib.contextmanager
def loopback_arxiv(entries: Mapping[str, bytes],
                   monkeypatch: pytest.MonkeyPatch) -> Iterator[ArxivReplayServer]:
    """A loopback arXiv server of its own, the environment pointing speechlm-bib at it.

    No delay between requests, a 2-second timeout. Leaving stops the server: a slow answer is
    cut short and every handler thread joined, so no request, fault or entry of one test
    reaches another.
    """
    with ArxivReplayServer(entries) as server:
        monkeypatch.setenv("SPEECHLM_BIB_ARXIV_API", server.url)
        monkeypatch.setenv("SPEECHLM_BIB_ARXIV_DELAY", "0")
        monkeypatch.setenv("SPEECHLM_BIB_ARXIV_TIMEOUT", "2")
        yield server


@pytest.fixture
def arxiv(replay: Mapping[str, bytes], survey_scholarly: tuple[ReplayServer, ReplayServer],
          monkeypatch: pytest.MonkeyPatch) -> Iterator[ArxivReplayServer]:
    """This test's own loopback arXiv server, free to be changed (see `loopback_arxiv`).

    DBLP and Crossref point at their loopback servers serving the replay alone (cleared
    before and after), as sync asks them: what they answer is what the committed
    data/published.json holds.
    """
    point_at(survey_scholarly, monkeypatch)
    with loopback_arxiv(replay, monkeypatch) as server:
        yield server
    for scholarly in survey_scholarly:
        scholarly.clear()


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


@pytest.fixture(scope="session")
def search_server() -> Iterator[ArxivSearchServer]:
    """One loopback arXiv server answering searches, for the session."""
    with ArxivSearchServer(DISCOVER_REPLAY) as server:
        yield server


@pytest.fixture
def arxiv_search(search_server: ArxivSearchServer,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[ArxivSearchServer]:
    """The search server, speechlm-bib pointed at it: no delay, pages of 4 results."""
    search_server.reset()
    search_server.clear_faults()
    monkeypatch.setenv("SPEECHLM_BIB_ARXIV_API", search_server.url)
    monkeypatch.setenv("SPEECHLM_BIB_ARXIV_DELAY", "0")
    monkeypatch.setenv("SPEECHLM_BIB_ARXIV_TIMEOUT", "2")
    monkeypatch.setenv("SPEECHLM_BIB_ARXIV_BATCH", "4")
    yield search_server
    search_server.clear_faults()


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
    """Run speechlm-bib as a real process (``python -m speechlm_bib``)."""
    command = [sys.executable, "-m", "speechlm_bib", *[str(a) for a in args]]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def console_script() -> Path:
    """The ``speechlm-bib`` command pip installed beside this Python (fails if there is none)."""
    scripts = sysconfig.get_path("scripts")
    found = shutil.which("speechlm-bib", path=scripts)
    if found is None:
        pytest.fail(f"no speechlm-bib command in {scripts}: install the package "
                    "(pip install -e '.[test]')")
    return Path(found)


def run_script(*args: str | Path, cwd: Path,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed ``speechlm-bib`` console script as a real process."""
    command = [str(console_script()), *[str(a) for a in args]]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def unpin_keys(root: Path, count: int) -> list[Path]:
    """Remove the ``key:`` line of the first ``count`` arXiv entry files (sync pins them again)."""
    unpinned = [path for path in sorted((root / "entries").rglob("*.yaml"))
                if "\narxiv:" in path.read_text(encoding="utf-8")][:count]
    for path in unpinned:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(line for line in lines if not line.startswith("key:")),
                        encoding="utf-8")
    return unpinned


def is_pinned(path: Path) -> bool:
    """Whether an entry file has a ``key:`` line."""
    return "\nkey:" in "\n" + path.read_text(encoding="utf-8")


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file of the repository at root with its bytes, to compare whole trees.

    The lock file and the cache (tests/test_cache.py shows it never changes an output) are
    not the repository's content.
    """
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".speechlm-bib.lock"
            and CACHE_DIR not in p.relative_to(root).parts}


def build_parses_nothing_again(run: Cli, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build now parses no entry file nor data/arxiv.json again, and writes nothing.

    What the command before wrote was kept parsed in the cache for it.
    """
    def parsed_again(*args: object) -> None:
        raise AssertionError(f"a file the command before wrote was parsed again: {args[1]}")

    monkeypatch.setattr(memoised, "parse_entry", parsed_again)
    monkeypatch.setattr(arxivdata, "parse_arxiv_store", parsed_again)
    before = tree_bytes(root)
    assert run("build", root=root).exit_code == 0
    assert tree_bytes(root) == before


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
