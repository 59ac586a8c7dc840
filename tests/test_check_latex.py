"""LaTeX checks: undefined and uncited keys, against what bibtex and checkcites report."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from speechlm_bib.checks import check_all
from speechlm_bib.checks.papers import did_you_mean
from speechlm_bib.errors import InputError
from speechlm_bib.link import link
from speechlm_bib.model import Finding
from speechlm_bib.paper import Paper
from speechlm_bib.services import run_check
from speechlm_bib.store.repository import load_repository
from speechlm_bib.tex.files import scan_paths

PREAMBLE = ("\\documentclass{article}\n\\usepackage[T1]{fontenc}\\usepackage{lmodern}"
            "\\usepackage{url}\\usepackage{natbib}\n\\begin{document}\n")
BODY = """\
Moshi \\citep[see][p.~3]{defossez2024moshi,hsu2021hubrt}.
% \\cite{commented2020out} is not a citation
\\citet*{chen2021wavlm} and \\citeauthor{missing2020key};
\\input{part}
"""
PART = "\\citeyear{cui2024recent}, \\cite{\n  zhang2023speechgpt,\n  ghost2021paper}\n"
END = "\\bibliographystyle{plainnat}\n\\bibliography{references}\n\\end{document}\n"
UNDEFINED = {"hsu2021hubrt", "missing2020key", "ghost2021paper"}


def write_paper(root: Path, body: str = BODY) -> Path:
    paper = root / "paper"
    paper.mkdir()
    (paper / "main.tex").write_text(PREAMBLE + body + END)
    (paper / "part.tex").write_text(PART)
    shutil.copy2(root / "references.bib", paper / "references.bib")
    return paper


def by_code(findings: list[Finding], code: str) -> dict[str, list[tuple[str, int]]]:
    result: dict[str, list[tuple[str, int]]] = {}
    for finding in findings:
        if finding.code == code:
            result.setdefault(finding.key or "", []).append((Path(finding.path).name, finding.line))
    return result


def test_undefined_keys_with_file_and_line(survey_repo: Path) -> None:
    paper = write_paper(survey_repo)
    found = run_check(survey_repo, [paper / "main.tex"]).findings
    assert by_code(found, "undefined-citation") == {
        "hsu2021hubrt": [("main.tex", 4)], "missing2020key": [("main.tex", 6)],
        "ghost2021paper": [("part.tex", 3)]}
    hint = next(f.message for f in found if f.key == "hsu2021hubrt")
    assert hint.endswith("did you mean 'hsu2021hubert'?")
    assert all(f.path.startswith("paper/") for f in found if f.code == "undefined-citation")


def test_uncited_records_are_information(survey_repo: Path) -> None:
    paper = write_paper(survey_repo)
    found = run_check(survey_repo, [paper]).findings
    uncited = {f.key for f in found if f.code == "uncited-record"}
    repo_keys = {line.split("{")[1].rstrip(",") for line in
                 (survey_repo / "references.bib").read_text().splitlines() if line.startswith("@")}
    cited = {"defossez2024moshi", "chen2021wavlm", "cui2024recent", "zhang2023speechgpt"}
    assert uncited == repo_keys - cited
    assert {f.severity for f in found if f.code == "uncited-record"} == {"info"}


def test_nocite_star_cites_everything(survey_repo: Path) -> None:
    paper = write_paper(survey_repo, "\\nocite{*}\\cite{ghost2021paper}\n")
    found = run_check(survey_repo, [paper / "main.tex"]).findings
    assert {f.code for f in found} >= {"undefined-citation"}
    assert not [f for f in found if f.code == "uncited-record"]


def test_keys_are_case_sensitive_and_the_hint_says_so(survey_repo: Path) -> None:
    paper = write_paper(survey_repo, "\\cite{Defossez2024moshi}\n")
    [finding] = [f for f in run_check(survey_repo, [paper / "main.tex"]).findings
                 if f.code == "undefined-citation"]
    assert "did you mean 'defossez2024moshi'? (keys are case-sensitive)" in finding.message


def test_did_you_mean_stays_quiet_without_a_close_key() -> None:
    assert did_you_mean("entirelydifferent", ["defossez2024moshi"]) == ""


def test_an_input_that_cannot_be_read_is_an_input_error(survey_repo: Path) -> None:
    paper = write_paper(survey_repo, "\\input{nowhere}\n")
    with pytest.raises(InputError) as error:
        run_check(survey_repo, [paper / "main.tex"])
    assert error.value.line == 4


def test_an_acknowledgement_of_a_paper_finding_is_not_stale_without_a_paper(
        survey_repo: Path) -> None:
    entry = survey_repo / "entries" / "survey" / "010-recent-advances-in-speech-language-model.yaml"
    with entry.open("a") as handle:
        handle.write("acknowledge:\n- code: uncited-record\n  about: 0000000000\n"
                     "  reason: test\n")
    assert not [f for f in check_all(link(load_repository(survey_repo)))
                if f.code == "stale-acknowledgement"]
    paper = Paper(scan_paths([write_paper(survey_repo)]))
    assert [f.code for f in check_all(link(load_repository(survey_repo)), paper=paper)
            if f.code == "stale-acknowledgement"] == ["stale-acknowledgement"]


def _tools_run(paper: Path) -> tuple[set[str], set[str], set[str]]:
    """bibtex's undefined keys (.blg), checkcites' undefined and unused keys."""
    for command in (["pdflatex", "-interaction=nonstopmode", "main"], ["bibtex", "main"]):
        subprocess.run(command, cwd=paper, capture_output=True, timeout=120, check=False)
    blg = (paper / "main.blg").read_text()
    bibtex_undefined = set(re.findall(r"I didn't find a database entry for \"([^\"]+)\"", blg))
    report = subprocess.run(["checkcites", "main.aux"], cwd=paper, capture_output=True,
                            text=True, timeout=120, check=False).stdout
    unused_part, _, undefined_part = report.partition("Report of undefined references")
    listed = re.compile(r"^=> (\S+)$", re.MULTILINE)
    return bibtex_undefined, set(listed.findall(undefined_part)), set(listed.findall(unused_part))


@pytest.mark.latex
@pytest.mark.skipif(shutil.which("pdflatex") is None or shutil.which("bibtex") is None
                    or shutil.which("checkcites") is None,
                    reason="pdflatex, bibtex or checkcites not installed")
def test_the_same_keys_as_bibtex_and_checkcites(survey_repo: Path) -> None:
    paper = write_paper(survey_repo)
    bibtex_undefined, checkcites_undefined, checkcites_unused = _tools_run(paper)
    assert bibtex_undefined == checkcites_undefined == UNDEFINED
    for source in (paper / "main.tex", paper / "main.aux", paper):
        found = run_check(survey_repo, [source]).findings
        assert set(by_code(found, "undefined-citation")) == UNDEFINED, source
        assert {f.key for f in found if f.code == "uncited-record"} == checkcites_unused, source
