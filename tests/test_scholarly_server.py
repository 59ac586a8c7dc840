"""The loopback DBLP and Crossref servers speak the services' wire formats (raw HTTP)."""

from __future__ import annotations

from typing import Any

import requests

from scholarly_server import ReplayServer, words


def get(server: ReplayServer, path: str, **params: str) -> requests.Response:
    return requests.get(server.url + path, params=params, timeout=5)


def search(server: ReplayServer, q: str, **params: str) -> dict[str, Any]:
    answer = get(server, "/search/publ/api", q=q, format="json", **params)
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/json"
    hits: dict[str, Any] = answer.json()["result"]["hits"]
    return hits


def titles(hits: dict[str, Any]) -> list[str]:
    return [hit["info"]["title"] for hit in hits.get("hit", [])]


def test_dblp_counts_and_the_absent_hit_list(dblp: ReplayServer) -> None:
    none = search(dblp, "zzzz")
    some = search(dblp, "speech language", h="2", f="1")

    assert none == {"@total": "0", "@computed": "0", "@sent": "0", "@first": "0"}
    assert (some["@sent"], some["@first"], len(some["hit"])) == ("2", "1", 2)
    assert int(some["@total"]) > 2


def test_dblp_words_are_prefixes_unless_marked_exact(dblp: ReplayServer) -> None:
    assert titles(search(dblp, "slamm GPU")) == [
        "Slamming: Training a Speech Language Model on One GPU in a Day."] * 2
    assert titles(search(dblp, "slamm$ GPU")) == []
    assert len(titles(search(dblp, "slamming|salmon"))) == 4


def test_dblp_matches_authors_accents_folded(dblp: ReplayServer) -> None:
    found = search(dblp, "Novak reasoning")

    assert {hit["info"]["key"] for hit in found["hit"]} == {
        "journals/corr/abs-2501-10003", "conf/acl/NovakH25"}


def test_dblp_only_json_and_records_as_bibtex(dblp: ReplayServer) -> None:
    xml = get(dblp, "/search/publ/api", q="speech")
    record = get(dblp, "/rec/conf/acl/MaimonEA25.bib")
    missing = get(dblp, "/rec/conf/acl/Nobody.bib")

    assert xml.status_code == 400
    assert record.text.startswith("@inproceedings{DBLP:conf/acl/MaimonEA25,")
    assert record.headers["Content-Type"].startswith("text/x-bibtex")
    assert (missing.status_code, missing.headers["Content-Type"][:9]) == (404, "text/html")


def test_crossref_work_and_unknown_doi(crossref: ReplayServer) -> None:
    work = get(crossref, "/works/10.1162/TACL_A_00430")
    unknown = get(crossref, "/works/10.1162/tacl_a_99999")

    assert work.json()["message"]["DOI"] == "10.1162/tacl_a_00430"
    assert work.headers["X-Rate-Limit-Limit"] == "50"
    assert (unknown.status_code, unknown.text) == (404, "Resource not found.")


def test_crossref_search_ranks_by_shared_words(crossref: ReplayServer) -> None:
    answer = get(crossref, "/works", **{"query.bibliographic": "VoxCeleb2 Deep Speaker Recognition",
                                        "rows": "2"}).json()

    assert (answer["status"], answer["message-type"]) == ("ok", "work-list")
    items = answer["message"]["items"]
    assert [i["DOI"] for i in items][:1] == ["10.21437/Interspeech.2018-1929"]
    assert len(items) == 2 and items[0]["score"] >= items[1]["score"]
    assert get(crossref, "/works", rows="5000").status_code == 400


def test_words_fold_case_accents_and_punctuation() -> None:
    assert words("Défossez's GPT-4o") == ["defossez", "s", "gpt", "4o"]
