"""Lookup: DBLP and Crossref together, over real HTTP to the loopback servers (with decoys)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from speechlm_bib.errors import FetchError, InputError
from speechlm_bib.model import ArxivMetadata, CrossrefWork, PublishedVersion
from speechlm_bib.refs import parse_work_ref
from speechlm_bib.services.lookup import Lookup, ScholarlySettings
from speechlm_bib.sources.http import HttpSettings

from scholarly_server import Fault, ReplayServer

Servers = tuple[ReplayServer, ReplayServer]


def preprint(arxiv_id: str, title: str, *authors: str, year: int = 2025) -> ArxivMetadata:
    return ArxivMetadata(arxiv_id, 1, title, authors, f"{year}-01-01", f"{year}-01-01")


WORKS = {
    "2501.10001": preprint("2501.10001", "Streaming Speech Tokenizers for Dialogue", "Wei Li"),
    "2501.10004": preprint("2501.10004", "Prosody Tokens for Speech Generation", "Lena Fischer"),
    "2501.10005": preprint("2501.10005", "Listening Without Transcripts", "Kofi Mensah"),
}


@pytest.fixture
def lookup(scholarly_servers: Servers) -> Lookup:
    dblp, crossref = scholarly_servers
    for server in scholarly_servers:
        server.clear()
    return Lookup(ScholarlySettings(HttpSettings(dblp.url, 0.0, timeout=2.0, retries=0),
                                    HttpSettings(crossref.url, 0.0, timeout=2.0, retries=0)))


def test_decisions_versions_and_the_request_budget(lookup: Lookup,
                                                   scholarly_servers: Servers) -> None:
    with lookup:
        found = lookup.versions_of(WORKS, pins=["doi:10.1109/icassp.2015.7178964"])

    assert {i: d.kind for i, d in found.decisions.items()} == {
        "2501.10001": "confirmed", "2501.10004": "candidates", "2501.10005": "none"}
    assert sorted(found.versions) == ["dblp:conf/interspeech/0001Z25",
                                      "doi:10.1109/icassp.2015.7178964"]
    homonyms = found.versions["dblp:conf/interspeech/0001Z25"]
    assert homonyms.record is not None and homonyms.work is not None
    assert homonyms.work.doi == "10.21437/Interspeech.2025-9001"
    assert found.requests == {"DBLP": 4, "Crossref": 2} and not found.failed
    dblp, crossref = scholarly_servers
    assert len(dblp.paths("/search/")) == 3 and dblp.paths("/rec/") == [
        "/rec/conf/interspeech/0001Z25.bib"]
    assert sorted(crossref.paths()) == ["/works/10.1109/icassp.2015.7178964",
                                        "/works/10.21437/interspeech.2025-9001"]


def test_known_versions_are_not_fetched_again(lookup: Lookup, scholarly_servers: Servers) -> None:
    with lookup:
        found = lookup.versions_of({"2501.10001": WORKS["2501.10001"]},
                                   known=["dblp:conf/interspeech/0001Z25"])

    assert found.decisions["2501.10001"].kind == "confirmed" and found.versions == {}
    assert found.requests == {"DBLP": 1, "Crossref": 0}


@pytest.mark.parametrize(("server", "path", "service"), [
    (0, "/rec/", "DBLP"), (1, "/works/", "Crossref")])
def test_a_work_whose_record_or_doi_fails_is_failed_whole(
        server: int, path: str, service: str, lookup: Lookup,
        scholarly_servers: Servers) -> None:
    scholarly_servers[server].fail_matching({path: Fault.http(500)})

    with lookup:
        found = lookup.versions_of(WORKS)

    url = scholarly_servers[server].url
    assert found.failed == {"2501.10001": f"{service} ({url}): HTTP 500"}
    assert "2501.10001" not in found.decisions and found.versions == {}
    assert {i: d.kind for i, d in found.decisions.items()} == {"2501.10004": "candidates",
                                                               "2501.10005": "none"}


def test_a_failed_search_fails_its_work_and_stops_after_three(
        lookup: Lookup, scholarly_servers: Servers) -> None:
    scholarly_servers[0].fail_matching({"/search/": Fault.html()})

    with lookup:
        found = lookup.versions_of(WORKS)

    assert found.decisions == {} and set(found.failed) == set(WORKS)
    assert set(found.failed.values()) == {
        f"DBLP ({scholarly_servers[0].url}): an HTML page instead of JSON"}
    assert len(scholarly_servers[0].requests) == 3


def test_resolve_and_the_preprint_a_database_names(lookup: Lookup,
                                                   scholarly_servers: Servers) -> None:
    with lookup:
        acl = lookup.resolve(parse_work_ref("2025.acl-long.682"))
        libri = lookup.resolve(parse_work_ref("dblp:conf/icassp/PanayotovCPK15"))
        assert lookup.preprint_of(acl) == "2410.03751"
        assert lookup.preprint_of(libri) is None
        assert acl.work is not None and acl.work.page == "13943-13970"
        assert libri.record is not None and libri.work is not None
        related = replace(acl.work, arxiv_id="2410.03751")
        before = len(scholarly_servers[0].requests)
        assert lookup.preprint_of(PublishedVersion("doi:x", None, related)) == "2410.03751"
        assert len(scholarly_servers[0].requests) == before


def test_resolve_tells_unknown_from_failed(lookup: Lookup, scholarly_servers: Servers) -> None:
    with lookup, pytest.raises(InputError, match=r"Crossref does not know the DOI 10\.1234/none"):
        lookup.resolve(parse_work_ref("doi:10.1234/none"))
    scholarly_servers[1].fail_matching({"/works/": Fault.reset()})
    with lookup, pytest.raises(FetchError, match=r"Crossref \(http://127\.0\.0\.1:\d+\): "
                                                 r"connection failed"):
        lookup.resolve(parse_work_ref("doi:10.1234/none"))


def test_a_crossref_relation_names_the_preprint() -> None:
    from speechlm_bib.sources.crossref import parse_work

    work = parse_work({"DOI": "10.1/x", "title": ["T"], "relation": {"has-preprint": [
        {"id-type": "doi", "id": "10.48550/arXiv.2410.03751", "asserted-by": "subject"}]}})
    assert isinstance(work, CrossrefWork) and work.arxiv_id == "2410.03751"
