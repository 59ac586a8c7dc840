"""Whether two versions of speechlm-bib give the same outputs: every command, every file.

    python benchmarks/same_output.py --base main                # survey, N = 1,000 and 10,000
    python benchmarks/same_output.py --base HEAD~3 --sizes 300 --corpora adversarial

The base version's src/ comes from ``git archive`` (nothing in the checkout changes); the
other is this tree's src/. Each runs the same commands, each its own process, on its own copy
of a repository: the committed survey and synthetic repositories of synth.py (both corpora,
"as synced", with paper.tex). Their exit codes, standard output and standard error, and then
the bytes of every file of the repository, must be the same; this tree's version runs the
commands twice, the second time on a fresh copy holding what the first run left in
.speechlm-bib-cache/ (the cache starts warm). A difference is printed with the command and
the first lines that differ; the exit code is 1 when there is one.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH)]

import synth  # noqa: E402

CACHE = ".speechlm-bib-cache"
SURVEY_FILES = ("entries", "data", "references.bib", "README.md", "CITATION.cff")
EXPORTS = ("bibtex", "biblatex", "csl-json", "text", "markdown")
REPORTS = ("text", "json", "github")
COMMANDS = ("build", "check", "cite", "export", "latex-table", "rename", "sync", "add",
            "import", "site", "discover")
# Nothing may reach the network: an unchanged sync sends no request, and one that did
# would fail on these closed ports instead.
OFFLINE = {"SPEECHLM_BIB_ARXIV_API": "http://127.0.0.1:9/api/query",
           "SPEECHLM_BIB_DBLP_API": "http://127.0.0.1:9/search",
           "SPEECHLM_BIB_CROSSREF_API": "http://127.0.0.1:9/works",
           "SPEECHLM_BIB_ARXIV_RETRIES": "0", "SPEECHLM_BIB_ARXIV_DELAY": "0"}


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one command did: its exit code and its two output streams."""

    argv: tuple[str, ...]
    code: int
    stdout: str
    stderr: str


