"""Published versions of the whole survey and of the decoys, looked up over real HTTP.

arXiv metadata comes from the loopback arXiv server, DBLP searches and records and Crossref
works from the loopback DBLP and Crossref servers (replay and decoys), all through the real
sources; the confirmation rule then decides. What it confirms is compared with the verified
facts in tests/data/published-facts.yaml, and the upgraded records are compiled by BibTeX and
biber.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from bibtexparser.library import Library
from bibtexparser.model import Block, Entry, Field

from speechlm_bib.bibtex.latex import to_text
from speechlm_bib.bibtex.middlewares import PLAIN, default_stack
from speechlm_bib.bibtex.writer import write_bibtex
from speechlm_bib.link import arxiv_fields
from speechlm_bib.model import ArxivMetadata, Record
from speechlm_bib.published.fields import VersionFields, lay_over, page_range, to_fields
from speechlm_bib.published.rule import Decision, Preprint, decide, from_dblp, search_query
from speechlm_bib.sources import arxiv_source
from speechlm_bib.sources.arxiv import FetchSettings
from speechlm_bib.sources.crossref import Crossref
from speechlm_bib.sources.dblp import Dblp
from speechlm_bib.sources.http import HttpSettings

from arxiv_server import ArxivReplayServer
from conftest import DATA
from scholarly_server import ReplayServer
from texrun import compile_document, needs_biber, needs_bibtex, pdf_text, write_document

FACTS: dict[str, Any] = yaml.safe_load((DATA / "published-facts.yaml").read_text("utf-8"))
RETITLED = {
    "2004.04270": "The Spotify Podcast Dataset -> 100,000 Podcasts: A Spoken English ...",
    "2007.10310": "... Speech-to-Text Translation -> ... Speech Translation",
    "2102.01192": "Generative Spoken ... -> On Generative Spoken ...",
    "2308.16692": "... for Speech Large Language Models -> ... for Speech Language Models",
    "2409.07437": "A Suite for ... -> SALMon: A Suite for ...",
}
"""Works whose published title is not the preprint's and whose replay records link no id:
the rule may list them, never confirm them."""


@dataclass(frozen=True)
class Lookup:
    """Decisions for preprints, the confirmed versions' fields, and the requests it took."""

    decisions: dict[str, Decision]
    fields: dict[str, VersionFields]
    searches: int
    record_fetches: int
    crossref_requests: int


def look_up(preprints: Mapping[str, ArxivMetadata], dblp: ReplayServer,
            crossref: ReplayServer) -> Lookup:
    """One DBLP search per preprint, one record per confirmed version, one Crossref per DOI."""
    dblp_source = Dblp(HttpSettings(dblp.url, 0.0, timeout=5.0))
    crossref_source = Crossref(HttpSettings(crossref.url, 0.0, timeout=5.0))
    queries = {i: search_query(meta.title) for i, meta in preprints.items()}
    searched = dblp_source.search(list(queries.values()))
    decisions = {i: decide(Preprint.from_metadata(meta),
                           [from_dblp(hit) for hit in searched.found.get(queries[i], ())])
                 for i, meta in preprints.items()}
    versions = {i: d.version for i, d in decisions.items() if d.version is not None}
    records = dblp_source.records([v.key for v in versions.values()])
    works = crossref_source.works([v.doi for v in versions.values() if v.doi])
    assert not (searched.failed or records.failed or works.failed)
    fields = {i: to_fields(records.found[v.key], works.found.get(v.doi or ""))
              for i, v in versions.items()}
    return Lookup(decisions, fields, searched.requests, records.requests, works.requests)


@pytest.fixture(scope="module")
def preprints(replay: Mapping[str, bytes]) -> Iterator[Mapping[str, ArxivMetadata]]:
    """Every arXiv work of the replay, fetched once for this module from its own server."""
    with ArxivReplayServer(replay) as server:
        fetched = arxiv_source(FetchSettings(api=server.url, delay=0))(server.ids)
    assert not fetched.failed and not fetched.unknown
    yield fetched.found


@pytest.fixture(scope="module")
def survey(preprints: Mapping[str, ArxivMetadata],
           scholarly_servers: tuple[ReplayServer, ReplayServer]) -> Iterator[Lookup]:
    """Every arXiv work of the replay, looked up once for this module."""
    for server in scholarly_servers:
        server.clear()
    yield look_up(preprints, *scholarly_servers)
    for server in scholarly_servers:
        server.clear()


