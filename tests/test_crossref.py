"""Crossref: the parsers on inline messages, and the source over the loopback server."""

from __future__ import annotations

from typing import Any

from speechlm_bib.sources.crossref import Crossref, CrossrefWork, parse_work
from speechlm_bib.sources.http import HttpSettings

from scholarly_server import ReplayServer

MESSAGE: dict[str, Any] = {
    "publisher": "MIT Press", "DOI": "10.1162/tacl_a_00430", "type": "journal-article",
    "page": "1336-1354", "volume": "9",
    "title": ["On Generative Spoken Language Modeling from Raw Audio"],
    "author": [{"given": "Kushal", "family": "Lakhotia", "sequence": "first", "affiliation": []},
               {"name": "The GSLM Team", "sequence": "additional", "affiliation": []}],
    "container-title": ["Transactions of the Association for Computational Linguistics"],
    "issued": {"date-parts": [[2021, 12]]},
}


def source(server: ReplayServer) -> Crossref:
    return Crossref(HttpSettings(server.url, 0.0, timeout=2.0, retries=1))


def test_a_work_out_of_its_message() -> None:
    assert parse_work(MESSAGE) == CrossrefWork(
        doi="10.1162/tacl_a_00430", type="journal-article",
        title="On Generative Spoken Language Modeling from Raw Audio",
        container_title="Transactions of the Association for Computational Linguistics",
        authors=("Kushal Lakhotia", "The GSLM Team"), families=("Lakhotia", "The GSLM Team"),
        year=2021, volume="9", page="1336-1354", publisher="MIT Press",
    )


def test_tags_entities_and_missing_parts() -> None:
    work = parse_work({"DOI": "10.1/x", "title": ["<i>Speech</i> &amp; <scp>Text</scp>"],
                       "container-title": [], "author": [{"family": "Ng"}],
                       "issued": {"date-parts": [[None]]}, "volume": ""})

    assert (work.title, work.container_title, work.authors, work.year, work.volume) == (
        "Speech & Text", None, ("Ng",), None, None)


def test_a_doi_is_found_whatever_its_case(crossref: ReplayServer) -> None:
    result = source(crossref).works(["10.1109/icassp.2015.7178964"])

    work = result.found["10.1109/icassp.2015.7178964"]
    assert (work.doi, work.page, work.container_title) == (
        "10.1109/ICASSP.2015.7178964", "5206-5210",
        "2015 IEEE International Conference on Acoustics, Speech and Signal Processing (ICASSP)")
    assert work.families == ("Panayotov", "Chen", "Povey", "Khudanpur")


def test_an_unknown_doi_is_unknown_after_one_request(crossref: ReplayServer) -> None:
    result = source(crossref).works(["10.18653/v1/2099.acl-long.1"])

    assert result.unknown == ("10.18653/v1/2099.acl-long.1",)
    assert [r.status for r in crossref.requests] == [404]


def test_a_doi_with_reserved_characters_is_escaped(crossref: ReplayServer) -> None:
    source(crossref).works(["10.1002/(SICI)1097-4571#x?y"])

    assert crossref.requests[0].path == "/works/10.1002/%28SICI%291097-4571%23x%3Fy"


def test_search_ranks_by_the_words_it_shares(crossref: ReplayServer) -> None:
    query = "Recent Advances in Speech Language Models: A Survey"

    works = Crossref(HttpSettings(crossref.url, 0.0), rows=3).search([query]).found[query]

    assert works[0].doi == "10.18653/v1/2025.acl-long.682"
    assert len(works) == 3
    request = crossref.requests[0]
    assert (request.path, request.param("query.bibliographic"), request.param("rows")) == (
        "/works", query, "3")
