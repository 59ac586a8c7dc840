"""Markdown lists: entries that keep their cells' Markdown, the tables and citation they give."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from speechlm_bib.errors import InputError
from speechlm_bib.model import Column, Entry, Row, Section
from speechlm_bib.render.readme import render_table
from speechlm_bib.store.entries import parse_entry, parse_list_config
from speechlm_bib.store.repository import load_repository

from arxiv_server import ArxivReplayServer
from conftest import Cli

SECTION = Section("models", "Models", (
    Column("Date", "date", align="center"), Column("Model", "name"),
    Column("Paper Title", "title"), Column("Link", "link", label="paper"),
    Column("Stars", "Stars", missing="")), markdown=True)
LIST = """\
markdown: true
citation: as-written
survey:
- cui2024recent
- example2025list
sections:
- id: models
  heading: ':fire: Models'
  columns:
  - heading: Date
    source: date
    align: center
  - heading: Model
    source: name
  - heading: Paper Title
    source: title
  - heading: Link
    source: link
    label: paper
"""
RECORDS = """\
@article{cui2024recent,
  title={Recent Advances in Speech Language Models: A Survey},
  author={Cui, Wenqian and King, Irwin},
  journal={arXiv preprint arXiv:2410.03751},
  year={2024}
}

@misc{example2025list,
  title = {An Awesome List},
  author = {Example, Ann},
  year = {2025}
}
"""
README = """\
# A list

Prose before.

## :fire: Models
<!-- speechlm-bib:begin table models -->
stale
<!-- speechlm-bib:end table models -->
Prose after.