def kinds(lookup: Lookup) -> Counter[str]:
    return Counter(d.kind for d in lookup.decisions.values())


# ----------------------------------------------------------------------------- the survey


def test_every_confirmation_is_a_verified_published_version(survey: Lookup) -> None:
    for arxiv_id, decision in survey.decisions.items():
        if decision.kind == "confirmed":
            assert arxiv_id in FACTS, f"{arxiv_id}: {decision.version} has no published version"
            _assert_matches_facts(arxiv_id, survey.fields[arxiv_id], FACTS[arxiv_id]["published"])


def _assert_matches_facts(arxiv_id: str, fields: VersionFields, fact: Mapping[str, Any]) -> None:
    where = f"{arxiv_id}: {dict(fields.fields)} against {fact}"
    assert fields.type == ("article" if fact["type"] == "journal" else "inproceedings"), where
    assert int(fields.get("year") or 0) == fact["year"], where
    assert (fields.get("doi") or "").lower() == str(fact.get("doi") or "").lower(), where
    if "pages" in fact:
        assert fields.get("pages") == page_range(str(fact["pages"])), where
    if "volume" in fact and fields.get("volume"):
        assert str(fields.get("volume")) in str(fact["volume"]), where
    venue = to_text(fields.get("booktitle") or fields.get("journal") or "")
    # The facts' venue may add a note in parentheses or after a comma: "(ACL 2022)".
    assert venue and fact["venue"].startswith(venue), where


def test_every_verified_version_with_the_preprint_title_is_confirmed(survey: Lookup) -> None:
    confirmed = {i for i, d in survey.decisions.items() if d.kind == "confirmed"}

    assert set(FACTS) - confirmed == set(RETITLED)
    assert len(confirmed) == len(FACTS) - len(RETITLED) == 55


def test_retitled_versions_are_listed_when_found_never_confirmed(survey: Lookup) -> None:
    listed = {i: [v.candidate.key for v in survey.decisions[i].candidates] for i in RETITLED}

    assert listed == {
        "2004.04270": [], "2007.10310": [], "2308.16692": [],
        "2102.01192": ["journals/tacl/LakhotiaKHAPBNC21"],
        "2409.07437": ["conf/icassp/MaimonRA25"],
    }


def test_decoys_beside_survey_works_are_listed_not_taken(survey: Lookup) -> None:
    moshi, textually = survey.decisions["2410.00037"], survey.decisions["2305.13009"]

    assert (moshi.kind, [v.candidate.key for v in moshi.candidates]) == (
        "candidates", ["conf/slt/RossiT25"])
    assert textually.version is not None and textually.version.key == "conf/nips/HassidRNGCKCD23"
    assert [v.candidate.key for v in textually.candidates] == ["journals/spl/SilvaH24"]


def test_counts_and_request_budget(survey: Lookup) -> None:
    works = len(survey.decisions)
    confirmed = [d.version for d in survey.decisions.values() if d.version is not None]

    assert kinds(survey) == Counter({"confirmed": 55, "none": 25, "candidates": 3})
    assert works == 83
    assert survey.searches == works
    assert survey.record_fetches == len(confirmed)
    assert survey.crossref_requests == len({v.doi.lower() for v in confirmed if v.doi}) == 25


# ----------------------------------------------------------------------------- decoy works


def _preprint(arxiv_id: str, title: str, *authors: str) -> ArxivMetadata:
    return ArxivMetadata(arxiv_id, 1, title, authors, "2025-01-01", "2025-01-01", "cs.CL")


DECOY_WORKS = {
    "2501.10001": _preprint("2501.10001", "Streaming Speech Tokenizers for Dialogue",
                            "Wei Li", "Mei Zhang"),
    "2501.10002": _preprint("2501.10002", "On the Limits of Spoken Language Modeling",
                            "Ilse Vermeulen"),
    "2501.10003": _preprint("2501.10003", "A Benchmark for Spoken Reasoning",
                            "Tomas Novak", "Eva Horak"),
    "2501.10004": _preprint("2501.10004", "Prosody Tokens for Speech Generation", "Lena Fischer"),
    "2501.10005": _preprint("2501.10005", "Listening Without Transcripts", "Kofi Mensah"),
}


