"""The confirmation rule and the fields of a published version, on inline values."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from speechlm_bib.link import arxiv_fields
from speechlm_bib.model import ArxivMetadata
from speechlm_bib.published.fields import VersionFields, lay_over, to_fields
from speechlm_bib.published.rule import (
    Candidate,
    Preprint,
    decide,
    describe,
    describe_candidate,
    fold_title,
    from_crossref,
    from_dblp,
    judge,
    search_query,
)
from speechlm_bib.sources.crossref import CrossrefWork
from speechlm_bib.sources.dblp import DblpHit, DblpRecord

SURVEY = Preprint("2410.03751", "Recent Advances in Speech Language Models: A Survey",
                  "Wenqian Cui", 2024)
ACL = Candidate("dblp", "conf/acl/CuiYJMZWGK25",
                "Recent Advances in Speech Language Models: A Survey", "Wenqian Cui", 2025,
                "ACL (1)", "10.18653/v1/2025.acl-long.682")
CORR = Candidate("dblp", "journals/corr/abs-2410-03751", ACL.title, "Wenqian Cui", 2024, "CoRR",
                 "10.48550/ARXIV.2410.03751", "2410.03751", informal=True)


def other(candidate: Candidate, **changes: Any) -> Candidate:
    return replace(candidate, **changes)


# ----------------------------------------------------------------------------- the rule


@pytest.mark.parametrize("published", [
    "Recent Advances in Speech Language Models: A Survey.",
    "RECENT ADVANCES IN SPEECH LANGUAGE MODELS — A SURVEY",
    "{Recent} Advances in {Speech} Language Models: {A} Survey",
    "Recent Advances in Speech-Language Models: a survey",
])
def test_titles_equal_after_folding(published: str) -> None:
    assert fold_title(published) == fold_title(SURVEY.title)


@pytest.mark.parametrize("published", [
    "Recent Advances in Speech Language Models: A Survey, Part 2",
    "Recent Advances in Spoken Language Models: A Survey",
    "Advances in Speech Language Models: A Survey",
])
def test_titles_that_differ_stay_different(published: str) -> None:
    assert fold_title(published) != fold_title(SURVEY.title)


def test_latex_and_unicode_fold_alike() -> None:
    assert fold_title(r"D{\'e}fossez's {\"U}ber-Codec") == fold_title("Défossez\u2019s Über Codec.")
    assert fold_title(r"$\alpha$-Codec") != fold_title(r"$\beta$-Codec")
    assert fold_title("语音模型") != fold_title("语言模型")


def test_the_published_version_is_confirmed_and_the_corr_record_is_not() -> None:
    decision = decide(SURVEY, [CORR, ACL])

    assert (decision.kind, decision.version, decision.candidates) == ("confirmed", ACL, ())


@pytest.mark.parametrize("change, reason", [
    ({"title": "Speech Language Models: A Survey"}, "another title"),
    ({"first_author": "Dianzhi Yu"}, "another first author: Dianzhi Yu"),
    ({"year": 2023}, "dated 2023, before the preprint"),
    ({"year": None}, "dated nowhere, before the preprint"),
    ({"informal": True}, "an informal record (the preprint itself)"),
])
def test_each_part_of_the_rule_is_needed(change: dict[str, Any], reason: str) -> None:
    verdict = judge(SURVEY, other(ACL, **change))

    assert not verdict.confirmed
    assert len(verdict.reasons) == 1 and verdict.reasons[0].startswith(reason)


def test_homonym_suffixes_and_accents_do_not_hide_the_first_author() -> None:
    preprint = Preprint("2501.10001", "Streaming", "Alexandre Defossez", 2025)

    assert judge(preprint, other(ACL, title="Streaming", first_author="Alexandre Défossez 0002"),
                 ).confirmed


def test_a_retitled_version_is_confirmed_only_by_an_exact_id() -> None:
    salmon = other(ACL, key="conf/icassp/MaimonRA25", first_author="Gallil Maimon",
                   title="SALMon: A Suite for Acoustic Language Model Evaluation", doi=None)
    preprint = Preprint("2409.07437", "A Suite for Acoustic Language Model Evaluation",
                        "Gallil Maimon", 2024)

    listed = decide(preprint, [salmon])
    linked = decide(preprint, [other(salmon, arxiv_id="2409.07437")])
    by_doi = decide(replace(preprint, doi="10.1109/X.1"), [other(salmon, doi="10.1109/x.1")])

    assert (listed.kind, listed.version, [v.candidate for v in listed.candidates]) == (
        "candidates", None, [salmon])
    assert (linked.kind, by_doi.kind) == ("confirmed", "confirmed")


def test_the_same_title_by_others_is_listed_beside_the_version() -> None:
    decoy = other(ACL, key="journals/spl/SilvaH24", first_author="Ana Silva", doi=None)

    decision = decide(SURVEY, [ACL, decoy])

    assert decision.version == ACL
    assert [describe_candidate(v) for v in decision.candidates] == [
        "dblp:journals/spl/SilvaH24 (ACL (1) 2025): another first author: Ana Silva"]


def test_two_versions_passing_the_rule_are_listed_and_none_chosen() -> None:
    journal = other(ACL, key="journals/taslp/Cui25", venue="IEEE ACM Trans.", doi="10.1109/T.2")

    decision = decide(SURVEY, [ACL, journal])

    assert (decision.kind, decision.version) == ("candidates", None)
    assert [v.candidate for v in decision.candidates] == [ACL, journal]
    assert all(v.confirmed for v in decision.candidates)


def test_one_version_listed_twice_is_one_version() -> None:
    decision = decide(SURVEY, [ACL, other(ACL, source="crossref", key=ACL.doi)])

    assert (decision.kind, decision.version) == ("confirmed", ACL)


def test_unrelated_hits_are_not_listed() -> None:
    unrelated = other(ACL, title="Speech Tokenizers", first_author="Ana Silva")

    assert decide(SURVEY, [CORR, unrelated]).kind == "none"


def test_crossref_posted_content_is_informal() -> None:
    work = CrossrefWork("10.48550/arXiv.2410.03751", "posted-content", ACL.title, None,
                        ("Wenqian Cui",), ("Cui",), 2024)

    assert from_crossref(work).informal
    assert not from_crossref(CrossrefWork("10.1/x", "proceedings-article", ACL.title,
                                          "Proc. ACL", ("Wenqian Cui",), ("Cui",), 2025)).informal


def test_candidates_from_both_databases() -> None:
    hit = DblpHit("conf/acl/X25", "T", ("Wei Li", "Mei Zhang"), "ACL (1)", 2025,
                  "Conference and Workshop Papers", "10.1/x", arxiv_id="2501.1")
    work = CrossrefWork("10.1/x", "proceedings-article", "T", "Proc. ACL", ("Wei Li",), ("Li",),
                        2025)

    assert from_dblp(hit) == Candidate("dblp", "conf/acl/X25", "T", "Wei Li", 2025, "ACL (1)",
                                       "10.1/x", "2501.1")
    assert from_crossref(work) == Candidate("crossref", "10.1/x", "T", "Li", 2025, "Proc. ACL",
                                            "10.1/x")


def test_summary_line_and_search_query() -> None:
    assert describe(SURVEY, ACL) == "arXiv 2410.03751 -> ACL 2025"
    assert search_query("Moshi: a speech-text foundation model") == \
        "Moshi a speech text foundation model"


# ----------------------------------------------------------------------------- fields

RECORD = DblpRecord("conf/acl/CuiYJMZWGK25", "inproceedings", (
    ("author", "Wenqian Cui and Dianzhi Yu"),
    ("title", "Recent Advances in Speech Language Models: {A} Survey"),
    ("booktitle", "Proceedings of the 63rd Annual Meeting of the Association for Computational "
                  "Linguistics (Volume 1: Long Papers), {ACL} 2025, Vienna, Austria"),
    ("pages", "13943--13970"),
    ("publisher", "Association for Computational Linguistics"),
    ("year", "2025"),
    ("url", "https://doi.org/10.18653/v1/2025.acl-long.682"),
    ("doi", "10.18653/V1/2025.ACL-LONG.682"),
))
WORK = CrossrefWork("10.18653/v1/2025.acl-long.682", "proceedings-article", ACL.title,
                    "Proceedings of the 63rd Annual Meeting of the Association for Computational "
                    "Linguistics (Volume 1: Long Papers)", ("Wenqian Cui",), ("Cui",), 2025,
                    page="13943-13970", publisher="Association for Computational Linguistics")


def test_fields_of_a_dblp_record_alone() -> None:
    assert to_fields(RECORD) == VersionFields("inproceedings", (
        ("booktitle", "Proceedings of the 63rd Annual Meeting of the Association for "
                      "Computational Linguistics (Volume 1: Long Papers), ACL 2025, Vienna, "
                      "Austria"),
        ("year", "2025"), ("pages", "13943--13970"),
        ("publisher", "Association for Computational Linguistics"),
        ("doi", "10.18653/v1/2025.acl-long.682"),
    ))


def test_crossref_gives_the_publisher_container_title_and_pages() -> None:
    fields = to_fields(RECORD, WORK)

    assert fields.get("booktitle") == WORK.container_title
    assert (fields.get("pages"), fields.get("doi")) == ("13943--13970", WORK.doi)


def test_a_journal_version_with_volume_number_and_escaped_text() -> None:
    record = DblpRecord("journals/x/A21", "article", (
        ("journal", "Speech {\\&} Language"), ("volume", "9"), ("year", "2021"),
        ("publisher", "Tom{\\'{a}}{\\v{s}} {\\&} Sons")))
    work = CrossrefWork("10.1234/a_b", "journal-article", "T", "Speech & Language: R&D", ("A B",),
                        ("B",), 2021, volume="9", issue="4", page="1336\u20131354")

    assert dict(to_fields(record, work).fields) == {
        "journal": "Speech \\& Language: R\\&D", "year": "2021", "pages": "1336--1354",
        "volume": "9", "number": "4", "publisher": "Tom{\\'a}{\\v{s}} \\& Sons",
        "doi": "10.1234/a_b"}


def test_laid_over_a_preprint_the_eprint_fields_stay() -> None:
    meta = ArxivMetadata("2410.03751", 3, ACL.title, ("Wenqian Cui", "Dianzhi Yu"),
                         "2024-10-01", "2025-01-10", "cs.CL")

    fields = lay_over(arxiv_fields(meta), to_fields(RECORD, WORK))

    assert "journal" not in fields
    assert {k: fields[k] for k in ("eprint", "archiveprefix", "primaryclass", "url", "year")} == {
        "eprint": "2410.03751", "archiveprefix": "arXiv", "primaryclass": "cs.CL",
        "url": "https://arxiv.org/abs/2410.03751", "year": "2025"}
    assert fields["author"] == ("Wenqian Cui", "Dianzhi Yu")
    assert fields["booktitle"] == WORK.container_title


def test_a_malformed_doi_from_a_database_is_left_out() -> None:
    record = DblpRecord("conf/x/A25", "inproceedings", (
        ("booktitle", "Proc. X"), ("year", "2025"), ("doi", "not a doi")))

    assert to_fields(record).get("doi") is None
