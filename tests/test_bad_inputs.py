"""The corpus of bad inputs under tests/bad_inputs/, each run through the CLI as a process.

A case is ``NAME.expected`` (what it tries, where the input goes, the command, the exact
line it must print on stderr) and, unless the case is a command line only, ``NAME.input``
(the bytes put at ``target`` in a copy of the survey repository; ``make: directory`` puts a
directory there instead). Every case must exit 2 with that one line on stderr, print no
traceback, and leave every file of the repository as it was.

Run with ``SPEECHLM_BIB_REGENERATE=1`` to write the messages seen into the .expected files
(then review them: they are the documentation of what users see).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from arxiv_server import ArxivReplayServer
from conftest import REPO, SURVEY_README, Cli, copy_survey, tree_bytes

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
REGENERATE = os.environ.get("SPEECHLM_BIB_REGENERATE") == "1"
NOWHERE = "http://127.0.0.1:9/api/query"


@dataclass(frozen=True)
class Case:
    """One bad input: what it tries, where it goes, the command and the message expected."""

    name: str
    about: str
    target: str | None
    directory: bool
    args: str
    stderr: str

    @classmethod
    def load(cls, path: Path) -> Case:
        """Read NAME.expected."""
        lines = path.read_text(encoding="utf-8").splitlines()
        fields = dict(line.split(": ", 1) for line in lines[1:])
        return cls(path.stem, lines[0].lstrip("# "), fields.get("target"),
                   fields.get("make") == "directory", fields["args"], fields["stderr"])

    def prepare(self, root: Path) -> None:
        """Put the bad input in place (replacing what is there)."""
        if self.target is None:
            return
        target = root / self.target
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.directory:
            target.mkdir()
            (target / "placeholder").write_text("x\n", encoding="utf-8")
        else:
            shutil.copyfile(CORPUS / f"{self.name}.input", target)

    def argv(self, root: Path) -> list[str]:
        """The command line of the case, run on root."""
        args = shlex.split(self.args.replace("{readme}", str(SURVEY_README)))
        return [sys.executable, "-m", "speechlm_bib", "--root", str(root), *args]


@dataclass(frozen=True)
class Outcome:
    """What a case did: exit code, output, and the repository before and after."""

    returncode: int
    stdout: str
    stderr: str
    before: dict[str, bytes]
    after: dict[str, bytes]
    outside: list[str]


CASES = sorted((Case.load(p) for p in CORPUS.glob("*.expected")), key=lambda c: c.name)


def _run(case: Case, base: Path) -> Outcome:
    root = base / case.name / "survey"
    copy_survey(root)
    case.prepare(root)
    before = tree_bytes(root)
    env = {**os.environ, "SPEECHLM_BIB_ARXIV_API": NOWHERE, "SPEECHLM_BIB_ARXIV_RETRIES": "0",
           "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run(case.argv(root), cwd=root, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    outside = sorted(str(p.relative_to(base / case.name)) for p in (base / case.name).rglob("*")
                     if root not in p.parents and p != root)
    stderr = done.stderr.replace(f"{root}/", "").replace(str(root), ".")
    return Outcome(done.returncode, done.stdout, stderr, before, tree_bytes(root), outside)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every case, run in parallel processes (each on its own copy of the repository)."""
    base = tmp_path_factory.mktemp("bad-inputs")
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = pool.map(lambda case: (case.name, _run(case, base)), CASES)
        return dict(results)


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40
    inputs = {p.stem for p in CORPUS.glob("*.input")}
    assert inputs <= {case.name for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_gives_one_clear_line_and_writes_nothing(
    case: Case, outcomes: dict[str, Outcome]
) -> None:
    outcome = outcomes[case.name]
    if REGENERATE:
        _regenerate(case, outcome.stderr.strip())
    assert "Traceback" not in outcome.stderr
    assert outcome.stderr.count("\n") == 1, outcome.stderr
    assert outcome.stderr.strip() == case.stderr
    assert outcome.returncode == 2
    assert outcome.stdout == ""
    assert outcome.after == outcome.before
    assert outcome.outside == []


def test_every_message_names_the_file_or_the_command() -> None:
    """Messages start with the file (or, for a bad argument, the command) they concern."""
    named = re.compile(r"speechlm-bib: error: (entries|data|references\.bib|README\.md|add: )")
    assert [c.name for c in CASES if not named.match(c.stderr)] == []


def _regenerate(case: Case, stderr: str) -> None:
    path = CORPUS / f"{case.name}.expected"
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith("stderr: ")]
    path.write_text("\n".join([*kept, f"stderr: {stderr}"]) + "\n", encoding="utf-8")


@pytest.mark.parametrize("name", ["../../../escaped", "/tmp/escaped", "..", "a/../../b"])
def test_add_name_cannot_write_outside_entries(
    name: str, arxiv: ArxivReplayServer, survey_repo: Path, run: Cli
) -> None:
    """The name only labels the row; the file name is a slug of it, inside the section."""
    before = tree_bytes(survey_repo.parent)

    result = run("add", "2106.07447", "--section", "datasets", "--name", name, root=survey_repo)

    assert result.exit_code == 0, result.stderr
    after = tree_bytes(survey_repo.parent)
    new = sorted(set(after) - set(before))
    assert len(new) == 1 and new[0].startswith("survey/entries/datasets/")
    assert Path(new[0]).name.endswith(".yaml") and ".." not in new[0]
    changed = {k for k in before if before[k] != after.get(k)}
    assert changed <= {"survey/README.md"}
