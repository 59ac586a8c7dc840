"""check and build --check answer as they did while the files they read are unchanged.

Every file read or looked for counts, a paper's too; a paper's check against an unchanged
repository takes the repository's findings kept for the very files it reads."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable
from pathlib import Path

import pytest

from speechlm_bib import memo
from speechlm_bib.errors import InputError
from speechlm_bib.memo import log_state, recorded_reads, unchanged
from speechlm_bib.services import papers
from speechlm_bib.store import answers
from speechlm_bib.store.answers import Answer, answer_key, remembered
from speechlm_bib.store.cache import CACHE_DIR, open_cache
from speechlm_bib.store.files import read_text
from speechlm_bib.store.paperbib import load_bib_file
from speechlm_bib.store.yamlfile import read_source

from conftest import Cli

PAPER = "\\documentclass{article}\\begin{document}\\cite{defossez2024moshi}\\end{document}\n"


def forge(root: Path, text: str) -> None:
    """Replace every kept answer by one saying text: a command that prints it used the cache."""
    cache = open_cache(root)
    section = cache.section(answers.SECTION, complete=False)
    assert section.items, "no answer was kept"
    for key, value in list(section.items.items()):
        section.put(key, [text, "", 0, value[3]])  # the files it was made from, as found
    cache.save()


def test_an_unchanged_repository_gets_the_kept_answer(run: Cli, survey_repo: Path) -> None:
    first = run("check", root=survey_repo)
    assert (first.exit_code, first.output) == (0, "no problems found\n")
    forge(survey_repo, "kept\n")
    assert run("check", root=survey_repo).output == "kept\n"
    assert run("check", "--strict", root=survey_repo).output == "no problems found\n"


@pytest.mark.parametrize("change", ["edit-entry", "new-entry", "remove-file", "generated",
                                    "stray-folder"])
def test_any_change_to_the_files_is_answered_afresh(run: Cli, survey_repo: Path,
                                                    change: str) -> None:
    assert run("build", "--check", root=survey_repo).output == "up to date\n"
    forge(survey_repo, "kept\n")
    entry = next((survey_repo / "entries").rglob("*moshi*.yaml"))
    if change == "edit-entry":
        entry.write_text(entry.read_text(encoding="utf-8").replace("name: Moshi", "name: M"),
                         encoding="utf-8")
    elif change == "new-entry":
        (entry.parent / "zz-copy.yaml").write_bytes(entry.read_bytes())
    elif change == "stray-folder":
        (survey_repo / "entries" / "drafts").mkdir()
    elif change == "remove-file":
        (survey_repo / "entries" / "terms.txt").unlink()
    else:
        bib = survey_repo / "references.bib"
        bib.write_text(bib.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = run("build", "--check", root=survey_repo)
    assert result.output != "kept\n"
    if change in {"edit-entry", "new-entry", "generated"}:
        assert result.exit_code == 1
        assert "out of date: " in result.stderr


def test_an_answer_made_from_kept_findings_follows_the_generated_files(
        run: Cli, survey_repo: Path) -> None:
    assert run("check", root=survey_repo).output == "no problems found\n"
    (survey_repo / CACHE_DIR / f"{answers.SECTION}.cache").unlink()
    assert run("check", root=survey_repo).output == "no problems found\n"  # findings kept
    forge(survey_repo, "kept\n")
    bib = survey_repo / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert "stale-generated" in run("check", root=survey_repo).output


def test_a_file_the_answer_was_not_made_from_leaves_it_kept(run: Cli,
                                                            survey_repo: Path) -> None:
    assert run("build", "--check", root=survey_repo).output == "up to date\n"
    forge(survey_repo, "kept\n")
    (survey_repo / "data" / "notes.txt").write_text("x\n", encoding="utf-8")
    (survey_repo / "paper.tex").write_text(PAPER, encoding="utf-8")
    assert run("build", "--check", root=survey_repo).output == "kept\n"


def test_out_of_date_is_told_on_stderr_when_kept_too(run: Cli, survey_repo: Path) -> None:
    (survey_repo / "references.bib").unlink()
    for _ in range(2):
        result = run("build", "--check", root=survey_repo)
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == ("out of date: references.bib (run `speechlm-bib build`)\n")


def test_nothing_is_kept_without_the_cache_or_with_v(
        run: Cli, survey_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run("check", root=survey_repo)
    forge(survey_repo, "kept\n")
    assert run("-v", "check", root=survey_repo).output.endswith("no problems found\n")
    monkeypatch.setenv("SPEECHLM_BIB_CACHE", "off")
    assert run("check", root=survey_repo).output == "no problems found\n"


WRITING = {
    "paper.tex": ("\\documentclass{article}\\begin{document}\\cite{defossez2024moshi}"
                  "\\input{part.tex}\\bibliography{references,own}\\end{document}\n"),
    "part.tex": "\\cite{cui2024recent}\n",
    "paper.aux": "\\relax\n\\citation{defossez2024moshi}\n\\citation{mine}\n",
}
BCF = ('<bcf:bibdata section="0">\n<bcf:datasource type="file" datatype="bibtex" '
       'glob="false">own.bib</bcf:datasource>\n</bcf:bibdata>\n')


@pytest.mark.parametrize("change", ["paper", "included", "found-first", "declared-appears",
                                    "declared-edited", "folder-gains-a-file", "bcf-appears"])
def test_a_papers_answer_is_kept_while_every_file_it_looked_at_is_as_it_was(
        run: Cli, survey_repo: Path, change: str, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = survey_repo / "paper"
    folder.mkdir()
    for name, text in WRITING.items():
        (folder / name).write_text(text, encoding="utf-8")
    given = {"folder-gains-a-file": folder, "bcf-appears": folder / "paper.aux"}.get(
        change, folder / "paper.tex")
    (folder / "own.bib").write_text("@misc{mine, title={Mine}}\n", encoding="utf-8")
    if change == "declared-appears":
        (folder / "own.bib").unlink()
    first = run("check", given, root=survey_repo)
    assert first.exit_code in {0, 1}, first.output  # 1: the .aux cites a key of own.bib
    forge(survey_repo, "kept\n")
    assert run("check", given, root=survey_repo).output == "kept\n"
    edits = {"paper": ("paper.tex", WRITING["paper.tex"] + "% edited\n"),
             "included": ("part.tex", "\\cite{defossez2024moshi}\n"),
             "found-first": ("part.tex.tex", "\\cite{cui2024recent}\n"),
             "declared-appears": ("own.bib", "@misc{mine, title={Mine}}\n"),
             "declared-edited": ("own.bib", "@misc{mine, title={Yours}}\n"),
             "folder-gains-a-file": ("notes.tex", "\\cite{nokey}\n"),
             "bcf-appears": ("paper.bcf", BCF)}
    name, text = edits[change]
    (folder / name).write_text(text, encoding="utf-8")
    again = run("check", given, root=survey_repo)
    assert again.output != "kept\n"
    monkeypatch.setenv("SPEECHLM_BIB_CACHE", "off")
    assert again.output == run("check", given, root=survey_repo).output


def test_a_file_changed_after_it_was_read_makes_the_answer_again(survey_repo: Path) -> None:
    terms = survey_repo / "entries" / "terms.txt"

    def reading(text: str, edit: bool = False) -> Callable[[], Answer]:
        def make() -> Answer:
            read_source(terms)
            if edit:
                terms.write_text(terms.read_text(encoding="utf-8") + "Extra\n", encoding="utf-8")
            return Answer(text, "", 0)
        return make

    assert remembered(survey_repo, ("check",), reading("made\n", edit=True)).stdout == "made\n"
    assert (survey_repo / CACHE_DIR / f"{answers.SECTION}.cache").exists()
    # terms.txt is not as the answer read it: made again, and kept as this one read it.
    assert remembered(survey_repo, ("check",), reading("again\n")).stdout == "again\n"
    assert remembered(survey_repo, ("check",), reading("third\n")).stdout == "again\n"


def test_a_new_year_is_a_new_key(survey_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    now, year = answer_key(survey_repo, ("check",)), datetime.date.today().year

    class NextYear(datetime.date):
        @classmethod
        def today(cls) -> NextYear:
            return cls(year + 1, 1, 1)

    monkeypatch.setattr(datetime, "date", NextYear)
    assert answer_key(survey_repo, ("check",)) != now


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
    # Without the answer kept for the very same files, which would be given first.
    (survey_repo / CACHE_DIR / f"{answers.SECTION}.cache").unlink()
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
    third = tmp_path / "c.yaml"
    third.write_text("c: 3\n", encoding="utf-8")
    with recorded_reads() as outer:
        with recorded_reads() as inner:
            read_source(first)
        read_source(third)
    assert [name for name, _, _ in inner.states()] == [str(first)]
    assert [name for name, _, _ in outer.states()] == [str(first), str(third)]


def test_every_reader_logs_what_it_read_or_did_not_find(tmp_path: Path) -> None:
    text, missing, folder = tmp_path / "README.md", tmp_path / "none.bib", tmp_path / "sub"
    text.write_text("# x\r\n", encoding="utf-8")
    folder.mkdir()
    with recorded_reads() as reads:
        assert read_text(text) == "# x\n"  # as Path.read_text reads it
        assert read_text(missing) is None
        assert load_bib_file(missing).found is False
        log_state(folder)
    assert [(name, found is not None, problem) for name, found, problem in reads.states()] == [
        (str(text), True, ""), (str(missing), False, "missing"), (str(missing), False, "missing"),
        (str(folder), True, "folder")]
    assert unchanged(reads.states())
    (folder / "new.tex").write_text("", encoding="utf-8")
    assert not unchanged(reads.states())


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


def test_after_an_edit_the_edited_file_is_looked_at_first(
        run: Cli, survey_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("build", "--check", root=survey_repo).exit_code == 0
    entry = sorted((survey_repo / "entries").rglob("*.yaml"))[0]
    entry.write_text(entry.read_text(encoding="utf-8") + "venue: Edited\n", encoding="utf-8")
    looked_at: list[str] = []
    path_state = memo.path_state

    def looked(path: str | Path) -> tuple[str | None, str]:
        looked_at.append(str(path))
        return path_state(path)

    monkeypatch.setattr(memo, "path_state", looked)
    answer = remembered(survey_repo, ("build", "--check"), lambda: Answer("made\n", "", 0))
    assert answer.stdout == "made\n"
    assert looked_at == [str(entry)]  # the answer kept was given up at once
