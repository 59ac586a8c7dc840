"""data/published.json: read back what is written, byte for byte; damage named with its line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from speechlm_bib.errors import InputError
from speechlm_bib.model import (
    CrossrefWork,
    ListedCandidate,
    PublishedData,
    PublishedVersion,
    TitleCandidate,
    TitleSearch,
    VersionDecision,
)
from speechlm_bib.sources.dblp import parse_record
from speechlm_bib.store.publisheddata import parse_published_store, render_published_store

from conftest import REPO

RECORD = parse_record("@article{DBLP:journals/tacl/X21,\n  author = {A B},\n  title = {T},\n"
                      "  journal = {Trans. Assoc. Comput. Linguistics},\n  year = {2021}\n}\n")
WORK = CrossrefWork("10.1162/tacl_a_00430", "journal-article", "T \u00e9", "TACL", ("A B",),
                    ("B",), 2021, volume="9", page="1336-1354", publisher="MIT Press",
                    arxiv_id="2102.01192")
DATA = PublishedData(
    {"2410.00037": VersionDecision("none"),
     "2102.01192": VersionDecision("candidates", None, (ListedCandidate(
         "dblp:journals/tacl/X21", "TACL", 2021, "On T", ("another title: 'On T'",)),)),
     "2101.00001": VersionDecision("confirmed", "dblp:journals/tacl/X21")},
    {"dblp:journals/tacl/X21": PublishedVersion("dblp:journals/tacl/X21", RECORD, WORK),
     "doi:10.1162/tacl_a_00430": PublishedVersion("doi:10.1162/tacl_a_00430", None, WORK)})
PATH = Path("data/published.json")
TWIST = "Textually pretrained speech language models"
TITLES = {
    "textuallypretrainedspeechlanguagemodels": TitleSearch(
        TWIST, "candidates", candidates=(
            TitleCandidate("dblp:journals/corr/abs-2305-13009", "arxiv: '2305.13009'", "CoRR",
                           2023, "Michael Hassid", "Textually Pretrained Speech Language Models"),
            TitleCandidate("dblp:journals/spl/SilvaH24", "published: dblp:journals/spl/SilvaH24",
                           "IEEE Signal Process. Lett.", 2024, "Ana Silva",
                           "Textually Pretrained Speech Language Models")),
        why="works by different first authors: Michael Hassid, Ana Silva"),
    "moshiaspeechtextfoundationmodelforrealtimedialogue": TitleSearch(
        "Moshi: a speech-text foundation model for real-time dialogue", "linked",
        arxiv="2410.00037"),
    "librispeechanasrcorpusbasedonpublicdomainaudiobooks": TitleSearch(
        "Librispeech: An ASR corpus based on public domain audio books", "linked",
        published="dblp:conf/icassp/PanayotovCPK15"),
    "parrotautoregressivespokendialoguelanguagemodeling": TitleSearch(
        "Parrot: Autoregressive Spoken Dialogue Language Modeling", "none"),
}


def test_what_is_written_reads_back_the_same_and_writes_the_same_bytes() -> None:
    text = render_published_store(DATA)
    again = parse_published_store(text, PATH)

    assert again == DATA
    assert render_published_store(again) == text
    assert text.index('"2101.00001"') < text.index('"2102.01192"') < text.index('"2410.00037"')
    assert text.endswith("}\n") and "T \u00e9" in text


def test_title_searches_read_back_sorted_and_are_left_out_when_there_are_none() -> None:
    data = PublishedData(DATA.decisions, DATA.versions, TITLES)
    text = render_published_store(data)
    again = parse_published_store(text, PATH)

    assert again == data
    assert render_published_store(again) == text
    assert list(json.loads(text)) == ["decisions", "versions", "titles"]
    assert list(json.loads(text)["titles"]) == sorted(TITLES)
    assert json.loads(text)["titles"]["moshiaspeechtextfoundationmodelforrealtimedialogue"] == {
        "title": "Moshi: a speech-text foundation model for real-time dialogue",
        "outcome": "linked", "arxiv": "2410.00037"}
    assert "titles" not in json.loads(render_published_store(DATA))


def test_the_committed_store_reads_back_byte_for_byte() -> None:
    text = (REPO / PATH).read_text(encoding="utf-8")
    assert render_published_store(parse_published_store(text, PATH)) == text


@pytest.mark.parametrize(("text", "line", "problem"), [
    ('{"decisions": [1]}', 1, "'decisions' is not a mapping"),
    ('{\n "decisions": {\n  "2410.00037": {"decision": "confirmed"}}}', 3,
     "a confirmed decision names its version"),
    ('{\n "versions": {\n  "doi:10.1/x": {"crossref": {"type": "x"}}}}', 3,
     "'crossref' needs a DOI, a type and a title"),
    ('{"decisions": {\n', 2, "damaged JSON"),
    ('{\n "titles": {\n  "x": {"title": "X", "outcome": "linked"}}}', 3,
     "a linked title names its arXiv id or its version"),
    ('{\n "titles": {\n  "x": {"title": "X", "outcome": "none", "arxiv": "2410.00037"}}}', 3,
     "a linked title names its arXiv id or its version, no other does"),
    ('{\n "titles": {\n  "x": {"title": "X", "outcome": "chosen"}}}', 3,
     "outcome 'chosen' is none of linked, candidates, none"),
    ('{\n "titles": {\n  "x": {"title": "X", "outcome": "candidates", "candidates": [{}]}}}',
     3, "'record'"),
])
def test_damage_is_named_with_its_line(text: str, line: int, problem: str) -> None:
    with pytest.raises(InputError) as error:
        parse_published_store(text, PATH)
    assert error.value.line == line and problem in error.value.message
    assert error.value.message.endswith("restore it, or delete it and run sync to look the "
                                        "published versions up again")
