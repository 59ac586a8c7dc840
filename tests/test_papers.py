"""The paper writer's path: real papers citing the list and works of their own.

Each paper of tests/data/papers is copied, the list's records it cites exported, compiled by
latexmk (pdflatex with bibtex or biber) and checked; check's findings are compared with what
checkcites, BibTeX and biber say about the same files.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from speechlm_bib.render.exports import render_bibtex
from speechlm_bib.services import load_library, run_check

from conftest import REPO, console_script, run_script
from texrun import bibliography_keys, latexmk, needs_checkcites, needs_latexmk, run_warnings

PAPERS = Path(__file__).parent / "data" / "papers"
FIVE = ("chen2021wavlm", "cui2024recent", "defossez2024moshi", "hsu2021hubert",
        "zhang2023speechgpt")
MULTI = ("cui2024recent", "defossez2022high", "defossez2024moshi", "panayotov2015librispeech",
         "yang2021superb", "zhang2023speechtokenizer")


@dataclass(frozen=True)
class Case:
    """A paper, its main file, the export's format, what export writes and what it leaves."""

    folder: str
    main: str
    fmt: str
    exported: tuple[str, ...]
    left: tuple[str, tuple[str, ...]]

    @property
    def stem(self) -> str:
        return Path(self.main).stem

    @property
    def biber(self) -> bool:
        return self.fmt == "biblatex"

    def __str__(self) -> str:
        return f"{self.folder}/{self.main}"


CASES = [
    Case("natbib", "main.tex", "bibtex", FIVE, ("own.bib", ("smith2020own",))),
    Case("biblatex", "main.tex", "biblatex", FIVE,
         ("own.bib", ("smith2020own", "doe2019listening"))),
    Case("multifile", "main.tex", "bibtex", MULTI, ("bib/own.bib", ("lee2023corpus",))),
    Case("multifile", "main-biblatex.tex", "biblatex", MULTI,
         ("bib/own.bib", ("lee2023corpus",))),
    Case("redefined", "main.tex", "biblatex", tuple(k for k in FIVE if k != "cui2024recent"),
         ("own.bib", ("cui2024recent", "smith2020own"))),
]
PAPER_CODES = {"undefined-citation", "conflicting-record"}


def copy_paper(case: Case, tmp_path: Path) -> Path:
    target = tmp_path / case.folder
    shutil.copytree(PAPERS / case.folder, target)
    return target


def export(case: Case, paper: Path, root: Path) -> subprocess.CompletedProcess[str]:
    return run_script("--root", root, "export", "--tex", case.main, "--format", case.fmt,
                      "-o", "refs.bib", cwd=paper)


def keys_of(bib: Path) -> list[str]:
    return re.findall(r"^@\w+\{([^,]+),", bib.read_text(), re.MULTILINE)


def left_line(case: Case) -> str:
    path, keys = case.left
    return f"left to the paper's own bibliography files: {', '.join(keys)} ({path})"


def misspell(paper: Path, key: str, wrong: str) -> None:
    """Misspell the citation of key wherever the paper's .tex files hold it."""
    for source in paper.rglob("*.tex"):
        text = source.read_text()
        source.write_text(re.sub(r"(\\\w*cite\w*(?:\[[^]]*\])*\{[^}]*)" + key, r"\g<1>" + wrong,
                                 text))


@pytest.mark.latex
@needs_latexmk
@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_paper_compiles_after_export_without_a_warning(case: Case, survey_repo: Path,
                                                            tmp_path: Path) -> None:
    paper = copy_paper(case, tmp_path)
    result = export(case, paper, survey_repo)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"wrote {len(case.exported)} records to refs.bib", left_line(case)]
    assert keys_of(paper / "refs.bib") == list(case.exported)
    compiled = latexmk(paper, case.main)
    assert compiled.returncode == 0, compiled.stdout[-3000:]
    assert run_warnings(paper, case.main) == []
    assert sorted(bibliography_keys(paper, case.stem)) == sorted(case.exported + case.left[1])


