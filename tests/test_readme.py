"""README blocks: tables that parse back as Markdown tables, prose left alone, --check."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from speechlm_bib.errors import InputError
from speechlm_bib.render.mdtext import escape_markdown, link
from speechlm_bib.render.readme import begin_marker, end_marker, find_blocks, replace_blocks
from speechlm_bib.store.repository import load_repository

from conftest import Cli

PROSE_TOP = "# Awesome SpeechLM Survey\n\nHand-written *intro* | with a pipe.\n\n"
PROSE_END = "\n## Contributing\n\nPull requests welcome.\n"
README = (PROSE_TOP + begin_marker("tables") + "\nstale\n" + end_marker("tables") + "\n\n"
          "## Citation\n\n" + begin_marker("citation") + "\n" + end_marker("citation") + "\n"
          + PROSE_END)


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def _tables(text: str) -> list[list[list[str]]]:
    """Every table of a Markdown text as rows of cell texts (the header row first)."""
    tables: list[list[list[str]]] = []
    row: list[str] | None = None
    for token in _parser().parse(text):
        if token.type == "table_open":
            tables.append([])
        elif token.type == "tr_open":
            row = []
            tables[-1].append(row)
        elif token.type == "inline" and row is not None and token.map is not None:
            row.append(_text(token))
        elif token.type == "tr_close":
            row = None
    return tables


def _text(token: Token) -> str:
    children = token.children or []
    return "".join(c.content for c in children if c.type in {"text", "code_inline"})


def _headings(text: str) -> list[str]:
    tokens = _parser().parse(text)
    return [f"{tokens[i].tag} {tokens[i + 1].content}" for i, t in enumerate(tokens)
            if t.type == "heading_open"]


def test_build_writes_tables_and_citation_leaving_prose(survey_repo: Path, run: Cli) -> None:
    readme = survey_repo / "README.md"
    readme.write_text(README)
    assert run("build", root=survey_repo).exit_code == 0
    text = readme.read_text()
    assert text.startswith(PROSE_TOP + begin_marker("tables") + "\n")
    assert text.endswith(end_marker("citation") + "\n" + PROSE_END)
    assert "stale" not in text
    repo = load_repository(survey_repo)
    table_sections = [s for s in repo.sections if s.columns]
    tables = _tables(text)
    assert len(tables) == len(table_sections) == 6
    for section, table in zip(table_sections, tables, strict=True):
        entries = [e for e in repo.entries if e.section == section.id]
        assert table[0] == [c.heading for c in section.columns]
        assert len(table) - 1 == len(entries)
        assert [row[0] for row in table[1:]] == [e.name or "-" for e in entries]
        assert all(len(row) == len(section.columns) for row in table)
    assert _headings(text)[:5] == ["h1 Awesome SpeechLM Survey", "h2 Existing SpeechLMs",
                                   "h2 SpeechLM Tokenizers", "h3 Semantic Tokenizers",
                                   "h3 Acoustic Tokenizers"]
    assert run("build", "--check", root=survey_repo).exit_code == 0


def test_rows_show_titles_links_and_keys(survey_repo: Path, run: Cli) -> None:
    readme = survey_repo / "README.md"
    readme.write_text(README)
    run("build", root=survey_repo)
    text = readme.read_text()
    models = _tables(text)[0]
    moshi = next(row for row in models if row[0] == "Moshi")
    assert moshi[1] == "Moshi: a speech-text foundation model for real-time dialogue"
    assert moshi[3] == "defossez2024moshi"
    assert "| Moshi | Moshi: a speech-text foundation model for real-time dialogue | " \
           "[Link](https://kyutai.org/Moshi.pdf) | `defossez2024moshi` |" in text
    assert "[LibriSpeech](https://www.openslr.org/12) |" in text


def test_citation_block_is_the_survey_record(survey_repo: Path, run: Cli) -> None:
    readme = survey_repo / "README.md"
    readme.write_text(README)
    run("build", root=survey_repo)
    fences = [t for t in _parser().parse(readme.read_text()) if t.type == "fence"]
    assert len(fences) == 1 and fences[0].info == "bibtex"
    cited = run("cite", root=survey_repo).stdout
    assert fences[0].content == cited


def test_check_notices_a_stale_block(survey_repo: Path, run: Cli) -> None:
    readme = survey_repo / "README.md"
    readme.write_text(README)
    run("build", root=survey_repo)
    readme.write_text(readme.read_text().replace("| Moshi |", "| Moshy |"))
    result = run("build", "--check", root=survey_repo)
    assert result.exit_code == 1 and "README.md" in result.stderr


def test_readme_without_markers_is_left_alone(survey_repo: Path, run: Cli) -> None:
    readme = survey_repo / "README.md"
    readme.write_text("# Mine\n\n| a | b |\n| - | - |\n")
    run("build", root=survey_repo)
    assert readme.read_text() == "# Mine\n\n| a | b |\n| - | - |\n"


@pytest.mark.parametrize(("text", "message", "line"), [
    (begin_marker("tables") + "\n", "never closed", 1),
    ("x\n" + end_marker("tables") + "\n", "without 'begin tables'", 2),
    ("<!-- speechlm-bib:begin nonsense -->\n", "unknown generated block", 1),
    (begin_marker("tables") + "\n" + begin_marker("citation") + "\n", "begins inside", 2),
    ((begin_marker("tables") + "\n" + end_marker("tables") + "\n") * 2, "appears twice", 3),
])
def test_bad_markers_are_refused_with_their_line(text: str, message: str, line: int) -> None:
    with pytest.raises(InputError, match=message) as error:
        find_blocks(text, Path("README.md"))
    assert error.value.line == line


def test_bad_markers_fail_the_build_naming_the_line(survey_repo: Path, run: Cli) -> None:
    readme = survey_repo / "README.md"
    readme.write_text("# x\n\n" + begin_marker("tables") + "\n")
    result = run("build", root=survey_repo)
    assert result.exit_code == 2
    assert "README.md:3: block 'tables' is never closed" in result.stderr


def test_replace_keeps_crlf_and_the_markers() -> None:
    text = "a\r\n" + begin_marker("tables") + "\r\nold\r\n" + end_marker("tables") + "\r\nb\r\n"
    replaced = replace_blocks(text, {"tables": "x\ny"}, Path("README.md"))
    assert replaced == ("a\r\n" + begin_marker("tables") + "\r\nx\r\ny\r\n\r\n"
                        + end_marker("tables") + "\r\nb\r\n")


@pytest.mark.parametrize("fence", ["```", "~~~~", "```markdown", "  ````"])
def test_markers_shown_in_a_fence_are_text(fence: str) -> None:
    """A README documenting the markers keeps its example; only the real block is replaced."""
    example = (fence + "\n" + begin_marker("tables") + "\n" + end_marker("citation")
               + "\n" + fence.strip().rstrip("markdown") + "\n")
    text = example + begin_marker("tables") + "\nold\n" + end_marker("tables") + "\n"
    assert [(b.name, b.begin) for b in find_blocks(text, Path("README.md"))] == [("tables", 4)]
    assert replace_blocks(text, {"tables": "new"}, Path("README.md")).startswith(example)


def test_inline_code_is_no_fence() -> None:
    text = "```x``` y\n" + begin_marker("tables") + "\n" + end_marker("tables") + "\n"
    assert [b.begin for b in find_blocks(text, Path("README.md"))] == [1]


cell_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                    min_size=1, max_size=40).filter(lambda s: s.strip() != "")


@given(cell_text, cell_text)
def test_escaped_cells_stay_text(first: str, second: str) -> None:
    table = f"| A | B |\n| --- | --- |\n| {escape_markdown(first)} | {escape_markdown(second)} |\n"
    tokens = _parser().parse(table)
    inline = [t for t in tokens if t.type == "inline"]
    assert len(inline) == 4
    for token, expected in zip(inline[2:], (first, second), strict=True):
        kinds = {child.type for child in token.children or []}
        assert kinds <= {"text", "softbreak"}, kinds
        assert _text(token) == " ".join(expected.split())


@given(cell_text)
def test_links_keep_their_label_and_target(label: str) -> None:
    url = "https://example.org/a_(b)|c?d=1&e=<f>"
    tokens = _parser().parse(f"| A |\n| --- |\n| {link(label, url)} |\n")
    cell = [t for t in tokens if t.type == "inline"][1]
    children = cell.children or []
    assert children[0].type == "link_open"
    assert children[0].attrs["href"] == "https://example.org/a_%28b%29%7Cc?d=1&e=%3Cf%3E"
    assert "".join(c.content for c in children[1:-1]) == " ".join(label.split())


def test_the_survey_list_shows_keys_by_its_key_column_option(survey_repo: Path,
                                                              run: Cli) -> None:
    listing = survey_repo / "entries" / "list.yaml"
    assert listing.read_text().startswith("key_column: true\n")
    assert "source: key" not in listing.read_text()
    readme = survey_repo / "README.md"
    before = readme.read_text()
    listing.write_text(listing.read_text().replace("key_column: true\n", ""))
    run("build", root=survey_repo)
    tables = _tables(readme.read_text())
    assert all(table[0][-1] != "Key" for table in tables[:6])
    assert len(tables[0][0]) == 3 and tables[0][1][:2] == [
        "OpenAI Advanced Voice Mode", "Advanced Voice Mode FAQ"]
    listing.write_text("key_column: true\n" + listing.read_text())
    run("build", root=survey_repo)
    assert readme.read_text() == before
