"""The check command: formats, exit codes, errors on stderr, a real process, pre-commit hooks."""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path

import yaml

from speechlm_bib.services import run_build

from conftest import REPO, Cli, run_script, run_subprocess

ENTRY = "entries/models/020-claude-voice-mode.yaml"


def break_a_link(root: Path) -> None:
    """Make one entry cite a key that has no record (an error)."""
    path = root / "entries" / "models" / "020-claude-voice-mode.yaml"
    path.write_text(path.read_text().replace("anthropic2025using", "nobody2025using"))
    run_build(root)


def weaken_a_link(root: Path) -> None:
    """Make one entry link over plain http (a warning)."""
    path = root / ENTRY
    path.write_text(path.read_text().replace("url: https://", "url: http://"))
    run_build(root)


def test_the_survey_checks_clean(survey_repo: Path, run: Cli) -> None:
    result = run("check", "--strict", root=survey_repo)
    assert result.exit_code == 0, result.output
    assert result.stdout == "no problems found\n"
    assert result.stderr == ""


def test_text_report_groups_by_file(survey_repo: Path, run: Cli) -> None:
    weaken_a_link(survey_repo)
    result = run("check", root=survey_repo)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == ENTRY
    assert lines[1].startswith("  3: warning insecure-url [anthropic2025using]: ")
    assert lines[-1] == "1 warning"
    assert result.stderr == ""


def test_strict_fails_on_warnings(survey_repo: Path, run: Cli) -> None:
    weaken_a_link(survey_repo)
    assert run("check", "--strict", root=survey_repo).exit_code == 1


def test_errors_exit_1(survey_repo: Path, run: Cli) -> None:
    break_a_link(survey_repo)
    result = run("check", root=survey_repo)
    assert result.exit_code == 1
    assert "error unlinked-entry [nobody2025using]" in result.stdout
    assert result.stdout.splitlines()[-1] == "1 error, 1 warning"


def test_json_report(survey_repo: Path, run: Cli) -> None:
    break_a_link(survey_repo)
    result = run("check", "--format", "json", root=survey_repo)
    document = json.loads(result.stdout)
    assert document["version"] == 1
    assert document["summary"] == {"error": 1, "warning": 1, "info": 0}
    first = document["findings"][0]
    assert set(first) == {"severity", "code", "path", "line", "key", "message", "fingerprint"}
    assert (first["code"], first["path"], first["line"]) == (
        "unlinked-entry", "entries/models/020-claude-voice-mode.yaml", 1)
    assert len(first["fingerprint"]) == 10
    places = [(f["path"], f["line"]) for f in document["findings"]]
    assert places == sorted(places)


def test_github_annotations(survey_repo: Path, run: Cli) -> None:
    paper = survey_repo / "paper.tex"
    paper.write_text("\\nocite{cui2024recent}\n\\cite{nobody2020x}\n")
    result = run("check", "--format", "github", paper, root=survey_repo)
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "::error file=paper.tex,line=2,title=undefined-citation::nobody2020x: \\cite{nobody2020x}")
    assert lines[1:] == ["::notice title=uncited-record::89 of 90 records not cited by paper.tex "
                         "(--unused lists them)"]
    assert result.exit_code == 1
    listed = run("check", "--format", "github", "--unused", paper, root=survey_repo)
    notices = [line for line in listed.stdout.splitlines()
               if line.startswith("::notice file=") and "title=uncited-record::" in line]
    assert len(notices) == 89
    assert all(line.startswith(("::error ", "::warning ", "::notice "))
               for line in listed.stdout.splitlines())


def test_every_unreadable_entry_is_a_finding_with_file_and_line(survey_repo: Path,
                                                               run: Cli) -> None:
    models = survey_repo / "entries" / "models"
    (models / "998-bad.yaml").write_text("name: [unclosed\n")
    (models / "999-bad.yaml").write_text("name: X\nurl: not-a-link\narxiv: '2410.0037'\n")
    result = run("check", "--format", "json", root=survey_repo)
    assert result.exit_code == 1 and result.stderr == ""
    found = [(f["path"], f["line"], f["code"]) for f in json.loads(result.stdout)["findings"]]
    assert found == [("entries/models/998-bad.yaml", 2, "invalid-entry"),
                     ("entries/models/999-bad.yaml", 2, "bad-url")]
    build = run("build", root=survey_repo)
    assert build.exit_code == 2 and build.stdout == ""
    assert build.stderr.startswith("speechlm-bib: error: ")
    assert "998-bad.yaml:2:" in build.stderr and build.stderr.count("\n") == 1