@pytest.mark.parametrize("case", CASES, ids=str)
def test_check_finds_only_what_the_paper_gets_wrong(case: Case, survey_repo: Path,
                                                    tmp_path: Path) -> None:
    paper = copy_paper(case, tmp_path)
    found = run_check(survey_repo, [paper / case.main])
    own = [(f.code, f.key, Path(f.path).name, f.line) for f in found.findings
           if f.code in PAPER_CODES]
    conflict = [("conflicting-record", "cui2024recent", "own.bib", 2)]
    assert own == (conflict if case.folder == "redefined" else [])
    assert found.coverage is not None
    assert found.coverage.records - found.coverage.uncited == len(case.exported) + (
        case.folder == "redefined")


def checkcites_undefined(case: Case, paper: Path) -> set[str]:
    """The keys checkcites finds cited but in none of the paper's bibliography files."""
    source = ["--backend", "biber", case.stem] if case.biber else [f"{case.stem}.aux"]
    report = subprocess.run(["checkcites", "--undefined", *source], cwd=paper,
                            capture_output=True, text=True, timeout=120, check=False).stdout
    assert "Undefined references in your TeX document" in report, report
    return set(re.findall(r"^=> (\S+)$", report, re.MULTILINE))


@pytest.mark.latex
@needs_checkcites
@pytest.mark.parametrize("misspelt", [False, True], ids=["as-written", "misspelt"])
@pytest.mark.parametrize("case", CASES, ids=str)
def test_check_agrees_with_checkcites_on_the_same_run(case: Case, misspelt: bool,
                                                      survey_repo: Path, tmp_path: Path) -> None:
    paper = copy_paper(case, tmp_path)
    if misspelt:
        misspell(paper, "defossez2024moshi", "defosez2024moshi")
    assert export(case, paper, survey_repo).returncode == int(misspelt)
    subprocess.run(["pdflatex", "-interaction=nonstopmode", case.main], cwd=paper,
                   capture_output=True, timeout=120, check=False)
    expected = {"defosez2024moshi"} if misspelt else set()
    assert checkcites_undefined(case, paper) == expected
    aux = run_check(survey_repo, [paper / f"{case.stem}.aux"]).findings
    assert {f.key for f in aux if f.code == "undefined-citation"} == expected
    tex = run_check(survey_repo, [paper / case.main]).findings
    assert {f.key for f in tex if f.code == "undefined-citation"} == expected


NATBIB = next(case for case in CASES if case.folder == "natbib")
FINGERPRINT = r" \(fingerprint [0-9a-f]{10}\)"


@pytest.mark.latex
@needs_latexmk
def test_the_paper_writers_path(survey_repo: Path, tmp_path: Path) -> None:
    """Five works of the list and one of the paper's own, one key misspelt, then fixed."""
    paper = copy_paper(NATBIB, tmp_path)
    misspell(paper, "defossez2024moshi", "defosez2024moshi")
    checked = run_script("--root", survey_repo, "check", "main.tex", cwd=paper)
    assert checked.returncode == 1 and checked.stderr == ""
    lines = checked.stdout.splitlines()
    assert lines[0] == "main.tex"
    assert re.fullmatch(
        r"  14: error undefined-citation \[defosez2024moshi\]: \\citep\{defosez2024moshi\}: "
        r"defined neither in the repository nor in refs\.bib \(missing\), own\.bib; "
        r"did you mean 'defossez2024moshi'\?" + FINGERPRINT, lines[1]), lines[1]
    assert lines[2:] == ["86 of 90 records not cited by main.tex (--unused lists them)",
                         "1 error"]

    misspell(paper, "defosez2024moshi", "defossez2024moshi")
    checked = run_script("--root", survey_repo, "check", "main.tex", cwd=paper)
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout == ("85 of 90 records not cited by main.tex (--unused lists them)\n"
                              "no problems found\n")

    exported = run_script("--root", survey_repo, "export", "--tex", "main.tex", "-o",
                          "refs.bib", cwd=paper)
    assert exported.returncode == 0, exported.stderr
    assert keys_of(paper / "refs.bib") == list(FIVE)
    compiled = latexmk(paper)
    assert compiled.returncode == 0, compiled.stdout[-3000:]
    log = (paper / "main.log").read_text()
    assert "undefined" not in log and "didn't find" not in (paper / "main.blg").read_text()
    assert sorted(bibliography_keys(paper, "main")) == sorted((*FIVE, "smith2020own"))


