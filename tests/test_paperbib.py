"""A paper's own .bib files, read leniently; the paper's files as check and export see them."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import pytest

from speechlm_bib.errors import InputError
from speechlm_bib.paper import BibFile, Paper, definitions
from speechlm_bib.render.exports import render_biblatex, render_bibtex
from speechlm_bib.services import load_library
from speechlm_bib.services.papers import own_records
from speechlm_bib.store.paperbib import load_bib_file, load_bib_files, parse_bib_records
from speechlm_bib.tex.scan import CitedKeys

from conftest import Cli

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import synth

OWN = """% the paper's own works
@string{icassp = "Proc. ICASSP"}
@InProceedings{smith2020own,
  Title = {Our {HMM} Work},
  author = "Smith, Jane and Doe, John",
  booktitle = icassp,
  year = 2020
}
@misc{broken title = {no comma after the key}}
@article{doe2021other, title={Other}, author={Doe, John}, journal={J}, year={2021}}
@article{smith2020own, title={A second copy}, year={1999}}
"""


def test_records_are_read_leniently_with_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "own.bib"
    path.write_text(OWN)
    bib = load_bib_file(path)
    assert bib.found and not bib.exported
    assert [(r.key, r.type, r.line) for r in bib.records] == [
        ("smith2020own", "inproceedings", 3), ("doe2021other", "article", 10)]
    own = dict(bib.records[0].fields)
    assert own == {"title": "Our {HMM} Work", "author": "Smith, Jane and Doe, John",
                   "booktitle": "Proc. ICASSP", "year": "2020"}
    assert all(r.path == path for r in bib.records)


def test_a_latin1_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "old.bib"
    path.write_bytes("@misc{m\xfcller1990, author = {M\xfcller, Hans}}\n".encode("latin-1"))
    assert [r.key for r in load_bib_file(path).records] == ["müller1990"]


def test_a_missing_file_is_empty_and_not_found(tmp_path: Path) -> None:
    bib = load_bib_file(tmp_path / "refs.bib")
    assert bib == BibFile(tmp_path / "refs.bib", (), found=False)


def test_a_file_that_cannot_be_read_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "refs.bib").mkdir()
    with pytest.raises(InputError) as error:
        load_bib_file(tmp_path / "refs.bib")
    assert str(error.value).startswith(f"{tmp_path / 'refs.bib'}: cannot read the paper's "
                                       "bibliography: ")


def test_files_export_wrote_are_recognised(tmp_path: Path, survey_repo: Path) -> None:
    records = load_library(survey_repo).in_key_order[:2]
    for name, text in (("a.bib", render_bibtex(records)), ("b.bib", render_biblatex(records))):
        (tmp_path / name).write_text(text)
        assert load_bib_file(tmp_path / name).exported
        assert len(load_bib_file(tmp_path / name).records) == 2


def test_each_file_is_read_once_in_the_order_given(tmp_path: Path) -> None:
    for name in ("a.bib", "b.bib"):
        (tmp_path / name).write_text(f"@misc{{{name[0]}, title={{T}}}}\n")
    paths = [tmp_path / "b.bib", tmp_path / "a.bib", tmp_path / "b.bib"]
    assert [bib.path.name for bib in load_bib_files(paths)] == ["b.bib", "a.bib"]


def test_copies_are_in_declaration_order_and_without_leaves_files_out(tmp_path: Path) -> None:
    (tmp_path / "refs.bib").write_text(render_bibtex([]) + "@misc{x, title={Exported}}\n")
    (tmp_path / "own.bib").write_text("@misc{x, title={Own}}\n@misc{y, title={Y}}\n")
    (tmp_path / "more.bib").write_text("@misc{x, title={More}}\n")
    files = load_bib_files([tmp_path / "refs.bib", tmp_path / "own.bib", tmp_path / "more.bib"])
    paper = Paper(CitedKeys((), False), files)
    copies = definitions(paper)
    assert [r.path.name for r in copies["x"]] == ["refs.bib", "own.bib", "more.bib"]
    others = paper.without([tmp_path / "more.bib"])
    assert [f.path.name for f in others.files] == ["own.bib"]
    assert set(definitions(others)) == {"x", "y"}


# --- the repository's own references.bib ------------------------------------------------

ODD_RECORD = r"""
@misc{zz2024odd,
  author = {{Odd {\"O}rg} and M{\"u}ller, Hans},
  title = {An {@}-sign, 50\% off, "quoted" and {{nested {braces}}}},
  howpublished = {Web page},
  year = {2024},
  note = {Two lines:
    the second one},
}
"""


def _repositories(tmp_path: Path, survey_repo: Path, run: Cli) -> list[Path]:
    for name, more in (("records.bib", ODD_RECORD), ("list.yaml", "keep: [zz2024odd]\n")):
        path = survey_repo / "entries" / name
        path.write_text(path.read_text(encoding="utf-8") + more, encoding="utf-8")
    roots = [survey_repo]
    for corpus in synth.CORPORA:
        roots.append(tmp_path / corpus)
        synth.generate(roots[-1], 300, synced=True, corpus=corpus)
    for root in roots:
        assert run("build", root=root).exit_code == 0
    return roots


def test_own_references_are_the_records_bibtexparser_reads(
        tmp_path: Path, survey_repo: Path, run: Cli) -> None:
    for root in _repositories(tmp_path, survey_repo, run):
        path = root / "references.bib"
        text = path.read_text(encoding="utf-8")
        library = load_library(root)
        own = own_records(library, None, path, text)
        assert own is not None and own == parse_bib_records(text, path), root.name
        known = functools.partial(own_records, library, None)
        assert load_bib_file(path, known=known) == load_bib_file(path), root.name


def test_own_references_edited_or_elsewhere_are_parsed(survey_repo: Path) -> None:
    library = load_library(survey_repo)
    path = survey_repo / "references.bib"
    text = path.read_text(encoding="utf-8")
    assert own_records(library, None, path, text.replace("{Moshi}", "{Mosh}", 1)) is None
    assert own_records(library, None, survey_repo / "copy.bib", text) is None
