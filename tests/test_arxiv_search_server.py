"""The loopback search server: arXiv's search syntax, sorting, paging and faults over HTTP."""

from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as ET

import arxiv
import pytest
import requests

from arxiv_search_query import QueryError, parse_search_query
from arxiv_search_server import ArxivSearchServer, main
from arxiv_server import OPENSEARCH_NS, Fault

JUNE = "submittedDate:[202506010000 TO 202506302359]"


def search(server: ArxivSearchServer, query: str, **kwargs: object) -> list[str]:
    client = arxiv.Client(page_size=int(str(kwargs.pop("page_size", 100))), delay_seconds=0,
                          num_retries=0)
    client.query_url_format = server.url + "?{}"
    found = client.results(arxiv.Search(query=query, max_results=None, **kwargs))
    return [r.get_short_id().split("v")[0] for r in found]


def raw(server: ArxivSearchServer, **params: str) -> requests.Response:
    return requests.get(server.url, params=params, timeout=5)


def entry_ids(response: requests.Response) -> list[bytes]:
    return re.findall(rb"<id>http://arxiv.org/abs/([0-9.]+)v", response.content)


def total(response: requests.Response) -> int:
    root = ET.fromstring(response.content)
    return int(root.findtext(f"{{{OPENSEARCH_NS}}}totalResults") or -1)


@pytest.fixture
def server(search_server: ArxivSearchServer) -> ArxivSearchServer:
    search_server.reset()
    search_server.clear_faults()
    return search_server


@pytest.mark.parametrize(("query", "expected"), [
    ('ti:"speech tokenizer"', {"2506.90002"}),
    ("ti:codec", {"2506.90006", "2506.90023"}),
    ("abs:geophones", {"2506.90023"}),
    ("au:panayotov", {"2506.90041"}),
    ("all:zebra", {"2506.90071"}),
    ("zebra", {"2506.90071"}),
    ("jr:icassp", {"2506.90041"}),
    ("cat:q-bio.NC", {"2506.90031", "2506.90071"}),
    ("cat:q-bio.*", {"2506.90021", "2506.90031", "2506.90071"}),
    ("ti:codec AND cat:cs.SD", {"2506.90006"}),
    ("ti:codec ANDNOT cat:cs.SD", {"2506.90023"}),
    ("ti:codec OR ti:tokenizer", {"2506.90002", "2506.90006", "2506.90023"}),
    ("ti:(codec OR tokenizer) AND abs:hubert", {"2506.90002"}),
    ("ti:speech AND (ti:codec OR ti:tokenizer)", {"2506.90002", "2506.90006"}),
    ("ti:bench*", {"2506.90003", "2506.90008", "2506.90021"}),
    ('abs:"full-duplex"', {"2506.90001"}),
    ("ti:tokenizers", {"2506.90002"}),  # plural folded: the title says "Tokenizer"
    ("ti:seismic OR ti:zebra AND ti:nothing", {"2506.90023"}),  # AND binds tighter
    ("ti:codec ti:lossless", {"2506.90023"}),  # side by side: AND
    ("submittedDate:[202505010000 TO 202505312359]", {"2505.90061"}),
    ("lastUpdatedDate:[202506200000 TO 202506202359]", {"2506.90004"}),
])
def test_search_syntax(server: ArxivSearchServer, query: str, expected: set[str]) -> None:
    assert set(search(server, query)) == expected


def test_date_ranges_include_both_ends_to_the_minute(server: ArxivSearchServer) -> None:
    # 2506.90008 was submitted at 2025-06-27 15:00 GMT.
    assert search(server, "submittedDate:[202506271500 TO 202506271500]") == ["2506.90008"]
    assert search(server, "submittedDate:[202506271501 TO 202612312359]") == []


