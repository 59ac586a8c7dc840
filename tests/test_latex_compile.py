"""references.bib compiled by real consumers: pdflatex + bibtex (natbib, plain) and biber."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO
from latex_tools import compile_biber, compile_bibtex, needs_tex

pytestmark = needs_tex
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
    return f"Every record: \\cite{{{','.join(keys)}}}."


def _missing(terms: tuple[str, ...], text: str) -> list[str]:
    """The terms whose capitals did not survive (pdftotext drops hyphens at line breaks)."""
    flat = text.replace("-", "")
    return [term for term in terms if term.replace("-", "") not in flat]


def test_natbib_plainnat_compiles_without_warnings(folder: Path) -> None:
    compiled = compile_bibtex(folder, _cite_everything(), "plainnat")
    assert "Warning" not in compiled.bib_messages, compiled.bib_messages
    assert compiled.latex_warnings() == []
    assert "Défossez" in compiled.text and "Mazaré" in compiled.text
    assert "arXiv preprint arXiv:2410.00037" in compiled.text


def test_sentence_casing_plain_style_keeps_protected_capitals(folder: Path) -> None:
    compiled = compile_bibtex(folder, _cite_everything(), "plain", packages="")
    assert "Warning" not in compiled.bib_messages, compiled.bib_messages
    assert compiled.latex_warnings() == []
    assert _missing(PROTECTED, compiled.text) == []
    assert "Kimi-Audio technical report" in compiled.text


def test_biblatex_biber_compiles_without_warnings(folder: Path) -> None:
    compiled = compile_biber(folder, _cite_everything())
    assert "WARN" not in compiled.bib_messages and "ERROR" not in compiled.bib_messages, \
        compiled.bib_messages
    assert compiled.latex_warnings() == []
    assert "Défossez" in compiled.text
    assert _missing(PROTECTED, compiled.text) == []