## Citation
<!-- speechlm-bib:begin citation -->
<!-- speechlm-bib:end citation -->
"""


def _entry(text: str) -> Entry:
    return parse_entry(text, Path("entries/models/010-x.yaml"), SECTION)


def _repo(root: Path, entries: dict[str, str]) -> Path:
    (root / "entries" / "models").mkdir(parents=True)
    (root / "entries" / "list.yaml").write_text(LIST, encoding="utf-8")
    (root / "entries" / "records.bib").write_text(RECORDS, encoding="utf-8")
    (root / "README.md").write_text(README, encoding="utf-8")
    for name, text in entries.items():
        (root / "entries" / "models" / name).write_text(text, encoding="utf-8")
    return root


MOSHI = """\
date: 2024-09
name: '**Moshi** :fire:'
title: 'Moshi: a speech-text foundation model<br>*tech report*'
url: https://arxiv.org/abs/2410.00037
arxiv: '2410.00037'
links:
- '[code](https://github.com/kyutai-labs/moshi)'
- '[![stars](https://img.shields.io/github/stars/kyutai-labs/moshi)](https://github.com/kyutai-labs/moshi)'
"""


def test_values_are_markdown_and_their_plain_text_is_derived() -> None:
    entry = _entry(MOSHI)
    assert (entry.name, entry.markdown("name")) == ("Moshi", "**Moshi** :fire:")
    assert entry.title == "Moshi: a speech-text foundation model tech report"
    assert entry.date == "2024-09" and entry.value("date") == "2024-09"
    assert len(entry.links) == 2


def test_a_row_renders_from_its_fields_and_its_cells_as_written() -> None:
    entry = _entry(MOSHI)
    table = render_table(SECTION, [Row(entry, "defossez2024moshi", None)])
    assert table.splitlines() == [
        "| Date | Model | Paper Title | Link | Stars |",
        "| :---: | --- | --- | --- | --- |",
        "| 2024-09 | **Moshi** :fire: | Moshi: a speech-text foundation model<br>*tech report* "
        "| [paper](https://arxiv.org/abs/2410.00037), [code](https://github.com/kyutai-labs/moshi)"
        ", [![stars](https://img.shields.io/github/stars/kyutai-labs/moshi)]"
        "(https://github.com/kyutai-labs/moshi) |  |"]
    written = _entry(MOSHI + "cells:\n  link: '[arXiv](https://arxiv.org/abs/2410.00037)'\n"
                     "  title: ''\n")
    row = render_table(SECTION, [Row(written, None, None)]).splitlines()[2]
    assert row == ("| 2024-09 | **Moshi** :fire: |  | [arXiv](https://arxiv.org/abs/2410.00037)"
                   " |  |")


@pytest.mark.parametrize(("text", "message"), [
    ("name: X\nlinks:\n- https://x.org and more\n", "'links' holds Markdown links"),
    ("name: X\nlinks: '[a](https://x.org)'\n", "'links' must be a list of Markdown links"),
    ("name: X\ncells:\n  Title: y\n", "unknown field 'Title'"),
    ("name: X\ncells:\n  title: [a]\n", "cell 'title' must be text"),
    ("name: X\ncolumns:\n  Stars: 3\n  Forks: 2\n", "unknown field 'Forks'"),
])
def test_bad_markdown_fields_name_their_line(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as error:
        _entry(text)
    assert error.value.line is not None and error.value.line > 1


def test_list_options_and_a_survey_list() -> None:
    config = parse_list_config(LIST, Path("entries/list.yaml"))
    assert config.surveys == ("cui2024recent", "example2025list")
    assert config.citation == "as-written" and config.sections[0].markdown
    assert [c.source for c in config.sections[0].columns] == ["date", "name", "title", "link"]
    keyed = parse_list_config("key_column: true\n" + LIST, Path("entries/list.yaml"))
    assert keyed.sections[0].columns[-1] == Column("Key", "key")
    single = parse_list_config(LIST.replace("survey:\n- cui2024recent\n- example2025list\n",
                                            "survey: cui2024recent\n"), Path("list.yaml"))
    assert single.surveys == ("cui2024recent",)


def test_build_fills_table_blocks_exactly_and_shows_the_records_as_written(
        tmp_path: Path, run: Cli) -> None:
    root = _repo(tmp_path, {"010-moshi.yaml": MOSHI})
    assert run("build", root=root).exit_code == 0
    text = (root / "README.md").read_text(encoding="utf-8")
    assert "## :fire: Models\n<!-- speechlm-bib:begin table models -->\n| Date |" in text
    assert "(https://github.com/kyutai-labs/moshi) |\n<!-- speechlm-bib:end table models -->\n" \
        "Prose after." in text
    block = text.split("<!-- speechlm-bib:begin citation -->\n")[1]
    assert block == "```bibtex\n" + RECORDS.rstrip("\n") + "\n```\n" + \
        "<!-- speechlm-bib:end citation -->\n"
    fences = [t for t in MarkdownIt("commonmark").parse(text) if t.type == "fence"]
    assert fences[0].info == "bibtex"
    assert run("build", "--check", root=root).exit_code == 0


def test_cite_prints_every_survey_record(tmp_path: Path, run: Cli) -> None:
    root = _repo(tmp_path, {"010-moshi.yaml": MOSHI})
    text = run("cite", "--format", "text", root=root).stdout
    assert text.count("\n\n") == 1
    assert text.startswith("Wenqian Cui and Irwin King. 2024.")
    assert "Ann Example. 2025. An Awesome List." in text


def test_add_gives_a_markdown_row_its_title(tmp_path: Path, run: Cli,
                                            arxiv: ArxivReplayServer) -> None:
    root = _repo(tmp_path, {"010-moshi.yaml": MOSHI})
    result = run("add", "2408.16725", "--section", "models", "--name", "Mini-Omni", root=root)
    assert result.exit_code == 0, result.output
    added = next(e for e in load_repository(root).entries if e.name == "Mini-Omni")
    assert added.markdown("title") == (
        "Mini-Omni: Language Models Can Hear, Talk While Thinking in Streaming")
    row = next(line for line in (root / "README.md").read_text(encoding="utf-8").splitlines()
               if "Mini-Omni" in line)
    assert row == ("| - | Mini-Omni | Mini-Omni: Language Models Can Hear, Talk While Thinking "
                   "in Streaming | [paper](https://arxiv.org/abs/2408.16725) |")


def test_latex_table_of_a_markdown_list_shows_plain_text(tmp_path: Path, run: Cli) -> None:
    root = _repo(tmp_path, {"010-moshi.yaml": MOSHI})
    table = run("latex-table", "models", root=root).stdout
    row = next(line for line in table.splitlines() if line.startswith("2024"))
    assert row == ("2024-09 & Moshi & Moshi: a speech-text foundation model tech report & "
                   "-- \\\\")


def test_a_cell_kept_as_written_must_still_link_the_url(tmp_path: Path, run: Cli) -> None:
    kept = MOSHI + "cells:\n  link: '[arXiv](https://arxiv.org/abs/2410.00037)'\n"
    root = _repo(tmp_path, {"010-moshi.yaml": kept.replace(
        "url: https://arxiv.org/abs/2410.00037", "url: https://arxiv.org/abs/2410.00038")})
    findings = run("check", "--format", "json", root=root).stdout
    stale = [f for f in json.loads(findings)["findings"] if f["code"] == "stale-cell"]
    assert [(f["path"], f["line"]) for f in stale] == [("entries/models/010-moshi.yaml", 10)]
    fresh = _repo(tmp_path / "fresh", {"010-moshi.yaml": kept})
    assert "stale-cell" not in run("check", "--format", "json", root=fresh).stdout


def test_a_tables_block_shows_a_markdown_lists_headings_as_written(tmp_path: Path,
                                                                   run: Cli) -> None:
    root = _repo(tmp_path, {"010-moshi.yaml": MOSHI})
    (root / "README.md").write_text("<!-- speechlm-bib:begin tables -->\n"
                                    "<!-- speechlm-bib:end tables -->\n", encoding="utf-8")
    assert run("build", root=root).exit_code == 0
    text = (root / "README.md").read_text(encoding="utf-8")
    assert "\n## :fire: Models\n\n| Date | Model | Paper Title | Link |\n" in text
