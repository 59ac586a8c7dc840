from __future__ import annotations

import functools
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, cast

import arxiv
import pytest
import requests

from arxiv_server import (
    DEFAULT_REPLAY_DIR,
    WITHDRAWN_COMMENT,
    ArxivReplayServer,
    Fault,
    ReplayError,
    build_parser,
    main,
    make_entry,
)

MOSHI = "2410.00037"
WAV2VEC2 = "2006.11477"
LAURAGPT = "2310.04673"  # replay entry is v4, without primary category


def synthetic(count: int) -> dict[str, bytes]:
    ids = [f"2401.{i:05d}" for i in range(count)]
    return {i: make_entry(i, f"Paper {n}", [f"Author {n}"]) for n, i in enumerate(ids)}


def fetch(client: arxiv.Client, ids: list[str]) -> list[arxiv.Result]:
    return list(client.results(arxiv.Search(id_list=ids, max_results=len(ids))))


def short_ids(results: list[arxiv.Result]) -> list[str]:
    return [r.get_short_id() for r in results]


@pytest.fixture
def server(replay: Mapping[str, bytes]) -> Iterator[ArxivReplayServer]:
    with ArxivReplayServer(replay) as srv:
        yield srv


def make_client(server: ArxivReplayServer, num_retries: int = 0) -> arxiv.Client:
    client = arxiv.Client(page_size=100, delay_seconds=0, num_retries=num_retries)
    client.query_url_format = server.url + "?{}"
    return client


@pytest.fixture
def client(server: ArxivReplayServer) -> Iterator[arxiv.Client]:
    c = make_client(server)
    yield c
    c._session.close()


# ----------------------------------------------------------------------------- serving


def test_results_in_id_list_order_unknown_ids_left_out(
    server: ArxivReplayServer, client: arxiv.Client
) -> None:
    results = fetch(client, [MOSHI, "9999.99999", WAV2VEC2, LAURAGPT])
    assert short_ids(results) == [f"{MOSHI}v1", f"{WAV2VEC2}v1", f"{LAURAGPT}v4"]
    assert results[0].title == "Moshi: a speech-text foundation model for real-time dialogue"
    assert results[1].primary_category == "cs.CL"
    assert results[2].primary_category == ""
    (request,) = server.requests
    assert request.id_list == (MOSHI, "9999.99999", WAV2VEC2, LAURAGPT)
    assert (request.start, request.max_results, request.status) == (0, 100, 200)
    assert request.fault is None


def test_feed_header(server: ArxivReplayServer) -> None:
    url = server.query_url([MOSHI, "9999.99999", WAV2VEC2], start=1, max_results=5)
    with requests.get(url, timeout=5) as response:
        assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
        root = ET.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom", "os": "http://a9.com/-/spec/opensearch/1.1/"}
    assert root.findtext("os:totalResults", namespaces=ns) == "2"
    assert root.findtext("os:startIndex", namespaces=ns) == "1"
    assert root.findtext("os:itemsPerPage", namespaces=ns) == "1"
    assert root.findtext("a:title", namespaces=ns)
    assert root.findtext("a:id", namespaces=ns)
    assert root.findtext("a:updated", namespaces=ns)
    assert [e.findtext("a:id", namespaces=ns) for e in root.iterfind("a:entry", ns)] == [
        f"http://arxiv.org/abs/{WAV2VEC2}v1"
    ]


def test_requested_version_is_reflected(client: arxiv.Client) -> None:
    (result,) = fetch(client, [f"{LAURAGPT}v2"])
    assert result.entry_id == f"http://arxiv.org/abs/{LAURAGPT}v2"
    assert result.pdf_url == f"http://arxiv.org/pdf/{LAURAGPT}v2"


def test_ids_match_case_sensitively(client: arxiv.Client) -> None:
    assert fetch(client, [f"{MOSHI}V2"]) == []


def test_old_style_ids(tmp_path: Path) -> None:
    entry = make_entry(
        "math/0211159", "Ricci flow", ["Grisha Perelman"], primary_category="math.DG"
    )
    (tmp_path / "math_0211159.xml").write_bytes(entry)
    with ArxivReplayServer(tmp_path) as srv:
        c = make_client(srv)
        (result,) = fetch(c, ["math/0211159v2"])
        c._session.close()
    assert result.get_short_id() == "math/0211159v2"
    assert result.authors[0].name == "Grisha Perelman"