def base_source(rev: str, into: Path) -> Path:
    """The src/ folder of a git revision of this repository, extracted under ``into``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def commands(root: Path) -> list[tuple[str, ...]]:
    """The commands run on a repository, in order: reading ones first, then building."""
    sections = sorted(p.name for p in (root / "entries").iterdir() if p.is_dir())
    argvs: list[tuple[str, ...]] = [("--help",), ("--version",)]
    argvs += [(name, "--help") for name in COMMANDS]
    argvs += [("build", "--check"), ("check", "--format", "nonsense")]
    argvs += [("check", "--format", fmt) for fmt in REPORTS]
    argvs += [("check", "--strict"), ("check", "--unused")]
    argvs += [("cite", "--format", fmt) for fmt in EXPORTS]
    argvs += [("export", "--format", fmt) for fmt in EXPORTS]
    argvs += [("latex-table", section) for section in sections[:2]]
    argvs += [("build",), ("build", "--check")]
    argvs += [("check", "--format", fmt) for fmt in REPORTS]
    if (root / "paper.tex").exists():
        argvs += [("check", "paper.tex", "--format", fmt) for fmt in REPORTS]
        argvs += [("check", "paper.tex", "--unused"), ("export", "--tex", "paper.tex")]
    argvs += [("sync", "--arxiv-only"), ("sync", "--arxiv-only", "--dry-run"),
              ("build", "--check")]
    # The commands that write: a listed work added to another section (from the stores, no
    # request), its key renamed, the site written before and after.
    key, arxiv_id, section = listed_work(root)
    other = next(name for name in sections if name != section)
    argvs += [("site",), ("add", arxiv_id, "--section", other), ("rename", key, f"{key}x"),
              ("build", "--check"), ("check", "--format", "json"), ("site",)]
    return argvs


def listed_work(root: Path) -> tuple[str, str, str]:
    """The key, arXiv id and section of the first entry file that pins both."""
    for path in sorted((root / "entries").rglob("*.yaml")):
        fields = dict(line.split(": ", 1) for line in path.read_text(encoding="utf-8")
                      .splitlines() if line.startswith(("key: ", "arxiv: ")))
        if len(fields) == 2:
            return fields["key"], fields["arxiv"].strip("'\""), path.parent.name
    raise ValueError(f"{root}: no entry pins a key and an arXiv id")


def run_all(src: Path, repo: Path, argvs: Sequence[tuple[str, ...]]) -> list[Outcome]:
    """Run each command with the given src/ on the repository; what each did."""
    env = {**os.environ, **OFFLINE, "PYTHONPATH": str(src), "COLUMNS": "100"}
    env.pop("SPEECHLM_BIB_ARXIV_BATCH", None)
    outcomes = []
    for argv in argvs:
        done = subprocess.run([sys.executable, "-m", "speechlm_bib", *argv], cwd=repo, env=env,
                              capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              check=False)
        # Each version runs in its own folder: the folder's name is no output.
        outcomes.append(Outcome(argv, done.returncode, done.stdout.replace(str(repo), "<repo>"),
                                done.stderr.replace(str(repo), "<repo>")))
    return outcomes


def file_digests(repo: Path, ignore: str = CACHE) -> dict[str, str]:
    """Every file of a repository (the cache folder aside) with the digest of its bytes."""
    return {path.relative_to(repo).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(repo.rglob("*"))
            if path.is_file() and ignore not in path.relative_to(repo).parts}


def differences(label: str, old: list[Outcome], new: list[Outcome]) -> list[str]:
    """Lines describing where two runs of the same commands differ."""
    found = []
    for before, after in zip(old, new, strict=True):
        for what in ("code", "stdout", "stderr"):
            a, b = getattr(before, what), getattr(after, what)
            if a != b:
                diff = difflib.unified_diff(str(a).splitlines(), str(b).splitlines(),
                                            "base", "this tree", lineterm="", n=1)
                found.append(f"{label}: `{' '.join(before.argv)}` {what} differs:\n  "
                             + "\n  ".join(list(diff)[:12]))
    return found


def compare(name: str, make: Path, base_src: Path, work: Path) -> list[str]:
    """Run the commands with both versions on copies of one repository; the differences."""
    copies = {label: work / f"{name}-{label}" for label in ("base", "tree", "warm")}
    for copy in copies.values():
        shutil.copytree(make, copy, symlinks=True)
    argvs = commands(make)
    print(f"{name}: {len(argvs)} commands", file=sys.stderr, flush=True)
    old = run_all(base_src, copies["base"], argvs)
    new = run_all(ROOT / "src", copies["tree"], argvs)
    cache = copies["tree"] / CACHE
    if cache.is_dir():
        shutil.copytree(cache, copies["warm"] / CACHE)
    again = run_all(ROOT / "src", copies["warm"], argvs)
    found = differences(name, old, new) + differences(f"{name} (warm cache)", old, again)
    before = file_digests(copies["base"])
    for label in ("tree", "warm"):
        after = file_digests(copies[label])
        for path in sorted(set(before) | set(after)):
            if before.get(path) != after.get(path):
                found.append(f"{name} ({label}): file {path} differs")
    return found


def repositories(work: Path, sizes: Sequence[int], corpora: Sequence[str],
                 survey: bool) -> dict[str, Path]:
    """The repositories compared: a copy of the survey, and synthetic ones."""
    made: dict[str, Path] = {}
    if survey:
        made["survey"] = work / "survey"
        made["survey"].mkdir(parents=True)
        for name in SURVEY_FILES:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, made["survey"] / name)
            elif source.exists():
                shutil.copy2(source, made["survey"] / name)
    for corpus in corpora:
        for n in sizes:
            root = made[f"{corpus}-{n}"] = work / f"{corpus}-{n}"
            print(f"generating {corpus} N={n}", file=sys.stderr, flush=True)
            synth.generate(root, n, synced=True, corpus=corpus)
    return made


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="main", help="the git revision to compare with")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000])
    parser.add_argument("--corpora", nargs="*", default=list(synth.CORPORA),
                        choices=synth.CORPORA)
    parser.add_argument("--no-survey", action="store_true")
    parser.add_argument("--work", type=Path, help="keep the repositories here")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Compare the two versions on every repository; 1 when anything differs."""
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="speechlm-bib-same-") as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        base_src = base_source(args.base, work / "base")
        made = repositories(work / "made", args.sizes, args.corpora, not args.no_survey)
        found = [line for name, root in made.items()
                 for line in compare(name, root, base_src, work / "runs")]
    for line in found:
        print(line)
    print(f"{len(made)} repositories: " + ("the same outputs" if not found
                                           else f"{len(found)} differences"))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