def test_sorting_by_submission_and_update(server: ArxivSearchServer) -> None:
    query = f"ti:codec OR ti:tokenizer AND {JUNE}"
    newest = search(server, query, sort_by=arxiv.SortCriterion.SubmittedDate)
    assert newest == ["2506.90006", "2506.90023", "2506.90002"]
    oldest = search(server, query, sort_by=arxiv.SortCriterion.SubmittedDate,
                    sort_order=arxiv.SortOrder.Ascending)
    assert oldest == newest[::-1]
    updated = search(server, "abs:hubert OR ti:omnivoice",
                     sort_by=arxiv.SortCriterion.LastUpdatedDate)
    assert updated == ["2506.90004", "2506.90002"]


def test_paging_slices_the_sorted_matches(server: ArxivSearchServer) -> None:
    query = f'abs:"speech language model" AND {JUNE}'
    whole = search(server, query, sort_by=arxiv.SortCriterion.SubmittedDate)
    server.reset()
    paged = search(server, query, sort_by=arxiv.SortCriterion.SubmittedDate, page_size=3)
    assert paged == whole and len(whole) > 6
    starts = [(r.start, r.max_results) for r in server.requests]
    assert starts == [(i, 3) for i in range(0, len(whole), 3)]
    response = raw(server, search_query=query, start="2", max_results="2")
    assert total(response) == len(whole)
    assert response.content.count(b"<entry>") == 2


def test_id_list_alone_and_with_a_query(server: ArxivSearchServer) -> None:
    lookup = raw(server, id_list="2506.90023,2506.99999,2506.90002v4")
    assert entry_ids(lookup) == [b"2506.90023", b"2506.90002"]
    both = raw(server, id_list="2506.90023,2506.90002", search_query="ti:tokenizer")
    assert entry_ids(both) == [b"2506.90002"]


@pytest.mark.parametrize("params", [
    {"search_query": "ti:(codec"},
    {"search_query": 'ti:"codec'},
    {"search_query": "title:codec"},
    {"search_query": "ti:codec AND"},
    {"search_query": "submittedDate:[2025 TO 2026]"},
    {"search_query": "ti:codec", "sortBy": "citations"},
    {"search_query": "ti:codec", "start": "-1"},
])
def test_what_it_cannot_read_is_a_400(server: ArxivSearchServer, params: dict[str, str]) -> None:
    assert raw(server, **params).status_code == 400


def test_parse_errors_name_the_problem() -> None:
    with pytest.raises(QueryError, match="not closed"):
        parse_search_query("(ti:codec")
    with pytest.raises(QueryError, match="unknown field prefix"):
        parse_search_query("foo:bar")


def test_faults_are_consumed_one_a_request(server: ArxivSearchServer) -> None:
    server.inject(Fault.rate_limited(retry_after=7), Fault.empty(), Fault.truncated())
    limited = raw(server, search_query="ti:codec")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "7"
    empty = raw(server, search_query="ti:codec")
    assert total(empty) == 0 and b"<entry>" not in empty.content
    cut = raw(server, search_query="ti:codec")
    assert cut.status_code == 200 and not cut.content.rstrip().endswith(b"</feed>")
    assert raw(server, search_query="ti:codec").content.count(b"<entry>") == 2
    assert [r.status for r in server.requests] == [429, 200, 200, 200]
    with pytest.raises(ValueError, match="does not serve"):
        server.inject(Fault.withdrawn())


def test_a_reset_sends_no_answer(server: ArxivSearchServer) -> None:
    server.inject(Fault.reset())
    with pytest.raises(requests.ConnectionError):
        raw(server, search_query="ti:codec")
    assert server.requests[-1].status is None


def test_run_by_hand_prints_its_url() -> None:
    stop = threading.Event()
    lines: list[str] = []

    def serve() -> None:
        import contextlib
        import io

        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            main(["--port", "0"], stop)
        lines.extend(out.getvalue().splitlines())

    thread = threading.Thread(target=serve)
    thread.start()
    stop.set()
    thread.join(10)
    assert lines and re.fullmatch(r"http://127\.0\.0\.1:\d+/api/query", lines[0])
