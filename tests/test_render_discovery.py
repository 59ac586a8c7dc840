"""The discovery reports, from values built inline; Markdown is read back with markdown-it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from markdown_it import MarkdownIt

from speechlm_bib.discover import Candidate, Discovery, ListedWork
from speechlm_bib.model import Section
from speechlm_bib.render.discovery import DiscoveryReport, highlight, render_report
from speechlm_bib.sources.arxiv_search import Paper

SINCE = datetime(2025, 6, 1, tzinfo=UTC)
HOSTILE = "Codec | *Tokens* <script>alert(1)</script> [x](javascript:y) & `z` $m$ ~~s~~"
PAPER = Paper("2506.90002", 2, HOSTILE, "An abstract about a codec_tokenizer & <b>tags</b>.",
              ("Ann Lee", "Bo Li", "Cy Wu", "Di Xu"), datetime(2025, 6, 5, 14, 40, tzinfo=UTC),
              datetime(2025, 6, 6, tzinfo=UTC), ("cs.SD", "eess.AS"), "cs.SD", None, None, (0,))
CANDIDATE = Candidate(PAPER, 0.1234, ListedWork("ji2024wavtokenizer", "WavTokenizer | *x*"),
                      0.3, Section("acoustic_tokenizers", "Acoustic Tokenizers", ()),
                      ("codec",))
REPORT = DiscoveryReport(Discovery((CANDIDATE,), (("listed", ("2506.00975",)),)), SINCE, 3,
                         ("ti:codec",), ("codec", "tokens"))


def inline_texts(markdown: str) -> list[str]:
    """The text each inline of the rendered Markdown shows."""
    texts = []
    for token in MarkdownIt("commonmark").parse(markdown):
        if token.type == "inline":
            texts.append("".join(c.content for c in token.children or []
                                 if c.type in {"text", "code_inline", "html_inline"}))
    return texts


def test_titles_and_abstracts_render_as_their_text() -> None:
    markdown = render_report(REPORT, "markdown")
    tokens = MarkdownIt("commonmark").parse(markdown)
    kinds = {c.type for t in tokens if t.type == "inline" for c in t.children or []}
    assert "html_inline" not in kinds  # no tag of a title or abstract is HTML
    texts = inline_texts(markdown)
    assert f"1. {HOSTILE}" in texts
    assert any(t.startswith("An abstract about a codec_tokenizer & <b>tags</b>.") for t in texts)
    links = [c.attrs["href"] for t in tokens if t.type == "inline" for c in t.children or []
             if c.type == "link_open"]
    assert links == ["https://arxiv.org/abs/2506.90002"]
    assert "Ann Lee, Bo Li, Cy Wu et al." in markdown


def test_query_terms_are_bold_where_they_occur() -> None:
    html = MarkdownIt("commonmark").render(highlight("Tokens: a codec, two Codecs, no codecx",
                                                     ["codec", "tokens"]))
    assert html == ("<p><strong>Tokens</strong>: a <strong>codec</strong>, two "
                    "<strong>Codecs</strong>, no codecx</p>\n")


def test_text_report() -> None:
    text = render_report(REPORT, "text")
    assert text.splitlines() == [
        "1 candidate submitted since 2025-06-01 00:00 UTC (3 requests to arXiv)",
        "kept out: 1 on the list",
        "",
        f"  1. 0.123  2506.90002v2  {HOSTILE}",
        "           section: acoustic_tokenizers (Acoustic Tokenizers)",
        "           closest: ji2024wavtokenizer (0.300) WavTokenizer | *x*",
        "           https://arxiv.org/abs/2506.90002",
    ]


def test_nothing_found() -> None:
    empty = DiscoveryReport(Discovery(()), SINCE, 1, ("ti:codec",), capped=(0,))
    assert render_report(empty, "text") == (
        "no new candidates submitted since 2025-06-01 00:00 UTC (1 request to arXiv)\n"
        "warning: query 1 found more papers than one discovery reads; the oldest were not "
        "read: ti:codec\n")
    assert "### " not in render_report(empty, "markdown")
    assert json.loads(render_report(empty, "json")) == {
        "since": "2025-06-01T00:00:00Z", "requests": 1, "candidates": [], "hidden": {},
        "capped_queries": ["ti:codec"]}


def test_json_report() -> None:
    (candidate,) = json.loads(render_report(REPORT, "json"))["candidates"]
    assert candidate == {
        "id": "2506.90002", "version": 2, "url": "https://arxiv.org/abs/2506.90002",
        "title": HOSTILE, "authors": ["Ann Lee", "Bo Li", "Cy Wu", "Di Xu"],
        "published": "2025-06-05T14:40:00Z", "categories": ["cs.SD", "eess.AS"], "doi": None,
        "score": 0.1234,
        "closest": {"key": "ji2024wavtokenizer", "title": "WavTokenizer | *x*",
                    "similarity": 0.3},
        "section": "acoustic_tokenizers", "matches": ["codec"], "queries": [1],
        "abstract": PAPER.abstract,
    }
