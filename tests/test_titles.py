"""Rows linked by their title: which titles are searched and what DBLP's hits decide, inline."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from speechlm_bib.model import Entry, Row, TitleCandidate, TitleSearch
from speechlm_bib.published.titleplan import (
    BEFORE,
    SEARCH,
    SHORT,
    changes_of,
    links_of,
    plan_titles,
)
from speechlm_bib.published.titles import decide_title, identifies_work, stated_year
from speechlm_bib.sources.dblp import DblpHit

TWIST = "Textually pretrained speech language models"
CORR = DblpHit("journals/corr/abs-2305-13009", "Textually Pretrained Speech Language Models",
               ("Michael Hassid", "Tal Remez"), "CoRR", 2023,
               "Informal and Other Publications", "10.48550/ARXIV.2305.13009",
               informal=True, arxiv_id="2305.13009")
NEURIPS = DblpHit("conf/nips/HassidRNGCKCD23", "Textually Pretrained Speech Language Models",
                  ("Michael Hassid", "Tal Remez"), "NeurIPS", 2023,
                  "Conference and Workshop Papers", None)
SILVA = DblpHit("journals/spl/SilvaH24", "Textually Pretrained Speech Language Models",
                ("Ana Silva", "Omar Haddad"), "IEEE Signal Process. Lett.", 2024,
                "Journal Articles", None)
ROOT = Path("/list")


# ----------------------------------------------------------------------------- the decision


def test_a_preprint_with_its_published_version_is_one_work_linked_by_its_arxiv_id() -> None:
    assert decide_title(TWIST, [CORR, NEURIPS]) == TitleSearch(TWIST, "linked",
                                                               arxiv="2305.13009")


def test_homonym_suffixes_and_a_title_in_other_case_and_punctuation_are_one_work() -> None:
    corr = replace(CORR, title="Textually pretrained speech-language models",
                   authors=("Michael Hassid 0001",))
    assert decide_title(TWIST + ".", [corr, NEURIPS]).arxiv == "2305.13009"


def test_the_same_title_by_other_authors_lists_every_record_and_links_nothing() -> None:
    decided = decide_title(TWIST, [CORR, NEURIPS, SILVA])

    assert (decided.kind, decided.arxiv, decided.published) == ("candidates", None, None)
    assert decided.why == "works by different first authors: Michael Hassid, Ana Silva"
    assert decided.candidates == (
        TitleCandidate("dblp:journals/corr/abs-2305-13009", "arxiv: '2305.13009'", "CoRR", 2023,
                       "Michael Hassid", CORR.title),
        TitleCandidate("dblp:conf/nips/HassidRNGCKCD23",
                       "published: dblp:conf/nips/HassidRNGCKCD23", "NeurIPS", 2023,
                       "Michael Hassid", CORR.title),
        TitleCandidate("dblp:journals/spl/SilvaH24", "published: dblp:journals/spl/SilvaH24",
                       "IEEE Signal Process. Lett.", 2024, "Ana Silva", CORR.title))


@pytest.mark.parametrize("title", [
    "Textually pretrained speech language model",
    "Textually pretrained speech language models at scale",
    "Textually pretrained spoken language models",
])
def test_a_title_one_word_apart_is_not_the_rows(title: str) -> None:
    assert decide_title(title, [CORR, NEURIPS]) == TitleSearch(title, "none")


def test_only_a_published_record_is_pinned() -> None:
    decided = decide_title(TWIST, [NEURIPS])
    assert (decided.kind, decided.arxiv, decided.published) == (
        "linked", None, "dblp:conf/nips/HassidRNGCKCD23")


@pytest.mark.parametrize(("hits", "why"), [
    ([NEURIPS, replace(NEURIPS, key="journals/taslp/Hassid24", year=2024)],
     "several records and no arXiv preprint"),
    ([CORR, replace(CORR, key="journals/corr/abs-2305-99999", arxiv_id="2305.99999")],
     "several arXiv preprints: 2305.13009, 2305.99999"),
    ([CORR, replace(NEURIPS, year=2021)], "a record dated 2021, before the preprint"),
    ([replace(CORR, arxiv_id=None, venue="SSRN")], "an informal record that names no arXiv id"),
    ([CORR, replace(NEURIPS, authors=())], "works by different first authors: none, "
                                           "Michael Hassid"),
])
def test_what_is_not_one_work_is_listed(hits: list[DblpHit], why: str) -> None:
    decided = decide_title(TWIST, hits)
    assert (decided.kind, decided.why, len(decided.candidates)) == ("candidates", why, len(hits))


def test_a_record_far_older_than_the_row_does_not_count() -> None:
    old = replace(SILVA, year=2009)
    assert decide_title(TWIST, [CORR, NEURIPS, old], year=2023).arxiv == "2305.13009"
    assert decide_title(TWIST, [CORR, NEURIPS, old], year=None).kind == "candidates"
    assert decide_title(TWIST, [CORR], year=2025).kind == "none"
    assert decide_title(TWIST, [CORR], year=2024).arxiv == "2305.13009"


def test_the_same_hit_twice_is_one_record() -> None:
    assert decide_title(TWIST, [CORR, CORR, NEURIPS]).arxiv == "2305.13009"


@pytest.mark.parametrize(("title", "searched"), [
    ("OpenAI Advanced Voice Mode", False),
    ("Claude Voice Mode", False),
    ("Conversational Speech Generation Model", False),
    ("理想同学MindGPT-4o-Audio实时语音对话大模型发布", False),
    ("GPT-4 Technical Report 2.0", False),
    ("Attention Is All You Need", True),
    ("Parrot: Autoregressive Spoken Dialogue Language Modeling with Decoder-only Transformers",
     True),
])
def test_short_titles_are_not_searched(title: str, searched: bool) -> None:
    assert identifies_work(title) is searched


@pytest.mark.parametrize(("date", "year"), [("2017", 2017), ("May 2024", 2024),
                                            ("2023-10-01", 2023), ("1k", None), (None, None)])
def test_the_year_a_row_states(date: str | None, year: int | None) -> None:
    assert stated_year(Entry(Path("x.yaml"), "s", date=date)) == year


# ----------------------------------------------------------------------------- the plan


def _row(name: str, title: str | None, key: str | None = None, arxiv: str | None = None,
         published: str | None = None, date: str | None = None) -> Row:
    entry = Entry(ROOT / "entries" / "models" / name, "models", title=title, key=key,
                  arxiv=arxiv, published=published, date=date)
    return Row(entry, key, None)


ROWS = [
    _row("010-twist.yaml", TWIST),
    _row("020-voice-mode.yaml", "OpenAI Advanced Voice Mode"),
    _row("030-parrot.yaml", "Parrot: Autoregressive Spoken Dialogue Language Modeling"),
    _row("040-twist-again.yaml", "Textually Pretrained Speech-Language Models.", date="2023"),
    _row("050-linked.yaml", TWIST, arxiv="2305.13009"),
    _row("060-pinned.yaml", TWIST, published="dblp:conf/nips/HassidRNGCKCD23"),
    _row("070-untitled.yaml", None),
    _row("080-keyed.yaml", TWIST, key="hassid2023x"),
]
STORED = {"parrotautoregressivespokendialoguelanguagemodeling": TitleSearch(
    "Parrot: Autoregressive Spoken Dialogue Language Modeling", "none")}


def test_unlinked_rows_with_a_title_are_planned_and_rows_sharing_a_title_share_a_search() -> None:
    plan = plan_titles(ROWS, STORED, ROOT)

    assert [(r.shown, r.status) for r in plan.rows] == [
        ("entries/models/010-twist.yaml", SEARCH),
        ("entries/models/020-voice-mode.yaml", SHORT),
        ("entries/models/030-parrot.yaml", BEFORE),
        ("entries/models/040-twist-again.yaml", SEARCH),
        ("entries/models/080-keyed.yaml", SEARCH),
    ]
    assert list(plan.queries) == ["textuallypretrainedspeechlanguagemodels"]
    assert plan.queries["textuallypretrainedspeechlanguagemodels"].year == 2023


def test_refresh_searches_again_what_linked_nothing_and_only_limits_to_keys() -> None:
    linked = {"textuallypretrainedspeechlanguagemodels": TitleSearch(TWIST, "linked",
                                                                     arxiv="2305.13009")}
    refreshed = plan_titles(ROWS, {**STORED, **linked}, ROOT, refresh=True)
    assert [r.status for r in refreshed.rows] == [BEFORE, SHORT, SEARCH, BEFORE, BEFORE]
    only = plan_titles(ROWS, {}, ROOT, only={"hassid2023x"})
    assert [r.shown for r in only.rows] == ["entries/models/080-keyed.yaml"]


def test_links_and_changes_follow_the_rows() -> None:
    plan = plan_titles(ROWS, STORED, ROOT)
    searches = {"textuallypretrainedspeechlanguagemodels": decide_title(TWIST, [CORR])}

    assert links_of(plan, searches) == {
        ROOT / "entries/models/010-twist.yaml": ("arxiv", "2305.13009"),
        ROOT / "entries/models/040-twist-again.yaml": ("arxiv", "2305.13009"),
        ROOT / "entries/models/080-keyed.yaml": ("arxiv", "2305.13009")}
    changes = changes_of(plan, searches, {}, STORED)
    assert [c.kind for c in changes] == ["linked", SHORT, BEFORE, "linked", "linked"]
    failed = changes_of(plan, {}, {"textuallypretrainedspeechlanguagemodels": "DBLP: HTTP 500"},
                        STORED)
    assert [(c.kind, c.reason) for c in failed if c.reason] == [("failed", "DBLP: HTTP 500")] * 3
