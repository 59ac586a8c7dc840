"""The shared fixtures leave nothing behind: what one test starts never reaches the next."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from pathlib import Path

import pytest
import requests

from arxiv_server import Fault
from conftest import Cli, loopback_arxiv

MOSHI = "2410.00037"


def _abandoned_request(url: str, errors: list[BaseException]) -> threading.Thread:
    """A request in a thread of its own, that nobody waits for."""
    def get() -> None:
        try:
            requests.get(url, timeout=30).close()
        except requests.RequestException as error:
            errors.append(error)

    thread = threading.Thread(target=get)
    thread.start()
    return thread


def test_a_slow_answer_and_queued_faults_do_not_reach_the_next_test(
        replay: Mapping[str, bytes], monkeypatch: pytest.MonkeyPatch, survey_repo: Path,
        run: Cli) -> None:
    """One test leaves a slow answer in flight and a fault queued; the next sees neither."""
    errors: list[BaseException] = []
    with loopback_arxiv(replay, monkeypatch) as first:
        first.inject(Fault.slow(30), Fault.http(500))
        thread = _abandoned_request(first.query_url([MOSHI]), errors)
        deadline = time.monotonic() + 10
        while first.in_flight == 0:
            assert time.monotonic() < deadline, "the request never reached the server"
            time.sleep(0.01)
    assert first.in_flight == 0
    assert [(r.status, r.fault) for r in first.requests] == [(None, Fault.slow(30))]
    thread.join(10)
    assert not thread.is_alive() and len(errors) == 1

    with loopback_arxiv(replay, monkeypatch) as second:
        assert (second.requests, second.pending_faults, second.in_flight) == ([], 0, 0)
        result = run("sync", "--refresh", "--arxiv-only", "--only", "defossez2024moshi",
                     root=survey_repo)
        assert result.exit_code == 0, result.stderr
        assert [(r.id_list, r.status, r.fault) for r in second.requests] == [
            ((MOSHI,), 200, None)]


def test_each_test_gets_a_server_with_every_replay_entry(
        replay: Mapping[str, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    """A changed or removed entry is gone with the server that changed it."""
    with loopback_arxiv(replay, monkeypatch) as first:
        first.remove_entry(MOSHI)
    with loopback_arxiv(replay, monkeypatch) as second:
        assert MOSHI in second.ids and len(second.ids) == len(replay)
