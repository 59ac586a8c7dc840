"""LaTeX tables of sections: escaped cells, cite keys, compiled with the exported bib."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from speechlm_bib.link import link
from speechlm_bib.render.latextable import LONG_TABLE_ROWS, render_latex_table
from speechlm_bib.store.repository import load_repository

from conftest import Cli
from texrun import box_warnings, compile_document, needs_bibtex, write_document

PACKAGES = "\\usepackage{booktabs,tabularx,xltabular}\n"
SECTIONS = ("models", "semantic_tokenizers", "acoustic_tokenizers", "mixed_tokenizers",
            "datasets", "benchmarks")


def _rows(table: str) -> list[str]:
    return [line for line in table.splitlines() if "\\cite{" in line or line.endswith("-- \\\\")]


def test_short_section_is_a_table_float(survey_repo: Path, run: Cli) -> None:
    result = run("latex-table", "benchmarks", root=survey_repo)
    assert result.exit_code == 0
    table = result.stdout
    assert "\\begin{tabularx}{\\linewidth}{" in table and "\\begin{xltabular}" not in table
    assert "Name & Eval Type & \\# Tasks & Audio Type & I/O & Ref. \\\\" in table
    assert "ABX & Representation & 1 & Speech & A {\\textrightarrow} - & " \
           "\\cite{nguyen2020zero} \\\\" in table
    assert len(_rows(table)) == 14


def test_long_section_is_a_longtable(survey_repo: Path, run: Cli) -> None:
    table = run("latex-table", "models", root=survey_repo).stdout
    assert "\\begin{xltabular}{\\linewidth}{" in table and "\\endhead" in table
    assert len(_rows(table)) > LONG_TABLE_ROWS
    assert "Lixiang Tongxue MindGPT-4o-Audio" in table


def test_untrusted_text_is_escaped(survey_repo: Path) -> None:
    entry = survey_repo / "entries" / "benchmarks" / "010-abx.yaml"
    entry.write_text(entry.read_text().replace("name: ABX", "name: '\\input{x} 50% R&D_#1 ~^$'"))
    repo = load_repository(survey_repo)
    table = render_latex_table(link(repo), "benchmarks")
    assert ("\\textbackslash{}input\\{x\\} 50\\% R\\&D\\_\\#1 \\textasciitilde{}"
            "\\textasciicircum{}\\$ & ") in table


def test_unknown_section_is_refused(survey_repo: Path, run: Cli) -> None:
    result = run("latex-table", "survey", root=survey_repo)
    assert result.exit_code == 2
    assert "no table section 'survey'" in result.stderr and result.stdout == ""


@pytest.mark.latex
@needs_bibtex
@pytest.mark.parametrize("section", SECTIONS)
def test_table_compiles_with_the_bib_within_the_margins(survey_repo: Path, tmp_path: Path,
                                                        run: Cli, section: str) -> None:
    out = tmp_path / "table.tex"
    assert run("latex-table", section, "-o", out, root=survey_repo).exit_code == 0
    run("export", "--section", section, "-o", tmp_path / "refs.bib", root=survey_repo)
    write_document(tmp_path, "\\input{table}", packages=PACKAGES)
    assert compile_document(tmp_path) == []
    assert box_warnings(tmp_path) == []
    keys = set(re.findall(r"\\cite\{([^}]+)\}", out.read_text()))
    bbl = (tmp_path / "paper.bbl").read_text()
    assert {k for k in keys if f"\\bibitem{{{k}}}" in bbl} == keys
