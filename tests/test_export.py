"""Exports: subsets, and BibTeX, biblatex and CSL-JSON read by their real consumers."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from speechlm_bib.model import Record
from speechlm_bib.render.exports import render_biblatex
from speechlm_bib.render.styles import record_kind, to_biblatex, to_csl
from speechlm_bib.services import load_library

from conftest import Cli, run_subprocess
from texrun import (
    bibliography_keys,
    compile_document,
    needs_biber,
    needs_bibtex,
    write_document,
)

CITED = ("defossez2024moshi", "panayotov2015librispeech", "openai2024advanced")


def _keys_of(bib: str) -> list[str]:
    return re.findall(r"^@\w+\{([^,]+),", bib, re.MULTILINE)


def test_export_everything_is_references_bib_records(survey_repo: Path, run: Cli) -> None:
    result = run("export", root=survey_repo)
    assert result.exit_code == 0, result.stderr
    references = (survey_repo / "references.bib").read_text()
    assert _keys_of(result.stdout) == _keys_of(references)
    assert len(_keys_of(result.stdout)) == 90


def test_export_keys_and_sections(survey_repo: Path, run: Cli) -> None:
    result = run("export", "--key", "cui2024recent,moshi-typo-free", root=survey_repo)
    assert result.exit_code == 2
    assert "moshi-typo-free" in result.stderr and result.stdout == ""
    result = run("export", "--key", "cui2024recent", "--key", "defossez2024moshi",
                 root=survey_repo)
    assert _keys_of(result.stdout) == ["cui2024recent", "defossez2024moshi"]
    result = run("export", "--section", "mixed_tokenizers", root=survey_repo)
    assert _keys_of(result.stdout) == ["defossez2024moshi", "zhang2023speechtokenizer"]


def test_unknown_key_suggests_the_close_one(survey_repo: Path, run: Cli) -> None:
    result = run("export", "--key", "defossez2024moshj", root=survey_repo)
    assert result.exit_code == 2
    assert "did you mean 'defossez2024moshi'" in result.stderr


def test_unknown_section_is_refused(survey_repo: Path, run: Cli) -> None:
    result = run("export", "--section", "nope", root=survey_repo)
    assert result.exit_code == 2
    assert "list.yaml" in result.stderr and "unknown section 'nope'" in result.stderr


def test_export_tex_folder_and_unknown_citation(survey_repo: Path, tmp_path: Path,
                                                run: Cli) -> None:
    paper = tmp_path / "paper"
    paper.mkdir()
    (paper / "main.tex").write_text("\\input{intro}\n\\cite{cui2024recent}\n")
    (paper / "intro.tex").write_text("See \\citet{defossez2024moshi}.\n")
    result = run("export", "--tex", paper, root=survey_repo)
    assert _keys_of(result.stdout) == ["cui2024recent", "defossez2024moshi"]
    (paper / "intro.tex").write_text("\n% \\cite{ignored}\nSee \\cite{nobody2099}.\n")
    result = run("export", "--tex", paper / "main.tex", root=survey_repo)
    assert result.exit_code == 1
    assert _keys_of(result.stdout) == ["cui2024recent"]
    assert result.stderr.splitlines() == [
        f"speechlm-bib: error: {paper / 'intro.tex'}:3: \\cite{{nobody2099}}: no record has "
        "this key (and the paper declares no bibliography file)",
        "speechlm-bib: 1 cited key defined nowhere: the paper shows '?' for it (the other "
        "records were exported)"]


@pytest.mark.latex
@needs_bibtex
def test_export_aux_returns_exactly_the_cited_records(survey_repo: Path, tmp_path: Path,
                                                      run: Cli) -> None:
    write_document(tmp_path, f"\\cite{{{CITED[0]}}} and \\cite{{{CITED[1]},{CITED[2]}}}.")
    (tmp_path / "refs.bib").write_text("")
    subprocess.run(["pdflatex", "-interaction=nonstopmode", "paper.tex"], cwd=tmp_path,
                   capture_output=True, check=False, timeout=120)
    out = tmp_path / "refs.bib"
    result = run("export", "--aux", tmp_path / "paper.aux", "-o", out, root=survey_repo)
    assert result.exit_code == 0, result.stderr
    assert "wrote 3 records" in result.stderr
    assert sorted(_keys_of(out.read_text())) == sorted(CITED)
    assert compile_document(tmp_path) == []
    assert sorted(bibliography_keys(tmp_path)) == sorted(CITED)


@pytest.mark.latex
@needs_bibtex
def test_whole_bibtex_export_compiles_without_warnings(survey_repo: Path, tmp_path: Path,
                                                       run: Cli) -> None:
    result = run("export", "-o", tmp_path / "refs.bib", root=survey_repo)
    assert result.exit_code == 0
    write_document(tmp_path, "\\nocite{*}")
    assert compile_document(tmp_path) == []
    assert len(bibliography_keys(tmp_path)) == 90


@pytest.mark.latex
@needs_biber
def test_whole_biblatex_export_compiles_with_biber_without_warnings(
        survey_repo: Path, tmp_path: Path, run: Cli) -> None:
    result = run("export", "--format", "biblatex", "-o", tmp_path / "refs.bib",
                 root=survey_repo)
    assert result.exit_code == 0
    write_document(tmp_path, "\\nocite{*}", biblatex=True)
    assert compile_document(tmp_path, biber=True) == []
    assert len(bibliography_keys(tmp_path)) == 90


def test_biblatex_uses_biblatex_types_and_fields(survey_repo: Path) -> None:
    records = load_library(survey_repo).by_key
    preprint = to_biblatex(records["defossez2024moshi"])
    assert preprint.type == "online"
    assert preprint.get("eprinttype") == "arxiv" and preprint.get("eprintclass") == "eess.AS"
    assert preprint.get("date") == "2024" and preprint.get("journal") is None
    assert preprint.get("journaltitle") is None and preprint.get("archiveprefix") is None
    journal = to_biblatex(records["chen2021wavlm"])
    assert journal.type == "article"
    assert journal.get("journaltitle") == "IEEE Journal of Selected Topics in Signal Processing"
    assert to_biblatex(records["openai2024advanced"]).type == "online"
    assert to_biblatex(records["veaux2017cstr"]).type == "dataset"
    survey = render_biblatex([records["cui2024recent"]])
    assert "@inproceedings{cui2024recent," in survey and "year =" not in survey


def test_csl_items_follow_the_data_model(survey_repo: Path) -> None:
    records = load_library(survey_repo).by_key
    moshi = to_csl(records["defossez2024moshi"])
    assert moshi["type"] == "article" and moshi["number"] == "arXiv:2410.00037"
    assert moshi["author"][0] == {"family": "Défossez", "given": "Alexandre"}
    assert moshi["issued"] == {"date-parts": [[2024]]}
    survey = to_csl(records["cui2024recent"])
    assert survey["type"] == "paper-conference" and survey["page"] == "13943-13970"
    assert survey["DOI"] == "10.18653/v1/2025.acl-long.682"
    assert survey["container-title"].startswith("Proceedings of the 63rd Annual Meeting")
    assert to_csl(records["chen2021wavlm"])["type"] == "article-journal"
    assert to_csl(records["openai2024advanced"])["author"] == [{"literal": "OpenAI"}]
    assert to_csl(records["openai2024advanced"])["type"] == "webpage"
    assert to_csl(records["veaux2017cstr"])["type"] == "dataset"


def test_record_kinds() -> None:
    web = Record("k", "misc", (("url", "https://example.org"),))
    assert record_kind(web) == "webpage"
    assert record_kind(Record("k", "misc", ())) == "misc"
    published = Record("k", "article", (("journal", "TACL"), ("eprint", "1")))
    assert record_kind(published) == "article"


@pytest.mark.pandoc
@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc not installed")
def test_csl_json_renders_every_record_through_pandoc(survey_repo: Path, tmp_path: Path,
                                                      run: Cli) -> None:
    result = run("export", "--format", "csl-json", "-o", tmp_path / "refs.json",
                 root=survey_repo)
    assert result.exit_code == 0
    items = json.loads((tmp_path / "refs.json").read_text())
    assert len(items) == 90
    (tmp_path / "doc.md").write_text("---\nnocite: '@*'\n---\n\nText.\n")
    rendered = subprocess.run(
        ["pandoc", "--citeproc", "--bibliography", "refs.json", "-t", "plain", "--wrap=none",
         "doc.md"], cwd=tmp_path, capture_output=True, text=True, check=True, timeout=120)
    assert rendered.stderr == ""
    flat = _words(rendered.stdout)
    for item in items:
        assert _words(item["title"]) in flat, item["id"]
        assert _words(item["author"][0].get("family") or item["author"][0]["literal"]) in flat
    assert "???" not in rendered.stdout
    assert len(re.findall(r"^\S", rendered.stdout, re.MULTILINE)) == 90 + 1


def _words(text: str) -> str:
    """Text as its words only: citeproc changes quotes, dashes and case."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def test_markdown_export_lists_each_record_escaped(survey_repo: Path, run: Cli) -> None:
    result = run("export", "--format", "markdown", "--section", "mixed_tokenizers",
                 root=survey_repo)
    lines = result.stdout.splitlines()
    assert [line.split("`")[1] for line in lines] == ["defossez2024moshi",
                                                      "zhang2023speechtokenizer"]
    assert "*arXiv preprint arXiv:2410.00037*" in lines[0]


def test_export_as_a_subprocess(survey_repo: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    result = run_subprocess("export", "--key", "cui2024recent", "--format", "biblatex",
                            cwd=survey_repo, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("@inproceedings{cui2024recent,") == 1
    result = run_subprocess("export", "--key", "nobody", cwd=survey_repo, env=env)
    assert result.returncode == 2 and result.stderr.startswith("speechlm-bib: error:")
