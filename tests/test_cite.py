"""The survey's citation block and CITATION.cff."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import Cli
from texrun import compile_document, needs_biber, needs_bibtex, write_document

CFFCONVERT = shutil.which("cffconvert", path=str(Path(sys.executable).parent)) or shutil.which(
    "cffconvert")


def test_cite_bibtex_is_the_published_version_with_the_pinned_key(survey_repo: Path,
                                                                  run: Cli) -> None:
    result = run("cite", root=survey_repo)
    assert result.exit_code == 0
    assert result.stdout.startswith("@inproceedings{cui2024recent,\n")
    assert "Association for Computational Linguistics (Volume 1: Long Papers)}" in result.stdout
    assert "address = {Vienna, Austria}" in result.stdout
    assert "doi = {10.18653/v1/2025.acl-long.682}" in result.stdout
    assert "eprint = {2410.03751}" in result.stdout


def test_cite_text_and_markdown(survey_repo: Path, run: Cli) -> None:
    text = run("cite", "--format", "text", root=survey_repo).stdout
    assert text.startswith("Wenqian Cui, Dianzhi Yu, ") and ", and Irwin King. 2025. " in text
    assert "pages 13943\u201313970. https://doi.org/10.18653/v1/2025.acl-long.682\n" in text
    markdown = run("cite", "--format", "markdown", root=survey_repo).stdout
    assert "In *Proceedings of the 63rd Annual Meeting" in markdown
    assert "](https://doi.org/10.18653/v1/2025.acl-long.682)" in markdown


def test_cite_without_survey_key_is_refused(survey_repo: Path, run: Cli) -> None:
    listing = survey_repo / "entries" / "list.yaml"
    listing.write_text(listing.read_text().replace("survey: cui2024recent\n", ""))
    result = run("cite", root=survey_repo)
    assert result.exit_code == 2
    assert "list.yaml: no 'survey' key" in result.stderr


@pytest.mark.latex
@needs_bibtex
def test_cited_block_compiles_with_bibtex(survey_repo: Path, tmp_path: Path, run: Cli) -> None:
    (tmp_path / "refs.bib").write_text(run("cite", root=survey_repo).stdout)
    write_document(tmp_path, "\\cite{cui2024recent}")
    assert compile_document(tmp_path) == []


@pytest.mark.latex
@needs_biber
def test_cited_biblatex_block_compiles_with_biber(survey_repo: Path, tmp_path: Path,
                                                  run: Cli) -> None:
    text = run("cite", "--format", "biblatex", root=survey_repo).stdout
    assert "date = {2025}" in text and "eprinttype = {arxiv}" in text
    (tmp_path / "refs.bib").write_text(text)
    write_document(tmp_path, "\\cite{cui2024recent}", biblatex=True)
    assert compile_document(tmp_path, biber=True) == []


def test_citation_cff_prefers_the_survey(survey_repo: Path, run: Cli) -> None:
    (survey_repo / "CITATION.cff").unlink(missing_ok=True)
    assert run("build", root=survey_repo).exit_code == 0
    cff = yaml.safe_load((survey_repo / "CITATION.cff").read_text())
    preferred = cff["preferred-citation"]
    assert cff["cff-version"] == "1.2.0"
    assert preferred["type"] == "conference-paper"
    assert preferred["doi"] == "10.18653/v1/2025.acl-long.682"
    assert (preferred["start"], preferred["end"], preferred["year"]) == (13943, 13970, 2025)
    assert preferred["authors"][0] == {"family-names": "Cui", "given-names": "Wenqian"}
    assert cff["authors"] == preferred["authors"]
    assert "&id" not in (survey_repo / "CITATION.cff").read_text()
    assert run("build", "--check", root=survey_repo).exit_code == 0


@pytest.fixture
def cffconvert() -> str:
    """The cffconvert command (of the test extra), or a skip naming what is missing."""
    if CFFCONVERT is None:
        pytest.skip("cffconvert not installed")
    return CFFCONVERT


def test_citation_cff_is_valid_for_cffconvert(survey_repo: Path, run: Cli,
                                              cffconvert: str) -> None:
    (survey_repo / "CITATION.cff").unlink()
    assert run("build", root=survey_repo).exit_code == 0
    result = subprocess.run([cffconvert, "--validate", "-i", "CITATION.cff"], cwd=survey_repo,
                            capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    converted = subprocess.run([cffconvert, "-f", "bibtex", "-i", "CITATION.cff"],
                               cwd=survey_repo, capture_output=True, text=True, check=True,
                               timeout=120)
    assert "Recent Advances in Speech Language Models: A Survey" in converted.stdout
    assert "Cui, Wenqian and Yu, Dianzhi" in converted.stdout
