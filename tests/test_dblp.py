"""DBLP: the parsers on inline answers, and the source over the loopback server."""

from __future__ import annotations

from typing import Any

import pytest

from speechlm_bib.sources.dblp import Dblp, DblpHit, parse_hit, parse_record, parse_search
from speechlm_bib.sources.http import HttpSettings

from scholarly_server import Fault, ReplayServer

HIT: dict[str, Any] = {
    "authors": {"author": [{"@pid": "1", "text": "Wei Li 0001"},
                           {"@pid": "2", "text": "Mei Zhang"}]},
    "title": "Streaming Speech Tokenizers for Dialogue.",
    "venue": "INTERSPEECH", "pages": "4001-4005", "year": "2025",
    "type": "Conference and Workshop Papers", "key": "conf/interspeech/0001Z25",
    "doi": "10.21437/INTERSPEECH.2025-9001",
    "ee": "https://doi.org/10.21437/Interspeech.2025-9001",
}


def source(server: ReplayServer) -> Dblp:
    return Dblp(HttpSettings(server.url, 0.0, timeout=2.0, retries=1))


# ----------------------------------------------------------------------------- parsing


def test_a_hit_without_its_quirks() -> None:
    assert parse_hit(HIT) == DblpHit(
        key="conf/interspeech/0001Z25", title="Streaming Speech Tokenizers for Dialogue",
        authors=("Wei Li", "Mei Zhang"), venue="INTERSPEECH", year=2025,
        type="Conference and Workshop Papers", doi="10.21437/Interspeech.2025-9001",
        ee=("https://doi.org/10.21437/Interspeech.2025-9001",), pages="4001-4005",
    )


def test_one_author_given_as_an_object() -> None:
    hit = parse_hit(dict(HIT, authors={"author": {"@pid": "3", "text": "Ilse Vermeulen"}}))

    assert hit.authors == ("Ilse Vermeulen",)


def test_a_record_without_authors_and_several_venues() -> None:
    hit = parse_hit({"key": "conf/x/2025", "title": "Proceedings.", "venue": ["ICLR", "OpenReview"],
                     "year": "2025", "type": "Editorship"})

    assert (hit.authors, hit.venue, hit.doi, hit.ee) == ((), "ICLR, OpenReview", None, ())


def test_a_corr_record_is_informal_and_names_its_arxiv_id() -> None:
    hit = parse_hit({"key": "journals/corr/abs-2409-07437", "title": "A Suite.", "venue": "CoRR",
                     "volume": "abs/2409.07437", "year": "2024",
                     "type": "Informal and Other Publications",
                     "doi": "10.48550/ARXIV.2409.07437"})

    assert (hit.informal, hit.arxiv_id, hit.volume) == (True, "2409.07437", "abs/2409.07437")


def test_an_arxiv_link_on_a_published_record_names_the_preprint() -> None:
    hit = parse_hit(dict(HIT, ee=["https://aclanthology.org/2025.x", "https://arxiv.org/abs/2501.10003"]))

    assert (hit.informal, hit.arxiv_id) == (False, "2501.10003")


def test_the_doi_keeps_dblp_case_when_no_link_gives_another() -> None:
    assert parse_hit(dict(HIT, ee=[])).doi == "10.21437/INTERSPEECH.2025-9001"


def test_a_search_answer_without_hits() -> None:
    answer = {"result": {"query": "x", "status": {"@code": "200", "text": "OK"},
                         "hits": {"@total": "0", "@computed": "0", "@sent": "0", "@first": "0"}}}

    assert parse_search(answer) == ()


def test_a_search_answer_with_an_error_status_is_refused() -> None:
    with pytest.raises(ValueError, match="status 500"):
        parse_search({"result": {"status": {"@code": "500"}, "hits": {}}})


def test_record_bibtex_without_its_dblp_prefix() -> None:
    record = parse_record("@inproceedings{DBLP:conf/acl/MaimonEA25,\n"
                          "  author = {Gallil Maimon and\n     Yossi Adi},\n"
                          "  title = {Slamming},\n  pages = {12201--12216},\n  year = {2025}\n}\n")

    assert (record.key, record.type) == ("conf/acl/MaimonEA25", "inproceedings")
    assert record.get("pages") == "12201--12216"
    assert record.get("author") == "Gallil Maimon and\n     Yossi Adi"


@pytest.mark.parametrize("text", [
    "@article{DBLP:a, title = {x}", "@article{DBLP:a, title={x}}\n@article{DBLP:b, title={y}}",
    "@article{DBLP:a, title = {\\write18{rm -rf}}}",
])
def test_unreadable_or_unsafe_record_bibtex_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_record(text)


# ----------------------------------------------------------------------------- over HTTP


def test_search_finds_the_published_version_beside_the_corr_record(dblp: ReplayServer) -> None:
    query = "Slamming Training a Speech Language Model on One GPU in a Day"

    hits = source(dblp).search([query]).found[query]

    assert [(h.key, h.venue, h.informal) for h in hits] == [
        ("journals/corr/abs-2502-15814", "CoRR", True),
        ("conf/acl/MaimonEA25", "ACL (Findings)", False),
    ]
    assert hits[1].title == "Slamming: Training a Speech Language Model on One GPU in a Day"
    request = dblp.requests[0]
    assert (request.path, request.param("format"), request.param("h")) == (
        "/search/publ/api", "json", "20")


def test_search_asks_for_at_most_h_hits(dblp: ReplayServer) -> None:
    found = Dblp(HttpSettings(dblp.url, 0.0), hits=1).search(["Speech"]).found["Speech"]

    assert len(found) == 1


def test_homonym_suffixes_and_one_author_objects_over_http(dblp: ReplayServer) -> None:
    found = source(dblp).search(["Streaming Speech Tokenizers", "Limits Spoken Language"]).found

    assert {h.authors for h in found["Streaming Speech Tokenizers"]} == {("Wei Li", "Mei Zhang")}
    assert {h.authors for h in found["Limits Spoken Language"]} == {("Ilse Vermeulen",)}


def test_a_record_and_an_unknown_key(dblp: ReplayServer) -> None:
    result = source(dblp).records(["conf/icassp/MaimonRA25", "conf/nowhere/Nobody99"])

    record = result.found["conf/icassp/MaimonRA25"]
    assert record.get("booktitle") == ("ICASSP 2025 - 2025 IEEE International Conference on "
                                       "Acoustics, Speech and Signal Processing (ICASSP)")
    assert result.unknown == ("conf/nowhere/Nobody99",)
    assert dblp.paths() == ["/rec/conf/icassp/MaimonRA25.bib", "/rec/conf/nowhere/Nobody99.bib"]


def test_a_cut_off_record_is_retried(dblp: ReplayServer) -> None:
    dblp.inject(Fault.truncated())

    result = source(dblp).records(["conf/acl/MaimonEA25"])

    assert result.found["conf/acl/MaimonEA25"].get("pages") == "12201--12216"
    assert result.requests == 2
