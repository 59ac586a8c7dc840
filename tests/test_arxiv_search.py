"""The arXiv search client: the query syntax it writes and reads, paging and faults over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from speechlm_bib.errors import FetchError
from speechlm_bib.sources.arxiv import FetchSettings
from speechlm_bib.sources.arxiv_query import build_query, check_query, query_terms
from speechlm_bib.sources.arxiv_search import SearchOutcome, fetch_new_papers

from arxiv_search_server import ArxivSearchServer, SearchRequest
from arxiv_server import Fault, FaultKind

JUNE = datetime(2025, 6, 1, tzinfo=UTC)
NOW = datetime(2026, 1, 1, tzinfo=UTC)
SPEECH_LM = 'abs:"speech language model" OR abs:"spoken language model"'
CATEGORIES = ("cs.CL", "cs.SD", "eess.AS")
# What SPEECH_LM finds in June 2025 within CATEGORIES, newest first.
SPEECH_LM_JUNE = ["2506.90008", "2506.90007", "2506.90051", "2506.90006", "2506.90031",
                  "2506.90005", "2506.90003", "2506.90002", "2506.90001", "2506.00975"]


@pytest.fixture
def server(search_server: ArxivSearchServer) -> ArxivSearchServer:
    search_server.reset()
    search_server.clear_faults()
    return search_server


def settings(server: ArxivSearchServer, retries: int = 3) -> FetchSettings:
    return FetchSettings(api=server.url, delay=0, timeout=2, retries=retries, batch_size=4)


def fetch(server: ArxivSearchServer, queries: tuple[str, ...] = (SPEECH_LM,),
          since: datetime = JUNE, retries: int = 3) -> SearchOutcome:
    return fetch_new_papers(queries, CATEGORIES, since, NOW, settings(server, retries))


def ids(outcome: SearchOutcome) -> list[str]:
    return [p.id for p in outcome.papers]


def pages(requests: list[SearchRequest]) -> list[tuple[int, FaultKind | None]]:
    return [(r.start, r.fault.kind if r.fault else None) for r in requests]


# --------------------------------------------------------------------------- syntax


@pytest.mark.parametrize(("query", "problem"), [
    ('abs:"speech language model"', None),
    ("(ti:speech OR ti:audio) AND (ti:tokenizer OR ti:codec)", None),
    ("cat:cs.CL ANDNOT ti:survey", None),
    ("", "is empty"),
    ("ti:(codec", "a parenthesis is not closed"),
    ("ti:codec)", "a parenthesis closes what was not opened"),
    ('abs:"speech language', "a quote is not closed"),
    ("submittedDate:[2025 TO", "a date range is not closed with ]"),
    ("OR ti:codec", "'OR' needs a term on each side"),
    ("ti:codec AND ANDNOT ti:x", "'AND' needs a term on each side"),
    ("(ti:codec AND)", "'AND' needs a term on each side"),
    ("titel:codec", "unknown field prefix 'titel:'"),
])
def test_check_query(query: str, problem: str | None) -> None:
    found = check_query(query)
    assert found == problem if problem is None else (found or "").startswith(problem)


def test_build_query_narrows_to_categories_and_dates() -> None:
    since = datetime(2025, 6, 27, 15, 0, 30, tzinfo=UTC)
    built = build_query("ti:codec OR ti:tokenizer", (), since, NOW)
    assert built == "(ti:codec OR ti:tokenizer) AND submittedDate:[202506271500 TO 202601010000]"


def test_query_terms_are_the_text_words_and_phrases() -> None:
    queries = ['abs:"spoken dialogue" AND (abs:"full-duplex" OR all:turn*)',
               "(ti:speech OR ti:audio) AND cat:cs.SD ANDNOT au:(smith OR jones)",
               "co:demo AND submittedDate:[202501010000 TO 202502010000] AND jr:ICASSP"]
    assert query_terms(queries) == ("spoken dialogue", "full-duplex", "turn", "speech",
                                    "audio", "demo")


# --------------------------------------------------------------------------- fetching


def test_one_request_a_page_newest_first(server: ArxivSearchServer) -> None:
    outcome = fetch(server)
    assert ids(outcome) == SPEECH_LM_JUNE
    assert outcome.requests == 3 == len(server.requests)
    assert [r.start for r in server.requests] == [0, 4, 8]
    request = server.requests[0]
    assert (request.sort_by, request.sort_order, request.max_results) == (
        "submittedDate", "descending", 4)
    assert request.search_query == build_query(SPEECH_LM, CATEGORIES, JUNE, NOW)
    paper = next(p for p in outcome.papers if p.id == "2506.00975")
    assert paper.version == 3 and paper.published == datetime(2025, 6, 1, 3, 44, tzinfo=UTC)
    assert paper.abstract.startswith("Generative speech language modeling for dual-channel")


def test_papers_found_by_several_queries_are_listed_once(server: ArxivSearchServer) -> None:
    outcome = fetch(server, ("ti:codec", "ti:tokenizer OR ti:codec"))
    assert ids(outcome) == ["2506.90006", "2506.90023", "2506.90002"]
    assert [p.queries for p in outcome.papers] == [(0, 1), (0, 1), (1,)]
    assert outcome.requests == 2


def test_paging_stops_at_the_first_paper_older_than_since(server: ArxivSearchServer) -> None:
    # arXiv's date ranges go by the minute: 2506.90008 (15:00:00) comes back for 15:00:30.
    since = datetime(2025, 6, 27, 15, 0, 30, tzinfo=UTC)
    outcome = fetch(server, since=since)
    assert ids(outcome) == [] and outcome.requests == 1
    assert ids(fetch(server, since=datetime(2025, 6, 21, tzinfo=UTC))) == SPEECH_LM_JUNE[:3]


def test_an_empty_first_page_is_no_results(server: ArxivSearchServer) -> None:
    outcome = fetch(server, ("ti:nothing",))
    assert outcome.papers == () and outcome.requests == 1


@pytest.mark.parametrize("fault", [Fault.http(500), Fault.unavailable(), Fault.rate_limited(),
                                   Fault.truncated(), Fault.reset(), Fault.empty()],
                         ids=["500", "503", "429", "truncated", "reset", "empty"])
def test_a_fault_on_the_second_page_is_retried_from_there(
    fault: Fault, server: ArxivSearchServer
) -> None:
    server.inject(Fault.none(), fault)
    outcome = fetch(server)
    assert ids(outcome) == SPEECH_LM_JUNE
    assert pages(server.requests) == [(0, None), (4, fault.kind), (4, None), (8, None)]


def test_an_empty_page_where_a_retry_resumes_is_asked_again(server: ArxivSearchServer) -> None:
    server.inject(Fault.none(), Fault.http(500), Fault.empty())
    outcome = fetch(server)
    assert ids(outcome) == SPEECH_LM_JUNE
    assert pages(server.requests) == [(0, None), (4, FaultKind.HTTP), (4, FaultKind.EMPTY),
                                      (4, None), (8, None)]


def test_retry_after_is_honoured(server: ArxivSearchServer) -> None:
    server.inject(Fault.rate_limited(retry_after=1))
    fetch(server)
    first, second = server.requests[:2]
    assert first.status == 429 and second.received_at - first.received_at >= 1


def test_a_failure_after_every_retry_is_a_fetch_error(server: ArxivSearchServer) -> None:
    server.inject(*[Fault.http(503)] * 3)
    with pytest.raises(FetchError, match=r"arXiv search failed \(HTTP 503; 3 tries\)"):
        fetch(server, retries=2)
    assert len(server.requests) == 3


def test_a_client_error_is_not_retried(server: ArxivSearchServer) -> None:
    server.inject(Fault.http(400))
    with pytest.raises(FetchError, match=r"HTTP 400; 1 try\)"):
        fetch(server)
    assert len(server.requests) == 1