def readme_latexmkrc() -> str:
    """The .latexmkrc recipe the README gives."""
    readme = (REPO / "README.md").read_text()
    found = re.search(r"```perl\n(# \.latexmkrc.*?)```", readme, re.DOTALL)
    assert found is not None, "no .latexmkrc recipe in README.md"
    return found.group(1)


@pytest.mark.latex
@needs_latexmk
@pytest.mark.parametrize("case", [CASES[0], CASES[1], CASES[3]], ids=str)
def test_the_readme_latexmk_recipe_exports_before_bibtex_and_biber(
        case: Case, survey_repo: Path, tmp_path: Path) -> None:
    paper = copy_paper(case, tmp_path)
    recipe = readme_latexmkrc()
    assert "my $list = '../Awesome-SpeechLM-Survey';" in recipe
    (paper / ".latexmkrc").write_text(recipe.replace("../Awesome-SpeechLM-Survey",
                                                     str(survey_repo)))
    path = f"{console_script().parent}{os.pathsep}{os.environ.get('PATH', '')}"
    env = {**os.environ, "PATH": path}
    compiled = latexmk(paper, case.main, env)
    assert compiled.returncode == 0, compiled.stdout[-3000:] + compiled.stderr[-3000:]
    assert f"wrote {len(case.exported)} records to refs.bib" in compiled.stderr
    assert keys_of(paper / "refs.bib") == list(case.exported)
    assert run_warnings(paper, case.main) == []
    assert sorted(bibliography_keys(paper, case.stem)) == sorted(case.exported + case.left[1])
    written = (paper / "refs.bib").read_bytes()
    again = latexmk(paper, case.main, env)
    assert again.returncode == 0 and "All targets" in again.stdout + again.stderr
    assert (paper / "refs.bib").read_bytes() == written


NATBIB_MAIN = r"""\documentclass{article}
\usepackage{natbib}
\begin{document}
\citet{cui2024recent} and \citet{smith2020own}.
\bibliographystyle{plainnat}
\bibliography{refs,FILES}
\end{document}
"""


@pytest.mark.latex
@needs_latexmk
@pytest.mark.parametrize("engine", ["bibtex", "biber"])
@pytest.mark.parametrize("first", ["copy.bib", "own.bib"])
def test_the_copy_check_says_wins_is_the_one_bibtex_and_biber_take(
        engine: str, first: str, survey_repo: Path, tmp_path: Path) -> None:
    """own.bib holds the survey's arXiv version; copy.bib the list's record, as written."""
    case = next(case for case in CASES if case.folder == "redefined")
    paper = copy_paper(case, tmp_path)
    fmt = "biblatex" if engine == "biber" else "bibtex"
    assert run_script("--root", survey_repo, "export", "--tex", "main.tex", "--format", fmt,
                      "-o", "refs.bib", cwd=paper).returncode == 0
    record = load_library(survey_repo).by_key["cui2024recent"]
    (paper / "copy.bib").write_text(render_bibtex([record], header=""))
    files = [first, "own.bib" if first == "copy.bib" else "copy.bib"]
    main = paper / "main.tex"
    if engine == "bibtex":
        main.write_text(NATBIB_MAIN.replace("FILES", ",".join(Path(f).stem for f in files)))
    else:
        main.write_text(main.read_text().replace(
            "\\addbibresource{own.bib}", "".join(f"\\addbibresource{{{f}}}" for f in files)))
    [warning] = [f for f in run_check(survey_repo, [main]).findings
                 if f.code == "conflicting-record"]
    assert (Path(warning.path).name, warning.line) == ("own.bib", 2)
    assert f"take the copy in {paper / first}, the first declared file" in warning.message
    assert warning.message.endswith("the paper may cite a stale copy") == (first == "own.bib")
    latexmk(paper)
    bbl = (paper / "main.bbl").read_text()
    assert ("Proceedings of the 63rd" in bbl) == (first == "copy.bib")