def test_batches_of_page_size() -> None:
    entries = synthetic(150)
    with ArxivReplayServer(entries) as srv:
        c = make_client(srv)
        results = fetch(c, list(entries))
        c._session.close()
    assert short_ids(results) == [f"{i}v1" for i in entries]
    assert [(r.start, r.max_results, len(r.id_list)) for r in srv.requests] == [
        (0, 100, 150),
        (100, 100, 150),
    ]


def test_set_entry_simulates_a_new_version(server: ArxivReplayServer, client: arxiv.Client) -> None:
    server.set_entry(MOSHI, make_entry(MOSHI, "Moshi, revised", ["Alexandre Défossez"], 3))
    (result,) = fetch(client, [MOSHI])
    assert (result.get_short_id(), result.title) == (f"{MOSHI}v3", "Moshi, revised")
    server.remove_entry(MOSHI)
    assert fetch(client, [MOSHI]) == []
    assert MOSHI not in server.ids


def test_make_entry_escapes_everything(server: ArxivReplayServer, client: arxiv.Client) -> None:
    title = "Tags <b> & \"quotes\" in 'titles'"
    authors = ["Ana <Ann> & Co", "Łukasz Żółć"]
    server.set_entry("2501.00001", make_entry("2501.00001", title, authors, primary_category="a&b"))
    (result,) = fetch(client, ["2501.00001"])
    assert result.title == title
    assert [a.name for a in result.authors] == authors
    assert result.primary_category == "a&b"
    assert result.published.isoformat() == "2024-10-01T00:00:00+00:00"


def test_make_entry_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="without version"):
        make_entry("2501.00001v2", "t", ["a"])
    with pytest.raises(TypeError):
        make_entry("2501.00001", "t", "single author string")
    with pytest.raises(ValueError):
        make_entry("2501.00001", "t", ["a"], published="October 2024")


def test_set_entry_checks_the_entry(server: ArxivReplayServer) -> None:
    with pytest.raises(ReplayError, match="well-formed"):
        server.set_entry(MOSHI, b"  <entry><id>")
    with pytest.raises(ReplayError, match="<id>"):
        server.set_entry(MOSHI, make_entry(WAV2VEC2, "t", ["a"]))


def test_load_replay_names_the_bad_file(tmp_path: Path) -> None:
    (tmp_path / "2501.00001.xml").write_bytes(b"<entry>")
    with pytest.raises(ReplayError, match=r"2501\.00001\.xml"):
        ArxivReplayServer(tmp_path)


def test_other_paths_are_404_and_bad_arguments_400(server: ArxivReplayServer) -> None:
    base = server.url.removesuffix("/api/query")
    with requests.get(f"{base}/api/other?id_list={MOSHI}", timeout=5) as response:
        assert response.status_code == 404
    with requests.get(f"{server.url}?id_list={MOSHI}&start=x", timeout=5) as response:
        assert response.status_code == 400
    assert [(r.path, r.status) for r in server.requests] == [
        ("/api/other", 404),
        ("/api/query", 400),
    ]