@pytest.fixture(scope="module")
def decoys(scholarly_servers: tuple[ReplayServer, ReplayServer]) -> Iterator[Lookup]:
    for server in scholarly_servers:
        server.clear()
    yield look_up(DECOY_WORKS, *scholarly_servers)
    for server in scholarly_servers:
        server.clear()


def test_decoy_works_decided(decoys: Lookup) -> None:
    decided = {i: (d.kind, d.version.key if d.version else None,
                   [v.candidate.key for v in d.candidates]) for i, d in decoys.decisions.items()}

    assert decided == {
        "2501.10001": ("confirmed", "conf/interspeech/0001Z25", []),
        "2501.10002": ("confirmed", "journals/spl/Vermeulen25", []),
        "2501.10003": ("confirmed", "conf/acl/NovakH25", []),
        "2501.10004": ("candidates", None, ["conf/ssw/Fischer24"]),
        "2501.10005": ("none", None, []),
    }
    assert (decoys.searches, decoys.record_fetches, decoys.crossref_requests) == (5, 3, 1)


def test_decoy_versions_fields(decoys: Lookup) -> None:
    homonyms, linked = decoys.fields["2501.10001"], decoys.fields["2501.10003"]

    assert dict(homonyms.fields) == {
        "booktitle": "Interspeech 2025", "year": "2025", "pages": "4001--4005",
        "publisher": "ISCA", "doi": "10.21437/Interspeech.2025-9001"}
    assert linked.get("booktitle") == "Findings of the Association for Computational " \
                                      "Linguistics: ACL 2025"


# ----------------------------------------------------------------------------- real consumers


def _bib(lookup: Lookup, preprints: Mapping[str, ArxivMetadata]) -> tuple[str, Sequence[str]]:
    """The upgraded records as references.bib would write them, and their keys."""
    entries: list[Block] = []
    for arxiv_id, version in sorted(lookup.fields.items()):
        fields = lay_over(arxiv_fields(preprints[arxiv_id]), version)
        entry = Entry(version.type, "v" + arxiv_id.replace(".", ""),
                      [Field(name, value) for name, value in fields.items()])
        entry.parser_metadata[PLAIN] = {"author", "title"}
        entries.append(entry)
    library = Library(entries)
    for middleware in default_stack():
        library = middleware.transform(library)
    records = [Record(e.key, e.entry_type, tuple((f.key, str(f.value)) for f in e.fields))
               for e in library.entries]
    return write_bibtex(records), [e.key for e in library.entries]


@pytest.fixture(scope="module")
def upgraded(survey: Lookup,
             preprints: Mapping[str, ArxivMetadata]) -> tuple[str, Sequence[str]]:
    return _bib(survey, {i: preprints[i] for i in sorted(survey.fields)})


@pytest.mark.latex
@needs_bibtex
@pytest.mark.parametrize("style", ["plainnat", "plain"])
def test_upgraded_records_compile_with_bibtex(
    style: str, upgraded: tuple[str, Sequence[str]], tmp_path: Path
) -> None:
    text, keys = upgraded
    (tmp_path / "refs.bib").write_text(text, encoding="utf-8")
    natbib = "\\usepackage{natbib}\n" if style == "plainnat" else ""
    write_document(tmp_path, f"\\sloppy \\cite{{{','.join(keys)}}}", packages=natbib,
                   style=style)

    assert compile_document(tmp_path) == []
    pdf = pdf_text(tmp_path)
    assert "Findings of the Association for Computational Linguistics: ACL 2025" in pdf
    assert "13943\u201313970" in pdf
    assert "arXiv preprint" not in pdf


@pytest.mark.latex
@needs_biber
def test_upgraded_records_compile_with_biber(
    upgraded: tuple[str, Sequence[str]], tmp_path: Path
) -> None:
    text, keys = upgraded
    (tmp_path / "refs.bib").write_text(text, encoding="utf-8")
    write_document(tmp_path, f"\\sloppy \\cite{{{','.join(keys)}}}", biblatex=True)

    assert compile_document(tmp_path, biber=True) == []
    assert "Transactions of the Association for Computational Linguistics" in pdf_text(tmp_path)
