"""A paper against the list and its own .bib files: check's findings and report, export's split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from speechlm_bib.checks.copies import content, differences
from speechlm_bib.checks.papers import check_paper
from speechlm_bib.model import Library
from speechlm_bib.paper import BibFile, Paper
from speechlm_bib.render.exports import render_biblatex, render_bibtex
from speechlm_bib.services import load_library
from speechlm_bib.store.paperbib import parse_bib_records
from speechlm_bib.tex.scan import Citation, CitedKeys

from conftest import Cli, run_script

SCHOLAR_MOSHI = r"""@article{defossez2024moshi,
  title={Moshi: a speech-text foundation model for real-time dialogue},
  author={D{\'e}fossez, Alexandre and Mazar{\'e}, Laurent and Orsini, Manu and Royer,
          Am{\'e}lie and P{\'e}rez, Patrick and J{\'e}gou, Herv{\'e} and Grave, Edouard
          and Zeghidour, Neil},
  journal={arXiv preprint arXiv:2410.00037},
  year={2024}
}
"""
OLD_SURVEY = r"""@misc{cui2024recent,
  author = {Wenqian Cui and others},
  title = {Recent Advances in Speech Language Models: {A} Survey},
  eprint = {2410.03751v3},
  year = {2024}
}
"""


@pytest.fixture
def library(survey_repo: Path) -> Library:
    return load_library(survey_repo)


def cite(*keys: str, path: str = "paper/main.tex") -> CitedKeys:
    return CitedKeys(tuple(Citation(key, Path(path), i + 1, 1, "cite")
                           for i, key in enumerate(keys)), False)


def bib(path: Path, text: str, exported: bool = False) -> BibFile:
    return BibFile(path, parse_bib_records(text, path), exported=exported)


# --- comparing copies ----------------------------------------------------------------------

def test_every_record_read_back_from_an_export_is_the_same(library: Library) -> None:
    for render in (render_bibtex, render_biblatex):
        for copy in parse_bib_records(render(library.in_key_order), Path("refs.bib")):
            ours = content(library.by_key[copy.key].fields)
            assert differences(ours, content(copy.fields)) == (), (render.__name__, copy.key)


def test_a_copy_written_otherwise_is_the_same(library: Library) -> None:
    [copy] = parse_bib_records(SCHOLAR_MOSHI, Path("own.bib"))
    assert differences(content(library.by_key["defossez2024moshi"].fields),
                       content(copy.fields)) == ()


def test_an_older_copy_differs_in_what_it_says(library: Library) -> None:
    [copy] = parse_bib_records(OLD_SURVEY, Path("own.bib"))
    ours = content(library.by_key["cui2024recent"].fields)
    assert differences(ours, content(copy.fields)) == ("year",)
    dblp = [("journal", "CoRR"), ("volume", "abs/2410.03751"), ("year", "2025")]
    assert differences(ours, content(dblp)) == ("venue",)


# --- check_paper ---------------------------------------------------------------------------

def test_a_key_of_the_papers_own_file_is_defined(library: Library, tmp_path: Path) -> None:
    own = bib(tmp_path / "own.bib", "@misc{smith2020own, title = {Own}}\n")
    paper = Paper(cite("cui2024recent", "smith2020own"), (own,))
    assert list(check_paper(library, paper)) == []


def test_a_key_defined_nowhere_suggests_from_both(library: Library, tmp_path: Path) -> None:
    files = (BibFile(tmp_path / "refs.bib", found=False),
             bib(tmp_path / "own.bib", "@misc{smith2020own, title = {Own}}\n"))
    paper = Paper(cite("smith2020onw", "defosez2024moshi"), files)
    found = list(check_paper(library, paper))
    assert [(f.code, f.severity, f.key, f.line) for f in found] == [
        ("undefined-citation", "error", "smith2020onw", 1),
        ("undefined-citation", "error", "defosez2024moshi", 2)]
    where = f"defined neither in the repository nor in {tmp_path / 'refs.bib'} (missing), " \
            f"{tmp_path / 'own.bib'}"
    assert found[0].message == (f"\\cite{{smith2020onw}}: {where}; did you mean "
                                f"'smith2020own' ({tmp_path / 'own.bib'})?")
    assert found[1].message.endswith("; did you mean 'defossez2024moshi'?")


def test_an_other_copy_is_a_warning_naming_the_copy_taken(library: Library,
                                                          tmp_path: Path) -> None:
    scholar = bib(tmp_path / "scholar.bib", SCHOLAR_MOSHI)
    old = bib(tmp_path / "old.bib", OLD_SURVEY)
    paper = Paper(cite("cui2024recent", "defossez2024moshi"), (scholar, old))
    [warning] = check_paper(library, paper)
    assert (warning.code, warning.severity, warning.key, warning.path, warning.line) == (
        "conflicting-record", "warning", "cui2024recent", str(tmp_path / "old.bib"), 1)
    assert warning.message == (
        "differs from the repository's record of this key in year; BibTeX and biber take the "
        f"copy in {tmp_path / 'old.bib'}, the first declared file holding it; the paper may "
        "cite a stale copy")
    uncited = Paper(cite("defossez2024moshi"), (scholar, old))
    assert list(check_paper(library, uncited)) == []
    everything = Paper(CitedKeys((), True), (scholar, old))
    assert [f.key for f in check_paper(library, everything)] == ["cui2024recent"]


def test_an_older_export_is_told_to_be_exported_again(library: Library,
                                                      tmp_path: Path) -> None:
    older = bib(tmp_path / "refs.bib", render_bibtex([]) + OLD_SURVEY, exported=True)
    [warning] = check_paper(library, Paper(cite("cui2024recent"), (older,)))
    assert warning.message == (f"{tmp_path / 'refs.bib'} holds an older export of this record "
                               "(year differ from the repository's): run `speechlm-bib export` "
                               "again")


# --- the check command ---------------------------------------------------------------------

def write_paper(root: Path, body: str, own: str = "") -> Path:
    paper = root / "paper"
    paper.mkdir(exist_ok=True)
    (paper / "own.bib").write_text(own)
    main = paper / "main.tex"
    main.write_text(f"{body}\n\\bibliographystyle{{plain}}\n\\bibliography{{refs,own}}\n")
    return main


def test_the_papers_findings_come_first(survey_repo: Path, run: Cli) -> None:
    entry = survey_repo / "entries" / "models" / "020-claude-voice-mode.yaml"
    entry.write_text(entry.read_text().replace("url: https://", "url: http://"))
    run("build", root=survey_repo)
    main = write_paper(survey_repo, "\\cite{cui2024recent,nobody2020x}")
    result = run("check", main, root=survey_repo)
    lines = result.stdout.splitlines()
    assert lines[0] == "paper/main.tex"
    assert lines[1].startswith("  1: error undefined-citation [nobody2020x]: ")
    assert lines[2] == "entries/models/020-claude-voice-mode.yaml"
    assert lines[3].startswith("  3: warning insecure-url [anthropic2025using]: ")
    assert lines[4:] == ["89 of 90 records not cited by paper/main.tex (--unused lists them)",
                         "1 error, 1 warning"]
    assert result.exit_code == 1


def test_unused_lists_the_records_and_json_always_does(survey_repo: Path, run: Cli) -> None:
    main = write_paper(survey_repo, "\\cite{cui2024recent}")
    listed = run("check", "--unused", main, root=survey_repo)
    assert listed.exit_code == 0
    assert listed.stdout.count(" info uncited-record ") == 89
    assert listed.stdout.splitlines()[-2:] == [
        "89 of 90 records not cited by paper/main.tex", "89 info"]
    for options in ((), ("--unused",)):
        document = json.loads(run("check", "--format", "json", *options, main,
                                  root=survey_repo).stdout)
        assert sum(f["code"] == "uncited-record" for f in document["findings"]) == 89
        assert document["coverage"] == {"papers": ["paper/main.tex"], "records": 90,
                                        "uncited": 89}
    alone = json.loads(run("check", "--format", "json", root=survey_repo).stdout)
    assert alone["coverage"] is None


def test_nocite_star_cites_every_record(survey_repo: Path, run: Cli) -> None:
    main = write_paper(survey_repo, "\\nocite{*}")
    result = run("check", main, root=survey_repo)
    assert result.stdout == "all 90 records cited by paper/main.tex\nno problems found\n"


def test_an_unreadable_bibliography_file_is_one_error(survey_repo: Path, run: Cli) -> None:
    main = write_paper(survey_repo, "\\cite{cui2024recent}")
    (main.parent / "refs.bib").mkdir()
    result = run("check", main, root=survey_repo)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"speechlm-bib: error: {main.parent / 'refs.bib'}: "
                                    "cannot read the paper's bibliography: ")
    assert result.stderr.count("\n") == 1


# --- the export command --------------------------------------------------------------------

OWN = "@misc{smith2020own, title = {Own}, year = 2020}\n"


def keys_of(text: str) -> list[str]:
    return [line.split("{")[1].rstrip(",") for line in text.splitlines() if line.startswith("@")]


def test_export_leaves_the_papers_keys_to_its_files(survey_repo: Path, run: Cli) -> None:
    main = write_paper(survey_repo, "\\cite{smith2020own,cui2024recent}\\cite{chen2021wavlm}",
                       OWN + SCHOLAR_MOSHI)
    out = main.parent / "refs.bib"
    result = run("export", "--tex", main, "-o", out, root=survey_repo)
    assert result.exit_code == 0, result.stderr
    assert keys_of(out.read_text()) == ["chen2021wavlm", "cui2024recent"]
    assert result.stderr.splitlines() == [
        f"wrote 2 records to {out}",
        "left to the paper's own bibliography files: smith2020own (paper/own.bib)"]
    again = run("export", "--tex", main, "-o", out, root=survey_repo)
    assert keys_of(out.read_text()) == ["chen2021wavlm", "cui2024recent"]
    assert again.stderr == result.stderr
    printed = run("export", "--tex", main, root=survey_repo)
    assert keys_of(printed.stdout) == ["chen2021wavlm", "cui2024recent"]


def test_export_of_nocite_star_leaves_out_the_papers_keys(survey_repo: Path, run: Cli) -> None:
    main = write_paper(survey_repo, "\\nocite{*}", OWN + SCHOLAR_MOSHI)
    result = run("export", "--tex", main, root=survey_repo)
    assert result.exit_code == 0
    assert len(keys_of(result.stdout)) == 89 and "defossez2024moshi" not in result.stdout
    assert result.stderr == ("left to the paper's own bibliography files: defossez2024moshi "
                             "(paper/own.bib)\n")


def test_export_writes_what_it_can_and_exits_1(survey_repo: Path) -> None:
    main = write_paper(survey_repo, "\\cite{cui2024recent}\n\\citep{defosez2024moshi}\n"
                       "\\cite{smith2020onw}", OWN)
    result = run_script("export", "--tex", "paper/main.tex", "-o", "paper/refs.bib",
                        cwd=survey_repo)
    assert result.returncode == 1
    assert keys_of((main.parent / "refs.bib").read_text()) == ["cui2024recent"]
    assert result.stderr.splitlines() == [
        "wrote 1 record to paper/refs.bib",
        "speechlm-bib: error: paper/main.tex:2: \\citep{defosez2024moshi}: defined neither in "
        "the repository nor in paper/own.bib; did you mean 'defossez2024moshi'?",
        "speechlm-bib: error: paper/main.tex:3: \\cite{smith2020onw}: defined neither in the "
        "repository nor in paper/own.bib; did you mean 'smith2020own' (paper/own.bib)?",
        "speechlm-bib: 2 cited keys defined nowhere: the paper shows '?' for them (the other "
        "records were exported)"]


def test_export_never_writes_over_the_papers_own_file(survey_repo: Path, run: Cli) -> None:
    main = write_paper(survey_repo, "\\cite{cui2024recent}", OWN)
    own = main.parent / "own.bib"
    result = run("export", "--tex", main, "-o", own, root=survey_repo)
    assert result.exit_code == 2 and own.read_text() == OWN
    assert result.stderr == (f"speechlm-bib: error: {own}: is one of the paper's own "
                             "bibliography files (export did not write it): write the export "
                             "to a file of its own\n")