def test_requests_are_recorded_from_threads_and_reset(server: ArxivReplayServer) -> None:
    def get() -> None:
        with requests.get(server.query_url([MOSHI]), timeout=5) as response:
            response.raise_for_status()

    threads = [threading.Thread(target=get) for _ in range(8)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    finished = time.monotonic()
    assert len(server.requests) == 8
    assert all(started <= r.received_at <= finished for r in server.requests)
    server.reset()
    assert server.requests == []


# ----------------------------------------------------------------------------- faults


@pytest.mark.parametrize("fault", [Fault.http(500), Fault.unavailable(7), Fault.rate_limited()])
def test_http_faults(server: ArxivReplayServer, client: arxiv.Client, fault: Fault) -> None:
    server.inject(fault)
    with pytest.raises(arxiv.HTTPError) as excinfo:
        fetch(client, [MOSHI])
    assert excinfo.value.status == fault.status
    assert server.requests[0].status == fault.status
    assert server.requests[0].fault == fault
    assert fetch(client, [MOSHI])  # consumed: the next request is answered


def test_http_fault_headers(server: ArxivReplayServer) -> None:
    server.inject(Fault.unavailable(retry_after=7), Fault.http(500, {"X-Why": "because"}))
    with requests.get(server.query_url([MOSHI]), timeout=5) as response:
        assert (response.status_code, response.headers["Retry-After"]) == (503, "7")
    with requests.get(server.query_url([MOSHI]), timeout=5) as response:
        assert (response.status_code, response.headers["X-Why"]) == (500, "because")


def test_retries_recover_from_a_fault(server: ArxivReplayServer) -> None:
    server.inject(Fault.rate_limited(1))
    c = make_client(server, num_retries=1)
    assert short_ids(fetch(c, [MOSHI])) == [f"{MOSHI}v1"]
    c._session.close()
    assert [r.status for r in server.requests] == [429, 200]


def test_empty_first_page_ends_results_silently(
    server: ArxivReplayServer, client: arxiv.Client
) -> None:
    server.inject(Fault.empty())
    assert fetch(client, [MOSHI, WAV2VEC2]) == []
    assert server.requests[0].fault == Fault.empty()


def test_empty_later_page_raises() -> None:
    entries = synthetic(150)
    with ArxivReplayServer(entries) as srv:
        srv.inject(Fault.none(), Fault.empty())
        c = make_client(srv)
        with pytest.raises(arxiv.UnexpectedEmptyPageError):
            fetch(c, list(entries))
        c._session.close()
    assert [r.start for r in srv.requests] == [0, 100]
    assert srv.pending_faults == 0


def test_truncated_page_is_cut_in_half(server: ArxivReplayServer) -> None:
    ids = list(server.ids[:10])
    with requests.get(server.query_url(ids), timeout=5) as response:
        full = response.content
    server.inject(Fault.truncated())
    with requests.get(server.query_url(ids), timeout=5) as response:
        assert response.content == full[: len(full) // 2]
    with pytest.raises(ET.ParseError):
        ET.fromstring(response.content)


def test_truncated_page_is_silently_recovered_by_the_client(
    server: ArxivReplayServer, client: arxiv.Client
) -> None:
    # arxiv 4.x parses with lxml recover=True: the entries before the cut come back (the one
    # cut through with part of its authors), and the client asks for the rest from there.
    ids = list(server.ids[:10])
    full = fetch(client, ids)
    server.reset()
    server.inject(Fault.truncated())
    partial = fetch(client, ids)
    assert short_ids(partial) == short_ids(full)
    assert [len(r.authors) for r in partial] != [len(r.authors) for r in full]
    first, second = server.requests
    assert first.fault == Fault.truncated()
    assert 0 < second.start < len(ids)


def test_connection_reset(server: ArxivReplayServer, client: arxiv.Client) -> None:
    server.inject(Fault.reset())
    with pytest.raises(requests.exceptions.ConnectionError):
        fetch(client, [MOSHI])
    assert server.requests[0].status is None
    assert fetch(client, [MOSHI])


def test_slow_answer_arrives_late(server: ArxivReplayServer, client: arxiv.Client) -> None:
    server.inject(Fault.slow(0.3))
    started = time.monotonic()
    assert fetch(client, [MOSHI])
    assert time.monotonic() - started >= 0.3


def test_slow_answer_times_out_and_does_not_delay_shutdown(replay: Mapping[str, bytes]) -> None:
    with ArxivReplayServer(replay) as srv:
        srv.inject(Fault.slow(30))
        c = make_client(srv)
        c._session.request = functools.partial(c._session.request, timeout=0.2)
        with pytest.raises(requests.exceptions.ReadTimeout):
            fetch(c, [MOSHI])
        c._session.close()
        stopping = time.monotonic()
    assert time.monotonic() - stopping < 2
    (request,) = srv.requests
    assert (request.status, request.fault) == (None, Fault.slow(30))


def test_per_id_faults(server: ArxivReplayServer, client: arxiv.Client) -> None:
    server.fail_ids({MOSHI: Fault.http(500)})
    for _ in range(2):
        with pytest.raises(arxiv.HTTPError):
            fetch(client, [WAV2VEC2, f"{MOSHI}v1"])
    assert fetch(client, [WAV2VEC2])
    server.inject(Fault.none())  # a queued fault takes precedence over per-id faults
    assert len(fetch(client, [WAV2VEC2, MOSHI])) == 2
    server.clear_faults()
    assert len(fetch(client, [WAV2VEC2, MOSHI])) == 2


def test_withdrawn_per_id(server: ArxivReplayServer, client: arxiv.Client) -> None:
    server.fail_ids({MOSHI: Fault.withdrawn()})
    moshi, wav2vec2 = fetch(client, [MOSHI, WAV2VEC2])
    assert moshi.comment == WITHDRAWN_COMMENT
    assert moshi.title == "Moshi: a speech-text foundation model for real-time dialogue"
    assert moshi.get_short_id() == f"{MOSHI}v1"
    assert wav2vec2.comment is None


def test_withdrawn_queued(server: ArxivReplayServer, client: arxiv.Client) -> None:
    server.set_entry(
        "2501.00001",
        make_entry("2501.00001", "t", ["a"]).replace(
            b"</summary>", b"</summary>\n    <arxiv:comment>10 pages</arxiv:comment>"
        ),
    )
    server.inject(Fault.withdrawn(WAV2VEC2), Fault.withdrawn())
    assert [r.comment for r in fetch(client, [MOSHI, WAV2VEC2])] == [None, WITHDRAWN_COMMENT]
    assert [r.comment for r in fetch(client, [MOSHI, "2501.00001"])] == [WITHDRAWN_COMMENT] * 2
    assert [r.comment for r in fetch(client, [MOSHI, "2501.00001"])] == [None, "10 pages"]


# ----------------------------------------------------------------------------- command line


def test_parser_defaults_and_errors(capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser().parse_args([])
    assert (args.replay, args.host, args.port) == (DEFAULT_REPLAY_DIR, "127.0.0.1", 0)
    assert build_parser().parse_args(["--port", "8080", "--replay", "x"]).port == 8080
    with pytest.raises(SystemExit) as excinfo:
        build_parser().parse_args(["--port", "http"])
    assert excinfo.value.code == 2
    assert "--port" in capsys.readouterr().err


def test_main_reports_a_bad_replay_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--replay", str(tmp_path / "missing")]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_main_serves_until_stopped(capsys: pytest.CaptureFixture[str]) -> None:
    stop = threading.Event()
    codes: list[int] = []
    thread = threading.Thread(target=lambda: codes.append(main(["--port", "0"], stop)))
    thread.start()
    try:
        url = _printed_url(capsys)
        with requests.get(f"{url}?id_list={MOSHI}", timeout=5) as response:
            assert response.status_code == 200 and b"Moshi" in response.content
    finally:
        stop.set()
        thread.join(5)
    assert codes == [0]
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}?id_list={MOSHI}", timeout=5)


def _printed_url(capsys: pytest.CaptureFixture[str]) -> str:
    """The URL main prints once it serves; fails if none is printed within 5 seconds."""
    printed = ""
    deadline = time.monotonic() + 5
    while not printed.endswith("\n"):
        assert time.monotonic() < deadline, f"no URL printed within 5 s: {printed!r}"
        time.sleep(0.01)
        printed += capsys.readouterr().out
    url = printed.strip()
    assert url.startswith("http://127.0.0.1:") and url.endswith("/api/query"), url
    return url


def test_script_runs_as_a_subprocess() -> None:
    script = Path(__file__).with_name("arxiv_server.py")
    with subprocess.Popen(
        [sys.executable, str(script), "--replay", str(DEFAULT_REPLAY_DIR), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        url = cast("IO[str]", process.stdout).readline().strip()
        try:
            with requests.get(f"{url}?id_list={MOSHI}", timeout=5) as response:
                assert b"Moshi" in response.content
        finally:
            process.send_signal(signal.SIGINT)
            _, err = process.communicate(timeout=5)
    assert url.startswith("http://127.0.0.1:") and url.endswith("/api/query")
    assert process.returncode == 0, err
