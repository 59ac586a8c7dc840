"""Screening and ranking candidates against the list, on values built inline."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from speechlm_bib.discover import (
    BELOW_SCORE,
    LISTED,
    NEGATIVE,
    OVER_LIMIT,
    REJECTED,
    SEEN,
    ListedWork,
    ListIndex,
    Screening,
    discover,
    index_list,
    rank,
    screen,
    similarities,
)
from speechlm_bib.link import link
from speechlm_bib.model import Section
from speechlm_bib.sources.arxiv_search import Paper
from speechlm_bib.store.repository import load_repository

MODELS = Section("models", "Existing SpeechLMs", ())
CODECS = Section("codecs", "Acoustic Tokenizers", (), group="SpeechLM Tokenizers")
BENCHMARKS = Section("benchmarks", "Evaluation Benchmarks", ())
SURVEY = Section("survey", "Citation", ())
WORKS = (
    ListedWork("defossez2024moshi", "Moshi: a speech-text foundation model for real-time "
               "dialogue", ("Moshi",), ("models",)),
    ListedWork("fang2024llama", "LLaMA-Omni: Seamless Speech Interaction with Large Language "
               "Models", ("LLaMA-Omni",), ("models",)),
    ListedWork("ma2024language", "Language Model Can Listen While Speaking", ("LSLM",),
               ("models",)),
    ListedWork("zeghidour2021soundstream", "SoundStream: An End-to-End Neural Audio Codec",
               ("SoundStream",), ("codecs",)),
    ListedWork("ji2024wavtokenizer", "WavTokenizer: an Efficient Acoustic Discrete Codec "
               "Tokenizer for Audio Language Modeling", ("WavTokenizer",), ("codecs",)),
    ListedWork("chen2024voicebench", "VoiceBench: Benchmarking LLM-Based Voice Assistants",
               ("VoiceBench",), ("benchmarks",)),
    ListedWork("cui2024recent", "Recent Advances in Speech Language Models: A Survey", (),
               ("survey",)),
)
INDEX = ListIndex(WORKS, (MODELS, CODECS, BENCHMARKS, SURVEY),
                  frozenset({"2410.00037", "2409.06666"}), frozenset({"10.1162/tacl_a_00430"}),
                  survey="cui2024recent")
JUNE = datetime(2025, 6, 10, tzinfo=UTC)


def paper(arxiv_id: str, title: str, abstract: str = "", **fields: object) -> Paper:
    values: dict[str, object] = {"published": JUNE, "updated": JUNE} | fields
    return Paper(arxiv_id, int(str(values.pop("version", 1))), title, abstract, ("A. Author",),
                 **values)  # type: ignore[arg-type]


DUPLEX = paper("2506.00001", "Full-Duplex Speech Language Model for Real-Time Spoken Dialogue",
               "A speech-text model that listens while speaking and answers in real time.")
CODEC = paper("2506.00002", "A Neural Audio Codec Tokenizer for Speech Language Modeling",
              "Discrete acoustic tokens at a low frame rate for audio language modeling.")
BENCH = paper("2506.00003", "Benchmarking Voice Assistants Built on Speech Language Models",
              "A benchmark of spoken instructions for LLM-based voice assistants.")
BIRDS = paper("2506.00004", "Counting Birds in Forest Recordings with Convolutional Networks",
              "Passive acoustic monitoring of species in wetlands and forests.")
GRAPHS = paper("2506.00005", "Graph Neural Networks for Traffic Forecasting",
               "Spatio-temporal graphs of road sensors predict congestion.")


def test_on_topic_papers_rank_above_off_topic_ones() -> None:
    ranked = rank([GRAPHS, BIRDS, CODEC, DUPLEX, BENCH], INDEX)
    order = [c.paper.id for c in ranked]
    assert set(order[:3]) == {DUPLEX.id, CODEC.id, BENCH.id}
    assert set(order[3:]) == {BIRDS.id, GRAPHS.id}
    assert all(0 <= c.score <= 1 for c in ranked)
    assert ranked[-1].score < 0.02 < ranked[2].score


@pytest.mark.parametrize(("candidate", "closest", "section"), [
    (DUPLEX, {"defossez2024moshi", "ma2024language"}, "models"),
    (CODEC, {"ji2024wavtokenizer"}, "codecs"),
    (BENCH, {"chen2024voicebench"}, "benchmarks"),
])
def test_closest_work_and_section(candidate: Paper, closest: set[str], section: str) -> None:
    (found,) = rank([candidate, GRAPHS], INDEX)[:1]
    assert found.closest is not None and found.closest.key in closest
    assert found.section is not None and found.section.id == section
    assert found.closeness >= found.score


def test_the_survey_is_a_work_to_resemble_but_never_a_section() -> None:
    survey_like = paper("2506.00006", "Recent Advances in Speech Language Models: A Survey")
    (found,) = rank([survey_like], INDEX)
    assert found.closest is not None and found.closest.key == "cui2024recent"
    assert found.closeness > 0.8  # the work's document also holds its section's heading
    assert found.section is not None and found.section.id != "survey"


def test_a_paper_without_abstract_is_ranked_by_its_title() -> None:
    bare = paper("2506.00007", "WavTokenizer 2: Discrete Codec Tokenizer for Audio Language "
                 "Modeling")
    ranked = rank([bare, GRAPHS], INDEX)
    assert ranked[0].paper is bare and ranked[0].closest is not None
    assert ranked[0].closest.key == "ji2024wavtokenizer" and ranked[0].score > 0.1


def test_ranking_is_deterministic_and_ties_go_by_id() -> None:
    twin = paper("2506.00000", GRAPHS.title, GRAPHS.abstract)
    first = rank([GRAPHS, twin, DUPLEX], INDEX)
    assert [c.paper.id for c in first] == [DUPLEX.id, twin.id, GRAPHS.id]
    assert rank([GRAPHS, twin, DUPLEX], INDEX) == first


def test_similarities_are_cosines() -> None:
    table = similarities(["speech codec tokens", "road traffic"],
                         ["speech codec tokens", "a survey"])
    assert table[0][0] == pytest.approx(1.0)
    assert table[1] == [0.0, 0.0]
    assert similarities(["anything"], []) == [[]]


# --------------------------------------------------------------------------- screening


def test_screening_keeps_out_what_the_list_has_and_what_was_turned_down() -> None:
    papers = [
        paper("2410.00037", "Moshi v3", version=3),  # listed, newer version
        paper("2507.00001", "GSLM, the journal version", doi="https://doi.org/10.1162/TACL_A_00430"),
        paper("2506.00010", "Rejected", "speech"),
        paper("2506.00011", "Old news", published=datetime(2025, 6, 1, tzinfo=UTC)),
        paper("2506.00012", "Decoding speech from EEG recordings"),
        paper("2506.00013", "Legged robots that beg for data"),  # "eeg" only as a word
        DUPLEX,
    ]
    kept, hidden = screen(papers, INDEX, {"2506.00010"}, ["EEG"],
                          seen_until=datetime(2025, 6, 1, tzinfo=UTC))
    assert [p.id for p in kept] == ["2506.00013", DUPLEX.id]
    assert hidden == {LISTED: ["2410.00037", "2507.00001"], REJECTED: ["2506.00010"],
                      SEEN: ["2506.00011"], NEGATIVE: ["2506.00012"]}


def test_minimum_score_and_limit() -> None:
    screening = Screening(min_score=0.02, limit=2)
    found = discover([GRAPHS, BIRDS, CODEC, DUPLEX, BENCH], INDEX, screening,
                     terms=("speech language model", "codec"))
    assert len(found.candidates) == 2
    assert found.hidden_ids(BELOW_SCORE) == tuple(sorted((GRAPHS.id, BIRDS.id)))
    assert len(found.hidden_ids(OVER_LIMIT)) == 1
    assert [reason for reason, _ in found.hidden] == [BELOW_SCORE, OVER_LIMIT]
    assert found.candidates[0].score >= found.candidates[1].score >= 0.02


def test_matches_are_the_query_terms_a_paper_holds() -> None:
    (found,) = discover([CODEC], INDEX, Screening(),
                        terms=("speech language model", "codec", "full-duplex")).candidates
    assert found.matches == ("codec",)  # "Speech Language Modeling" is not the phrase


def test_nothing_found_is_nothing_shown() -> None:
    found = discover([], INDEX, Screening())
    assert found.candidates == () and found.hidden == ()


# --------------------------------------------------------------------------- the survey's list


def test_the_survey_list_is_indexed_by_every_id_and_doi() -> None:
    index = index_list(link(load_repository(Path(__file__).resolve().parent.parent)))
    assert {"2506.00975", "2410.00037", "2410.03751", "2011.11588"} <= index.arxiv_ids
    assert "10.1109/icassp.2015.7178964" in index.dois  # LibriSpeech: no arXiv id listed
    assert index.survey == "cui2024recent"
    works = {w.key: w for w in index.works}
    assert works["defossez2024moshi"].sections == ("models", "mixed_tokenizers")
    assert works["defossez2024moshi"].names == ("Moshi", "Mimi")
    # The maintained record's title, decoded from BibTeX.
    assert works["panayotov2015librispeech"].title == (
        "Librispeech: An ASR corpus based on public domain audio books")
