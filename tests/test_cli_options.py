"""The command line as people type it: help, global options anywhere, outputs and paths."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from speechlm_bib.cli import cli, formats
from speechlm_bib.render import adoption, citation, exports, report

from conftest import Cli, run_subprocess, tree_bytes

COMMANDS = ("import", "add", "sync", "build", "check", "cite", "export", "latex-table", "rename",
            "discover", "site")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_short_help_and_an_example(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "-h"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: cli {command} ")
    examples = re.findall(r"  Example:\n    (speechlm-bib .+)\n", result.output)
    assert len(examples) == 1 and examples[0].split()[1] == command


def test_the_command_list_shows_whole_first_sentences() -> None:
    listing = CliRunner().invoke(cli, ["-h"]).output.split("Commands:\n", 1)[1]
    lines = [line.split(None, 1) for line in listing.splitlines() if line.strip()]
    assert [name for name, _ in lines] == sorted(COMMANDS)
    assert all(text.endswith(".") and not text.endswith("...") for _, text in lines)


def test_metavars_are_the_same_everywhere() -> None:
    helps = {command: CliRunner().invoke(cli, [command, "--help"]).output
             for command in COMMANDS}
    assert "--section SECTION" in helps["add"] and "--section SECTION" in helps["export"]
    assert "[PAPER]..." in helps["check"]
    assert all("--root DIR" in text for text in helps.values())


def test_global_options_work_after_the_command(survey_repo: Path, tmp_path: Path) -> None:
    before = CliRunner().invoke(cli, ["--root", str(survey_repo), "build", "--check"])
    after = CliRunner().invoke(cli, ["build", "--check", "--root", str(survey_repo)])
    assert before.exit_code == after.exit_code == 0
    assert before.output == after.output == "up to date\n"
    verbose = run_subprocess("check", "-v", "--root", survey_repo, cwd=tmp_path)
    assert verbose.returncode == 0 and verbose.stdout == "no problems found\n"


def test_root_pointing_at_entries_or_nowhere_is_refused_up_front(survey_repo: Path,
                                                                 run: Cli) -> None:
    entries = run("check", root=survey_repo / "entries")
    assert entries.exit_code == 2
    assert entries.stderr == (f"speechlm-bib: error: {survey_repo / 'entries'}: --root: no "
                              f"entries/ folder here; give the repository holding it: "
                              f"--root {survey_repo}\n")
    missing = run("check", root=survey_repo / "nowhere")
    assert missing.exit_code == 2
    assert missing.stderr == f"speechlm-bib: error: {survey_repo / 'nowhere'}: --root: no such " \
                             "directory\n"


def test_dash_writes_to_stdout(survey_repo: Path, run: Cli) -> None:
    result = run("export", "--key", "cui2024recent", "-o", "-", root=survey_repo)
    assert result.exit_code == 0 and "@inproceedings{cui2024recent," in result.stdout
    assert not (survey_repo / "-").exists() and not Path("-").exists()


def test_an_output_in_a_missing_folder_is_refused(survey_repo: Path, tmp_path: Path,
                                                  run: Cli) -> None:
    target = tmp_path / "nowhere" / "x.bib"
    result = run("export", "-o", target, root=survey_repo)
    assert result.exit_code == 2 and not target.parent.exists()
    assert result.stderr == (f"speechlm-bib: error: {target}: no folder {target.parent}: "
                             "create it first, or write elsewhere\n")


@pytest.mark.parametrize("name", ["references.bib", "CITATION.cff", "README.md",
                                  "entries/records.bib", "data/arxiv.json"])
def test_the_repository_own_files_are_never_overwritten(survey_repo: Path, run: Cli,
                                                        name: str) -> None:
    before = tree_bytes(survey_repo)
    result = run("export", "--key", "cui2024recent", "-o", survey_repo / name,
                 root=survey_repo)
    assert result.exit_code == 2
    assert "is one of the repository's own files" in result.stderr
    assert tree_bytes(survey_repo) == before


def test_a_file_that_is_no_paper_is_refused(survey_repo: Path, run: Cli) -> None:
    notes = survey_repo / "notes.md"
    notes.write_text("\\cite{cui2024recent}\n")
    commands: list[list[str | Path]] = [["check", notes], ["export", "--tex", notes]]
    for command in commands:
        result = run(*command, root=survey_repo)
        assert result.exit_code == 2, command
        assert result.stderr == (f"speechlm-bib: error: {notes}: a .md file is no LaTeX paper: "
                                 "give a .tex file, an .aux file or a folder of .tex files\n")


def test_counts_use_the_right_number(survey_repo: Path, tmp_path: Path, run: Cli) -> None:
    one = run("export", "--key", "cui2024recent", "-o", tmp_path / "one.bib", root=survey_repo)
    two = run("export", "--key", "cui2024recent,defossez2024moshi", "-o", tmp_path / "two.bib",
              root=survey_repo)
    assert one.stderr == f"wrote 1 record to {tmp_path / 'one.bib'}\n"
    assert two.stderr == f"wrote 2 records to {tmp_path / 'two.bib'}\n"


def test_cite_and_export_offer_each_others_formats(survey_repo: Path, run: Cli) -> None:
    cite = run("cite", "--format", "csl-json", root=survey_repo)
    export = run("export", "--key", "cui2024recent", "--format", "csl-json", root=survey_repo)
    assert cite.exit_code == export.exit_code == 0 and cite.stdout == export.stdout
    text = run("export", "--key", "cui2024recent", "--format", "text", root=survey_repo)
    plain = run("cite", "--format", "text", root=survey_repo)
    assert text.stdout == f"cui2024recent: {plain.stdout}"


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("umask_022")
def test_written_files_keep_their_mode_and_new_ones_follow_the_umask(
        survey_repo: Path, tmp_path: Path, run: Cli) -> None:
    readme, bib = survey_repo / "README.md", survey_repo / "references.bib"
    readme.chmod(0o640)
    bib.write_text(bib.read_text().replace("Moshi", "Mosh", 1))
    readme.write_text(readme.read_text().replace("Moshi", "Mosh", 1))
    assert run("build", root=survey_repo).exit_code == 0
    assert (_mode(readme), _mode(bib)) == (0o640, 0o644)
    run("export", "-o", tmp_path / "all.bib", root=survey_repo)
    run("latex-table", "datasets", "-o", tmp_path / "datasets.tex", root=survey_repo)
    assert _mode(tmp_path / "all.bib") == _mode(tmp_path / "datasets.tex") == 0o644


def test_format_choices_name_the_renderers_formats() -> None:
    assert formats.IMPORT_FORMATS == adoption.IMPORT_FORMATS
    assert formats.CITE_FORMATS == citation.CITE_FORMATS
    assert formats.EXPORT_FORMATS == exports.FORMATS
    assert formats.REPORT_FORMATS == report.FORMATS
