"""references.bib compiled by real consumers: pdflatex + bibtex (natbib, plain) and biber."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO
from texrun import (
    compile_document,
    needs_biber,
    needs_bibtex,
    needs_pdftotext,
    pdf_text,
    write_document,
)

pytestmark = [pytest.mark.latex, needs_pdftotext]
PROTECTED = ("HuBERT", "LLaMA-Omni", "GPT-4o", "Kimi-Audio", "WavLM", "wav2vec", "SpeechGPT-Gen",
             "MinMo", "Qwen2.5-Omni", "LibriSpeech", "Mandarin", "VoxCeleb2", "Libri-Light")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy2(REPO / "references.bib", tmp_path / "references.bib")
    return tmp_path


def _cite_everything() -> str:
    keys = [line.split("{", 1)[1].rstrip(",")
            for line in (REPO / "references.bib").read_text(encoding="utf-8").splitlines()
            if line.startswith("@")]
    return f"\\sloppy Every record: \\cite{{{','.join(keys)}}}."


VENUES = ("Findings of the Association for Computational Linguistics: ACL 2025",
          "Advances in Neural Information Processing Systems (NeurIPS 2025)",
          "Transactions of the Association for Computational Linguistics",
          "European Language Resources Association")
"""Venues of published versions fetched from DBLP and Crossref (none typed by hand)."""
UPGRADED = ("2501.01957", "2412.15649", "2410.14411")
"""arXiv ids whose published version sync found: no longer cited as preprints."""


def _published(text: str) -> list[str]:
    """What is wrong with the published versions in a compiled bibliography (nothing, ideally)."""
    flat = " ".join(text.split())
    wrong = [f"venue missing: {venue}" for venue in VENUES if venue not in flat]
    return wrong + [f"cited as a preprint: {i}" for i in UPGRADED
                    if f"arXiv preprint arXiv:{i}" in flat or f"arXiv:{i}." in flat]


def _missing(terms: tuple[str, ...], text: str) -> list[str]:
    """The terms whose capitals did not survive (pdftotext drops hyphens at line breaks)."""
    flat = text.replace("-", "")
    return [term for term in terms if term.replace("-", "") not in flat]


@needs_bibtex
def test_natbib_plainnat_compiles_without_warnings(folder: Path) -> None:
    write_document(folder, _cite_everything(), packages="\\usepackage{natbib}\n",
                   bib="references.bib", style="plainnat")
    assert compile_document(folder) == []
    text = pdf_text(folder)
    assert "Défossez" in text and "Mazaré" in text
    assert "arXiv preprint arXiv:2410.00037" in text
    assert _published(text) == []


@needs_bibtex
def test_sentence_casing_plain_style_keeps_protected_capitals(folder: Path) -> None:
    write_document(folder, _cite_everything(), bib="references.bib", style="plain")
    assert compile_document(folder) == []
    text = pdf_text(folder)
    assert _missing(PROTECTED, text) == []
    assert "Kimi-Audio technical report" in text
    assert _published(text) == []


@needs_biber
def test_biblatex_biber_compiles_without_warnings(folder: Path) -> None:
    write_document(folder, _cite_everything(), biblatex=True, bib="references.bib")
    assert compile_document(folder, biber=True) == []
    text = pdf_text(folder)
    assert "Défossez" in text
    assert _missing(PROTECTED, text) == []
    assert _published(text) == []
