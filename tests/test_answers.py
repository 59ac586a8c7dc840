"""check and build --check answer an unchanged repository as they did, and redo any change.

A paper's check takes the repository's findings kept for the very files it reads."""

from __future__ import annotations

import contextlib
import datetime
from pathlib import Path

import pytest

from speechlm_bib.errors import InputError
from speechlm_bib.services import papers
from speechlm_bib.store import answers
from speechlm_bib.store.answers import Answer, remembered, snapshot
from speechlm_bib.store.cache import CACHE_DIR, open_cache
from speechlm_bib.store.yamlfile import read_source, recorded_reads

from conftest import Cli

PAPER = "\\documentclass{article}\\begin{document}\\cite{defossez2024moshi}\\end{document}\n"


def forge(root: Path, text: str) -> None:
    """Replace every kept answer by one saying text: a command that prints it used the cache."""
    cache = open_cache(root)
    section = cache.section(answers.SECTION, complete=False)
    assert section.items, "no answer was kept"
    for key in list(section.items):
        section.put(key, [text, "", 0])
    cache.save()


def test_an_unchanged_repository_gets_the_kept_answer(run: Cli, survey_repo: Path) -> None:
    first = run("check", root=survey_repo)
    assert (first.exit_code, first.output) == (0, "no problems found\n")
    forge(survey_repo, "kept\n")
    assert run("check", root=survey_repo).output == "kept\n"
    assert run("check", "--strict", root=survey_repo).output == "no problems found\n"


