"""The shell commands the README and docs/adopting.md give, run as written.

Each ``speechlm-bib`` line of their ``sh`` blocks is run with the installed command, in the
setting its block describes: a folder holding an awesome list's README for the adoption path,
a clone of this repository with a paper beside it for the paper writer's path.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
from pathlib import Path

from bibtexparser.entrypoint import parse_file
from markdown_it import MarkdownIt

from arxiv_search_server import ArxivSearchServer
from arxiv_server import ArxivReplayServer
from conftest import REPO, SURVEY_README, run_script

PAPER = REPO / "tests" / "data" / "papers" / "natbib"


def _blocks(document: Path) -> list[list[list[str]]]:
    """The speechlm-bib command lines of each sh block, split as the shell splits them."""
    blocks = []
    for token in MarkdownIt("commonmark").parse(document.read_text(encoding="utf-8")):
        if token.type != "fence" or token.info.strip() != "sh":
            continue
        script = token.content.replace("\\\n", " ")
        lines = [shlex.split(line, comments=True) for line in script.splitlines()]
        commands = [words for words in lines if words[:1] == ["speechlm-bib"]]
        if commands:
            blocks.append(commands)
    return blocks


def _discover_table() -> list[list[str]]:
    """The example commands of the table in the README's part on discovering new papers."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    part = readme.split("### Discovering new papers", 1)[1].split("\n### ", 1)[0]
    rows = re.findall(r"^\| `(discover[^`]*)` \|", part, re.M)
    return [["speechlm-bib", *shlex.split(row)] for row in rows]


def _run(commands: list[list[str]], cwd: Path) -> list[int]:
    """Each command's exit code, run in order by the installed console script."""
    env = dict(os.environ)
    return [run_script(*words[1:], cwd=cwd, env=env).returncode for words in commands]


def test_the_readme_and_the_adoption_guide_give_these_paths() -> None:
    """The blocks this file runs are all the blocks there are (a new one needs a test)."""
    readme = [[words[1] for words in block] for block in _blocks(REPO / "README.md")]
    guide = [[words[1] for words in block] for block in _blocks(REPO / "docs" / "adopting.md")]
    assert readme == [["import", "sync", "build", "check"], ["check", "export", "export"]]
    assert guide == [["import", "sync", "build", "check"]]


def test_the_adoption_path_as_written(tmp_path: Path, arxiv: ArxivReplayServer) -> None:
    for number, document in enumerate([REPO / "README.md", REPO / "docs" / "adopting.md"]):
        root = tmp_path / f"list-{number}"
        root.mkdir()
        shutil.copyfile(SURVEY_README, root / "README.md")
        commands = _blocks(document)[0]
        # The closing check reports what needs a maintainer: rows no database knows.
        assert _run(commands, root) == [0, 0, 0, 1]
        report = run_script("check", "--format", "json", cwd=root, env=dict(os.environ))
        codes = {finding["code"] for finding in json.loads(report.stdout)["findings"]}
        assert {"unlinked-entry", "name-spelling"} <= codes
        assert parse_file(str(root / "references.bib")).failed_blocks == []


def test_the_paper_path_as_written(survey_repo: Path) -> None:
    shutil.copytree(PAPER, survey_repo / "paper")
    commands = _blocks(REPO / "README.md")[1]
    # The paper cites its own work from own.bib and the rest from the list: all defined.
    assert _run(commands, survey_repo) == [0, 0, 0]
    exported = parse_file(str(survey_repo / "paper" / "refs.bib"))
    assert sorted(entry.key for entry in exported.entries) == [
        "chen2021wavlm", "cui2024recent", "defossez2024moshi", "hsu2021hubert",
        "zhang2023speechgpt"]
    moshi = next(entry for entry in exported.entries if entry.key == "defossez2024moshi")
    # The last command wrote biblatex: arXiv's fields as biblatex names them.
    assert (moshi.entry_type, moshi["eprinttype"], moshi["date"]) == ("online", "arxiv", "2024")


def test_the_discover_examples_as_written(survey_repo: Path,
                                          arxiv_search: ArxivSearchServer) -> None:
    commands = _discover_table()
    assert [words[2] if len(words) > 2 else "" for words in commands] == [
        "", "--since", "--limit", "--format", "--reject", "--add"]
    assert _run(commands, survey_repo) == [0, 0, 0, 0, 0, 0]
    record = json.loads((survey_repo / "data" / "discover.json").read_text(encoding="utf-8"))
    assert sorted(record["rejected"]) == ["2506.90021", "2506.90022"]
    added = survey_repo / "entries" / "mixed_tokenizers" / "030-unitok.yaml"
    assert "arxiv: '2506.90002'" in added.read_text(encoding="utf-8")

