"""Importing the survey README: every row, each table's columns, what a maintainer keeps."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from speechlm_bib.importer import clean, parse_tables, plan_import, to_sections
from speechlm_bib.store.repository import load_repository

from conftest import SURVEY_README, Cli, run_subprocess


def _imported(tmp_path: Path, run: Cli) -> Path:
    result = run("import", SURVEY_README, root=tmp_path)
    assert result.exit_code == 0, result.output
    return tmp_path


def test_import_creates_one_entry_per_row_in_readme_order(tmp_path: Path, run: Cli) -> None:
    repo = load_repository(_imported(tmp_path, run))
    counts = {s.id: sum(e.section == s.id for e in repo.entries) for s in repo.sections}
    assert counts == {
        "existing_speechlms": 51, "semantic_tokenizers": 7, "acoustic_tokenizers": 4,
        "mixed_tokenizers": 2, "popular_training_datasets": 19, "evaluation_benchmarks": 14,
        "survey": 1,
    }
    models = [e.name for e in repo.entries if e.section == "existing_speechlms"]
    assert models[:3] == ["OpenAI Advanced Voice Mode", "Claude Voice Mode", "MindGPT-4o-Audio"]
    assert models[-1] == "GSLM"
    assert repo.survey == "cui2024recent"


def test_import_keeps_each_tables_own_columns(tmp_path: Path, run: Cli) -> None:
    repo = load_repository(_imported(tmp_path, run))
    sections = {section.id: section for section in repo.sections}
    datasets = sections["popular_training_datasets"]
    benchmarks = sections["evaluation_benchmarks"]
    assert datasets.extra_columns == ("Type", "Phase", "Hours", "Year")
    assert benchmarks.extra_columns == ("Eval Type", "# Tasks", "Audio Type", "I/O")
    libri = next(e for e in repo.entries if e.name == "LibriSpeech")
    assert dict(libri.columns) == {"Type": "ASR", "Phase": "Pre-Training", "Hours": "1k",
                                   "Year": "2015"}
    assert libri.url == "https://www.openslr.org/12"
    stsp = next(e for e in repo.entries if e.name == "STSP")
    assert stsp.column("I/O") == "A/T → A/T"
    instruct = next(e for e in repo.entries if e.name == "InstructS2S-200K")
    assert instruct.column("Hours") is None and instruct.url is None


def test_import_repairs_what_a_maintainer_would_not_keep(tmp_path: Path, run: Cli) -> None:
    repo = load_repository(_imported(tmp_path, run))
    by_name = {e.name: e for e in repo.entries}
    assert by_name["MindGPT-4o-Audio"].title == "理想同学MindGPT-4o-Audio实时语音对话大模型发布"
    assert "chksm" not in (by_name["MindGPT-4o-Audio"].url or "")
    assert by_name["VoxtLM"].url == "https://ieeexplore.ieee.org/abstract/document/10447112/"
    gen = by_name["SpeechGPT-Gen"]
    assert (gen.url, gen.arxiv) == ("https://arxiv.org/abs/2401.13527", "2401.13527")
    assert by_name["SALMONN-omni"].url == "https://arxiv.org/abs/2411.18138"
    assert by_name["SALMONN-omni"].title == (
        "SALMONN-omni: A Codec-free LLM for Full-duplex Speech Understanding and Generation")
    nameless = [e for e in repo.entries if e.section == "existing_speechlms" and e.name is None]
    assert [e.arxiv for e in nameless] == ["2411.17607"]


def test_import_refuses_an_existing_list_and_writes_nothing(tmp_path: Path, run: Cli) -> None:
    _imported(tmp_path, run)
    before = sorted(p.name for p in (tmp_path / "entries").rglob("*"))
    result = run("import", SURVEY_README, root=tmp_path)
    assert result.exit_code == 2
    assert "list.yaml exists already" in result.stderr
    assert sorted(p.name for p in (tmp_path / "entries").rglob("*")) == before


def test_import_refuses_markdown_without_tables(tmp_path: Path, run: Cli) -> None:
    source = tmp_path / "plain.md"
    source.write_text("# A list\n\nNo tables here.\n", encoding="utf-8")
    result = run("import", source, root=tmp_path / "repo")
    assert result.exit_code == 2
    assert "plain.md:1: no markdown table with links found" in result.stderr
    assert not (tmp_path / "repo" / "entries").exists()


def test_imported_files_are_valid_yaml_with_fields_in_order(tmp_path: Path) -> None:
    day = date(2025, 3, 4)
    files = plan_import(SURVEY_README.read_text(encoding="utf-8"), SURVEY_README, tmp_path,
                        today=day)
    moshi = next(text for path, text in files.items() if path.name.endswith("-moshi.yaml"))
    assert list(yaml.safe_load(moshi)) == ["name", "title", "url", "added"]
    assert moshi.endswith("\nadded: 2025-03-04\n")
    survey = next(text for path, text in files.items() if path.parent.name == "survey")
    assert yaml.safe_load(survey) == {"key": "cui2024recent", "arxiv": "2410.03751",
                                      "name": "Recent advances in speech language models: A survey",
                                      "added": day}


def test_tables_without_links_are_not_sections() -> None:
    markdown = ("## A\n| x | y |\n|---|---|\n| 1 | 2 |\n\n"
                "## B\n| N | Url |\n|--|--|\n| m | [L](https://e.org) |\n")
    sections = to_sections(parse_tables(markdown))
    assert [s.heading for s in sections] == ["B"]
    assert sections[0].rows == ({"name": "m", "url": "https://e.org"},)


def test_clean_repairs_mojibake_and_spacing() -> None:
    assert clean("ÁêÜÊÉ≥ÂêåÂ≠¶  MindGPT") == "理想同学 MindGPT"


def test_import_as_a_subprocess(tmp_path: Path) -> None:
    result = run_subprocess("--root", tmp_path, "import", SURVEY_README, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("imported 98 entries")
    assert len(list((tmp_path / "entries").rglob("*.yaml"))) == 99