@pytest.mark.parametrize("change", ["edit-entry", "new-file", "remove-file", "generated"])
def test_any_change_to_the_files_is_answered_afresh(run: Cli, survey_repo: Path,
                                                    change: str) -> None:
    assert run("build", "--check", root=survey_repo).output == "up to date\n"
    forge(survey_repo, "kept\n")
    entry = next((survey_repo / "entries").rglob("*moshi*.yaml"))
    if change == "edit-entry":
        entry.write_text(entry.read_text(encoding="utf-8").replace("name: Moshi", "name: M"),
                         encoding="utf-8")
    elif change == "new-file":
        (survey_repo / "data" / "notes.txt").write_text("x\n", encoding="utf-8")
    elif change == "remove-file":
        (survey_repo / "entries" / "terms.txt").unlink()
    else:
        bib = survey_repo / "references.bib"
        bib.write_text(bib.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = run("build", "--check", root=survey_repo)
    assert result.output != "kept\n"
    if change in {"edit-entry", "generated"}:
        assert result.exit_code == 1
        assert "out of date: " in result.stderr


def test_out_of_date_is_told_on_stderr_when_kept_too(run: Cli, survey_repo: Path) -> None:
    (survey_repo / "references.bib").unlink()
    for _ in range(2):
        result = run("build", "--check", root=survey_repo)
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == ("out of date: references.bib (run `speechlm-bib build`)\n")


def test_nothing_is_kept_for_papers_without_the_cache_or_with_v(
        run: Cli, survey_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paper = survey_repo / "paper.tex"
    paper.write_text(PAPER, encoding="utf-8")
    run("check", paper, root=survey_repo)
    assert not open_cache(survey_repo).section(answers.SECTION).items
    run("check", root=survey_repo)
    forge(survey_repo, "kept\n")
    assert run("-v", "check", root=survey_repo).output.endswith("no problems found\n")
    monkeypatch.setenv("SPEECHLM_BIB_CACHE", "off")
    assert run("check", root=survey_repo).output == "no problems found\n"


def test_an_answer_made_while_the_files_changed_is_not_kept(survey_repo: Path) -> None:
    terms = survey_repo / "entries" / "terms.txt"

    def make() -> Answer:
        terms.write_text(terms.read_text(encoding="utf-8") + "Extra\n", encoding="utf-8")
        return Answer("made\n", "", 0)

    assert remembered(survey_repo, ("check",), make) == Answer("made\n", "", 0)
    assert not (survey_repo / CACHE_DIR / f"{answers.SECTION}.cache").exists()
    assert remembered(survey_repo, ("check",), lambda: Answer("again\n", "", 0)).stdout == (
        "again\n")
    assert remembered(survey_repo, ("check",), make).stdout == "again\n"


def test_a_new_year_is_a_new_snapshot(survey_repo: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    now, year = snapshot(survey_repo), datetime.date.today().year

    class NextYear(datetime.date):
        @classmethod
        def today(cls) -> NextYear:
            return cls(year + 1, 1, 1)

    monkeypatch.setattr(datetime, "date", NextYear)
    assert snapshot(survey_repo) not in {None, now}


def forge_findings(root: Path, message: str) -> None:
    """Add a finding to every set of findings kept: a check that reports it used the cache."""
    cache = open_cache(root)
    section = cache.section(papers.FINDINGS, complete=False)
    assert section.items, "no findings were kept"
    extra = ("warning", "key-scheme", "entries/list.yaml", 1, None, message, "")
    for key, found in list(section.items.items()):
        section.put(key, [*found, extra])
    cache.save()


def test_a_papers_check_takes_the_repositorys_findings_kept_for_its_files(
        run: Cli, survey_repo: Path) -> None:
    paper = survey_repo / "paper.tex"
    paper.write_text(PAPER, encoding="utf-8")
    assert run("check", paper, root=survey_repo).exit_code == 0
    forge_findings(survey_repo, "kept finding")
    assert "kept finding" in run("check", paper, root=survey_repo).output
    paper.write_text(PAPER.replace("defossez2024moshi", "defossez2024mosh"), encoding="utf-8")
    result = run("check", paper, root=survey_repo)
    assert "kept finding" in result.output  # the paper changed, the repository did not
    assert "undefined-citation [defossez2024mosh]" in result.output
    entry = next((survey_repo / "entries").rglob("*moshi*.yaml"))
    entry.write_text(entry.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert "kept finding" not in run("check", paper, root=survey_repo).output


@pytest.mark.parametrize("change", ["generated", "year"])
def test_kept_findings_follow_the_generated_files_and_the_year(
        run: Cli, survey_repo: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    paper = survey_repo / "paper.tex"
    paper.write_text(PAPER, encoding="utf-8")
    run("check", paper, root=survey_repo)
    forge_findings(survey_repo, "kept finding")
    if change == "generated":
        bib = survey_repo / "references.bib"
        bib.write_text(bib.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    else:
        year = datetime.date.today().year

        class NextYear(datetime.date):
            @classmethod
            def today(cls) -> NextYear:
                return cls(year + 1, 1, 1)

        monkeypatch.setattr(datetime, "date", NextYear)
    result = run("check", paper, root=survey_repo)
    assert "kept finding" not in result.output
    assert ("stale-generated" in result.output) == (change == "generated")


def test_the_digest_of_the_files_read_changes_with_any_of_them(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text("a: 1\n", encoding="utf-8")
    second.write_text("b: 2\n", encoding="utf-8")

    def read_both() -> str:
        with recorded_reads() as reads:
            for path in (first, second):
                with contextlib.suppress(InputError):
                    read_source(path)
        return reads.hexdigest()

    digests = [read_both(), read_both()]
    second.write_text("b: 3\n", encoding="utf-8")
    digests.append(read_both())
    second.unlink()
    digests.append(read_both())
    second.mkdir()
    digests.append(read_both())
    assert digests[0] == digests[1]
    assert len(set(digests[1:])) == 4
    read_source(first)  # outside the block, nothing is recorded (and nothing fails)


@pytest.mark.parametrize("papers", [(), ("paper.tex",)])
def test_a_generated_file_that_cannot_be_read_is_one_error_line(
        run: Cli, survey_repo: Path, papers: tuple[str, ...]) -> None:
    (survey_repo / "paper.tex").write_text(PAPER, encoding="utf-8")
    readme = survey_repo / "README.md"
    readme.unlink()
    readme.mkdir()
    result = run("check", *(survey_repo / p for p in papers), root=survey_repo)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"speechlm-bib: error: {readme}: is a directory, expected a file\n"
