"""Round trip as a property: any generated list, imported and rebuilt, gives back its README.

Tables draw their headers from the vocabularies real lists use and their cells from names,
titles with emphasis, HTML, inline code, emoji and shortcodes, empty cells, "-" and "--",
several links a cell (some pinned, tracked or on http) and duplicate rows. The rebuilt README
(markers left out) must differ from the original only on lines the report repaired.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import Cli, changed_lines

NAME_HEADS = ["Model", "Model Name", "Name", "Method", "System", "Dataset", "Benchmark"]
TITLE_HEADS = ["Title", "Paper", "Paper Title"]
LINK_HEADS = ["Link", "Url", "Paper", "Code", "GitHub", "Project", "Demo"]
DATE_HEADS = ["Date", "Year", "Month"]
VENUE_HEADS = ["Venue", "Conference", "Publication"]
OTHER_HEADS = ["Type", "Hours", "Notes", "# Tasks", "Audio Type"]
ARXIV_IDS = ["2410.00037", "2306.12925", "2305.11000", "2412.02612", "2408.16725",
             "2310.05224", "2107.03312"]

words = st.text(st.characters(codec="utf-8", categories=("L", "N"), include_characters=" .-'"),
                min_size=1, max_size=12).map(lambda s: " ".join(s.split())).filter(bool)
emoji = st.sampled_from(["🎉", "🔥", "中文", "Défossez", "Ωmega", "ü", "ÁêÜÊÉ≥ÂêåÂ≠¶"])
shortcode = st.sampled_from([":fire:", ":star:", ":trident:"])
markup = st.sampled_from([
    "a_b", "A & B", "&amp;", r"x \| y", "[x]", "<https://example.org/a>",
    "https://example.org/b", "[![badge](https://img.shields.io/x.svg)](https://github.com/a/b)",
    "**[bold](https://example.org/c)**", "<a href=\"http://example.org\">a</a>", "$A \\to B$"])


@st.composite
def texts(draw: st.DrawFn) -> str:
    """A cell of text with some inline Markdown, HTML or emoji around plain words."""
    parts = draw(st.lists(st.one_of(
        words, emoji, shortcode, words.map(lambda w: f"**{w}**"), words.map(lambda w: f"*{w}*"),
        words.map(lambda w: f"`{w}`"), st.just("<br>"), words.map(lambda w: f"<sub>{w}</sub>"),
        markup,
    ), min_size=1, max_size=4))
    return " ".join(parts)


@st.composite
def urls(draw: st.DrawFn) -> str:
    """A link target: arXiv (maybe pinned, on http), GitHub, or some site (maybe tracked)."""
    kind = draw(st.sampled_from(["arxiv", "github", "site"]))
    scheme = draw(st.sampled_from(["https", "https", "http"]))
    if kind == "arxiv":
        version = draw(st.sampled_from(["", "", "v1", "v3"]))
        return f"{scheme}://arxiv.org/abs/{draw(st.sampled_from(ARXIV_IDS))}{version}"
    path = draw(st.from_regex(r"[a-z][a-z0-9-]{0,8}/[a-z0-9_-]{1,8}", fullmatch=True))
    if kind == "github":
        return f"{scheme}://github.com/{path}"
    query = draw(st.sampled_from(["", "?id=3", "?utm_source=x&id=4", "?casa_token=abc"]))
    return f"{scheme}://example.org/{path}{query}"


@st.composite
def links(draw: st.DrawFn) -> str:
    """One to three links, labelled as lists label them, apart as lists part them."""
    labels = st.sampled_from(["paper", "code", "Link", "arXiv", "demo", "blog"])
    items = draw(st.lists(st.tuples(labels, urls()), min_size=1, max_size=3))
    separator = draw(st.sampled_from([", ", " ", " / "]))
    return separator.join(f"[{label}]({url})" for label, url in items)


def cell(kind: str) -> st.SearchStrategy[str]:
    """A cell of a column of one kind, sometimes empty."""
    empty = st.sampled_from(["", "-", "--"])
    full: dict[str, st.SearchStrategy[str]] = {
        "name": texts(), "title": st.one_of(texts(), links().map(lambda s: s.split(", ")[0])),
        "link": links(), "date": st.sampled_from(["2024-10", "2023", "Oct 2024", "2025-01"]),
        "venue": st.sampled_from(["ICML 2023", "NeurIPS", "arXiv", "Findings of EMNLP"]),
        "other": texts(),
    }
    return st.one_of(empty, full[kind], full[kind])


@st.composite
def tables(draw: st.DrawFn) -> str:
    """A table: a link column and other columns in any order, rows (some repeated)."""
    kinds = draw(st.lists(st.sampled_from(["name", "title", "date", "venue", "other"]),
                          min_size=1, max_size=4, unique=True))
    kinds.insert(draw(st.integers(0, len(kinds))), "link")
    heads = {"name": NAME_HEADS, "title": TITLE_HEADS, "link": LINK_HEADS,
             "date": DATE_HEADS, "venue": VENUE_HEADS, "other": OTHER_HEADS}
    header = [draw(st.sampled_from(heads[kind])) for kind in kinds]
    rows = draw(st.lists(st.lists(st.just(""), min_size=len(kinds), max_size=len(kinds))
                         .flatmap(lambda _: st.tuples(*(cell(kind) for kind in kinds))),
                         min_size=1, max_size=5))
    at = kinds.index("link")
    rows[0] = (*rows[0][:at], draw(links()), *rows[0][at + 1:])  # a table with links
    rows += draw(st.lists(st.sampled_from(rows), max_size=2))
    rows[1:] = [row[:-1] if len(row) > 1 and draw(st.integers(0, 9)) == 0 else row
                for row in rows[1:]]  # a row short of cells
    padding = draw(st.sampled_from(["", " ", "  "]))
    delimiters = [draw(st.sampled_from(["---", ":---", ":---:", "---:", "-"])) for _ in kinds]
    last = draw(st.sampled_from(["|", "|", ""]))  # GitHub needs no closing pipe
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(delimiters) + "|"]
    lines += ["|" + "|".join(f"{padding} {c} {padding}" for c in row) + last for row in rows]
    return "\n".join(lines)


@st.composite
def readmes(draw: st.DrawFn) -> str:
    """A README: a title, prose, and one to three sections with a table each."""
    parts = ["# An awesome list :sparkles:", "", "Prose *about* the list. <br>", ""]
    for index in range(draw(st.integers(1, 3))):
        heading = draw(st.sampled_from(["Models", ":fire: Spoken Models", "2024", "Codecs"]))
        parts += [f"## {heading} {index}", "", draw(tables()), ""]
    parts += ["## Contributing", "", "Open a pull request."]
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    return newline.join(parts) + newline


EMPTY_ROW = ("# A list\n\n## Models\n\n| Link | Model |\n|---|---|\n"
             "| [paper](https://arxiv.org/abs/2410.00037) |  |\n|  |  |\n")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(EMPTY_ROW)
@given(readmes())
def test_import_then_build_changes_only_reported_lines(readme: str) -> None:
    run = Cli()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "README.md").write_text(readme, encoding="utf-8")
        result = run("import", root / "README.md", "--format", "json", root=root)
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        built = run("build", root=root)
        assert built.exit_code == 0, built.output
        rebuilt = (root / "README.md").read_text(encoding="utf-8")
        assert changed_lines(readme, rebuilt) == {r["line"] for r in report["repairs"]}
        again = run("import", root / "README.md", "--format", "json", root=root)
        assert json.loads(again.stdout)["nothing_to_import"] is True
        assert run("build", "--check", root=root).exit_code == 0