def test_a_paper_including_a_missing_file_exits_2(survey_repo: Path, run: Cli) -> None:
    paper = survey_repo / "paper.tex"
    paper.write_text("text\n\\input{chapter-one}\n")
    result = run("check", paper, root=survey_repo)
    assert result.exit_code == 2
    assert "paper.tex:2: " in result.stderr


def test_verbose_logs_no_notes_of_the_latex_parser(survey_repo: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    paper = survey_repo / "paper.tex"
    paper.write_text("\\citep[\\]]{defossez2024moshi} \\cite{chen2021wavlm \\end{x}}\n")
    result = run_subprocess("-v", "check", paper, cwd=survey_repo, env=env)
    assert result.returncode == 0, result.stderr
    assert "parse error" not in result.stderr


def test_as_a_real_process(survey_repo: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    weaken_a_link(survey_repo)
    result = run_subprocess("check", "--format", "json", cwd=survey_repo / "entries", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["warning"] == 1


def test_pre_commit_hooks_run_the_installed_command(survey_repo: Path) -> None:
    """Each hook's entry, run as pre-commit runs it: passes on the survey, fails when stale."""
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert {hook["id"]: hook["entry"] for hook in hooks} == {
        "speechlm-bib-check": "speechlm-bib check",
        "speechlm-bib-build-check": "speechlm-bib build --check",
    }
    assert all(hook["pass_filenames"] is False and hook["language"] == "python"
               for hook in hooks)
    commands = [shlex.split(hook["entry"]) for hook in hooks]
    assert {command[0] for command in commands} == {"speechlm-bib"}
    assert [run_script(*c[1:], cwd=survey_repo).returncode for c in commands] == [0, 0]
    bib = survey_repo / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("Moshi", "Mosh", 1), encoding="utf-8")
    assert [run_script(*c[1:], cwd=survey_repo).returncode for c in commands] == [1, 1]


def test_pre_commit_hooks_run_on_every_file_the_commands_read() -> None:
    """The hooks' file filter, and the local hooks docs/check.md gives, cover all the inputs."""
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    documented = (REPO / "docs" / "check.md").read_text(encoding="utf-8")
    block = documented.split("```yaml\n# .pre-commit-config.yaml\n", 1)[1].split("```", 1)[0]
    local = yaml.safe_load(block)["repos"][0]["hooks"]
    assert {h["id"]: h["entry"] for h in local} == {h["id"]: h["entry"] for h in hooks}
    read = ["entries/models/010-moshi.yaml", "entries/records.bib", "entries/list.yaml",
            "data/arxiv.json", "data/published.json", "references.bib", "README.md",
            "CITATION.cff"]
    for hook in [*hooks, *local]:
        pattern = re.compile(hook["files"])
        assert [path for path in read if not pattern.search(path)] == []
        assert not pattern.search("src/speechlm_bib/cli/app.py")



def test_a_hand_record_with_an_href_reads_as_its_text_and_link(survey_repo: Path,
                                                                 run: Cli) -> None:
    records = survey_repo / "entries" / "records.bib"
    records.write_text(records.read_text(encoding="utf-8").replace(
        "howpublished = {Anthropic Help Center}",
        "howpublished = {\\href{https://support.anthropic.com}{Anthropic Help Center}}"),
        encoding="utf-8")
    assert run("build", root=survey_repo).exit_code == 0
    assert run("check", "--strict", root=survey_repo).exit_code == 0
    exported = run("export", "--format", "csl-json", root=survey_repo)
    works = {work["id"]: work for work in json.loads(exported.stdout)}
    assert ("Anthropic Help Center <https://support.anthropic.com>"
            in json.dumps(works["anthropic2025using"], ensure_ascii=False))
