"""Renaming a key: entry files, records.bib, references.bib and LaTeX sources at once."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import Result

from speechlm_bib import checks

from conftest import Cli, run_subprocess, tree_bytes
from texrun import compile_document, needs_bibtex, write_document

MOSHI = Path("entries") / "acoustic_tokenizers"


def _paper(directory: Path) -> Path:
    directory.mkdir()
    main = directory / "main.tex"
    main.write_text(
        "\\input{intro}\n"
        "Moshi \\cite{defossez2024moshi}, again \\citep[p.~2]{cui2024recent, defossez2024moshi}.\n"
        "% \\cite{defossez2024moshi} in a comment stays\n"
        "\\verb|\\cite{defossez2024moshi}| too.\n",
        encoding="utf-8")
    (directory / "intro.tex").write_text("Défossez: \\citet{defossez2024moshix,"
                                         "defossez2024moshi}\n", encoding="utf-8")
    return main


def test_rename_changes_every_place_and_prints_them(survey_repo: Path, tmp_path: Path,
                                                    run: Cli) -> None:
    main = _paper(tmp_path / "paper")
    result = run("rename", "defossez2024moshi", "defossez2024moshi-kyutai", "--tex", main,
                 root=survey_repo)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    changed = [line for line in lines if "->" in line]
    assert all(line.endswith(": defossez2024moshi -> defossez2024moshi-kyutai")
               for line in changed)
    places = [line.rsplit(": ", 1)[0] for line in changed]
    assert f"{main}:2" in places and f"{tmp_path / 'paper' / 'intro.tex'}:1" in places
    assert sum(p.endswith(".yaml:1") for p in places) == 2
    assert any(line.endswith("references.bib: rebuilt") for line in lines)
    text = main.read_text()
    assert text.count("defossez2024moshi-kyutai") == 2
    assert "% \\cite{defossez2024moshi} in a comment" in text
    assert "\\verb|\\cite{defossez2024moshi}|" in text
    assert (tmp_path / "paper" / "intro.tex").read_text(encoding="utf-8") == \
        "Défossez: \\citet{defossez2024moshix,defossez2024moshi-kyutai}\n"
    references = (survey_repo / "references.bib").read_text()
    assert "{defossez2024moshi-kyutai," in references and "{defossez2024moshi," not in references
    assert run("build", "--check", root=survey_repo).exit_code == 0


def test_rename_edits_only_the_key_line(survey_repo: Path, run: Cli) -> None:
    entry = survey_repo / "entries" / "models" / "010-openai-advanced-voice-mode.yaml"
    entry.write_text("# pinned by hand\nkey: openai2024advanced  # keep me\n"
                     + entry.read_text().split("\n", 1)[1])
    before = entry.read_text()
    records = survey_repo / "entries" / "records.bib"
    records_before = records.read_text()
    result = run("rename", "openai2024advanced", "openai2024voice", root=survey_repo)
    assert result.exit_code == 0, result.stderr
    assert entry.read_text() == before.replace("key: openai2024advanced  #",
                                               "key: openai2024voice  #")
    assert records.read_text() == records_before.replace("@misc{openai2024advanced,",
                                                         "@misc{openai2024voice,")
    assert "entries/records.bib:9: openai2024advanced -> openai2024voice" in \
        result.stdout.replace(str(survey_repo) + "/", "")


@pytest.mark.parametrize(("old", "new", "message"), [
    ("defossez2024moshi", "Cui2024Recent", "the key 'Cui2024Recent' is taken as 'cui2024recent'"
     " (keys differ in case only): entries/survey/010-recent-advances-in-speech-language-model.yaml"
     " holds it"),
    ("defossez2024moshi", "hsu2021hubert", "the key 'hsu2021hubert' is taken: "
     "entries/semantic_tokenizers/050-hubert.yaml holds it"),
    ("defossez2024moshi", "two words", "not a valid citation key"),
    ("nobody2099", "somebody2099", "no entry or record has the key 'nobody2099'"),
    ("cui2024recent", "cui2025recent", "the survey's own key"),
])
def test_refusals_write_nothing(survey_repo: Path, tmp_path: Path, run: Cli, old: str,
                                new: str, message: str) -> None:
    main = _paper(tmp_path / "paper")
    before = tree_bytes(survey_repo), main.read_bytes()
    result = run("rename", old, new, "--tex", main, root=survey_repo)
    assert result.exit_code == 2
    assert message in result.stderr and "nothing was written" in result.stderr
    assert (tree_bytes(survey_repo), main.read_bytes()) == before


@pytest.mark.latex
@needs_bibtex
def test_renamed_key_still_compiles(survey_repo: Path, tmp_path: Path, run: Cli) -> None:
    write_document(tmp_path, "\\cite{defossez2024moshi} and \\cite{panayotov2015librispeech}.")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    result = run_subprocess("rename", "panayotov2015librispeech", "panayotov2015libri",
                            "--tex", tmp_path / "paper.tex", cwd=survey_repo, env=env)
    assert result.returncode == 0, result.stderr
    assert f"{tmp_path / 'paper.tex'}:" in result.stdout
    (tmp_path / "refs.bib").write_bytes((survey_repo / "references.bib").read_bytes())
    assert compile_document(tmp_path) == []
    assert "\\bibitem{panayotov2015libri}" in (tmp_path / "paper.bbl").read_text()


def rename_moshi(run: Cli, root: Path) -> Result:
    """Rename Moshi's key; the acknowledgements in Mimi's entry about it follow it."""
    mimi = root / "entries" / "mixed_tokenizers" / "020-mimi.yaml"
    before = mimi.read_text(encoding="utf-8")
    result = run("rename", "defossez2024moshi", "defossez2024moshi2", root=root)
    assert result.exit_code == 0, result.stderr
    after = mimi.read_text(encoding="utf-8")
    assert after != before and after.count("about:") == before.count("about:")
    return result


def test_acknowledgements_follow_a_renamed_key(survey_repo: Path, run: Cli) -> None:
    result = rename_moshi(run, survey_repo)
    check = run("check", "--strict", "--format", "json", root=survey_repo)
    codes = [f["code"] for f in json.loads(check.stdout)["findings"]]
    assert codes == ["key-scheme"]
    assert result.stderr == ("speechlm-bib: warning: 'defossez2024moshi2' leaves the key scheme, "
                             "which gives 'defossez2024moshi': check reports it as key-scheme "
                             "until an entry acknowledges it\n")


def test_a_rename_after_check_takes_the_findings_check_kept(
        survey_repo: Path, run: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("check", root=survey_repo).exit_code == 0

    def checked_again(*args: object) -> None:
        raise AssertionError("the repository was checked again")

    monkeypatch.setattr(checks, "repository_checks", checked_again)
    rename_moshi(run, survey_repo)
