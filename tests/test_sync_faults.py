"""sync and add against a faulty arXiv: every fault of the loopback server, through the CLI.

Each test checks the whole repository afterwards, byte for byte, the exit code and the
message; where a fault leaves work undone, running sync again completes it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from speechlm_bib.services import run_build
from speechlm_bib.store.repository import load_repository
from speechlm_bib.sync import ids_to_fetch

from arxiv_server import ArxivReplayServer, Fault, FaultKind, RecordedRequest
from conftest import Cli, tree_bytes

STORE = Path("data") / "arxiv.json"
FORGOTTEN = ("2106.07447", "2210.13438", "2410.00037")


@pytest.fixture
def fast(arxiv: ArxivReplayServer, monkeypatch: pytest.MonkeyPatch) -> ArxivReplayServer:
    """The loopback server, with one retry and a short timeout."""
    monkeypatch.setenv("SPEECHLM_BIB_ARXIV_RETRIES", "1")
    monkeypatch.setenv("SPEECHLM_BIB_ARXIV_TIMEOUT", "0.5")
    return arxiv


def forget(root: Path, ids: tuple[str, ...] = FORGOTTEN) -> dict[str, bytes]:
    """Remove ids from the stored metadata (sync then fetches them) and build; the tree."""
    path = root / STORE
    data = json.loads(path.read_text(encoding="utf-8"))
    for arxiv_id in ids:
        del data[arxiv_id]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    run_build(root)
    return tree_bytes(root)


def stored(root: Path) -> dict[str, object]:
    result: dict[str, object] = json.loads((root / STORE).read_text(encoding="utf-8"))
    return result


def settled(server: ArxivReplayServer, count: int) -> list[RecordedRequest]:
    """The requests, once ``count`` are recorded: a slow answer is recorded when it ends,
    after the client gave up on it. Sorted by arrival."""
    deadline = time.monotonic() + 30
    while len(server.requests) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return sorted(server.requests, key=lambda r: r.received_at)


def faults_seen(requests: list[RecordedRequest]) -> list[FaultKind | None]:
    return [r.fault.kind if r.fault else None for r in requests]


TRANSIENT: dict[str, Fault] = {
    "http-500": Fault.http(500),
    "http-503-retry-after": Fault.unavailable(retry_after=1),
    "http-429": Fault.rate_limited(),
    "empty-page": Fault.empty(),
    "truncated-xml": Fault.truncated(),
    "html-page": Fault.html(),
    "connection-reset": Fault.reset(),
    "slower-than-timeout": Fault.slow(1.0),
}


@pytest.mark.parametrize("name", sorted(TRANSIENT))
def test_a_fault_on_two_tries_is_survived_by_the_third(
    name: str, fast: ArxivReplayServer, survey_repo: Path, run: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SPEECHLM_BIB_ARXIV_RETRIES", "2")
    original = tree_bytes(survey_repo)
    fast.inject(TRANSIENT[name], TRANSIENT[name])

    result = run("sync", "--refresh", root=survey_repo)

    assert result.exit_code == 0, result.stderr
    assert "81 unchanged" in result.stdout and "0 failed" in result.stdout
    # A retry waits silently when it is short, with a line on stderr when it takes a second
    # or more (Retry-After: 1 here), so that a long wait is not taken for a hang.
    notices = [f"speechlm-bib: arXiv ({fast.url}): HTTP 503; retrying in 1 s (retry {n} of 2)"
               for n in (1, 2)] if name == "http-503-retry-after" else []
    assert result.stderr.splitlines() == notices
    assert tree_bytes(survey_repo) == original
    assert fast.pending_faults == 0
    seen = faults_seen(settled(fast, 3))
    assert seen.count(TRANSIENT[name].kind) == 2 and seen[-1] is None


def test_truncated_pages_never_replace_stored_fields(
    fast: ArxivReplayServer, survey_repo: Path, run: Cli
) -> None:
    """A cut-off page parses leniently into fewer, partial entries: none is accepted."""
    original = tree_bytes(survey_repo)
    fast.fail_ids({"2106.07447": Fault.truncated()})

    result = run("sync", "--refresh", root=survey_repo)

    assert result.exit_code == 1
    assert "(arXiv returned a cut-off or unreadable page)" in result.stderr
    assert tree_bytes(survey_repo) == original


@pytest.mark.parametrize("fault", [Fault.rate_limited(1), Fault.unavailable(1)],
                         ids=["429", "503"])
def test_retry_after_is_honoured(
    fault: Fault, fast: ArxivReplayServer, survey_repo: Path, run: Cli
) -> None:
    fast.inject(fault)

    result = run("sync", "--refresh", root=survey_repo)

    assert result.exit_code == 0, result.stderr
    first, second = settled(fast, 2)[:2]
    assert first.status == fault.status
    assert second.received_at - first.received_at >= 1


HTML = "arXiv answered with an HTML page, not a feed: a proxy or an error page is in the way"
PERSISTENT: dict[str, tuple[Fault, str]] = {
    "http-500": (Fault.http(500), "HTTP 500"),
    "http-503-retry-after": (Fault.unavailable(retry_after=0), "HTTP 503"),
    "http-429": (Fault.rate_limited(), "HTTP 429"),
    "truncated-xml": (Fault.truncated(), "arXiv returned a cut-off or unreadable page"),
    "html-page": (Fault.html(), HTML),
    "html-page-labelled-atom": (Fault.html("application/atom+xml; charset=utf-8"), HTML),
    "connection-reset": (Fault.reset(), "connection failed (ConnectionError)"),
    "slower-than-timeout": (Fault.slow(1.0), "no answer within 0.5 s"),
}


@pytest.mark.parametrize("name", sorted(PERSISTENT))
def test_a_lasting_fault_keeps_what_is_stored_and_names_the_failed_ids(
    name: str, fast: ArxivReplayServer, survey_repo: Path, run: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Batches of 20: the batch holding the faulty id fails, the others are stored."""
    monkeypatch.setenv("SPEECHLM_BIB_ARXIV_BATCH", "20")
    original = tree_bytes(survey_repo)
    order = ids_to_fetch(load_repository(survey_repo), refresh=True)
    bad_batch = order[20:40]
    forgotten = (order[5], order[25], order[65])
    before = forget(survey_repo, forgotten)
    fault, reason = PERSISTENT[name]
    fast.fail_ids({order[30]: fault})

    result = run("sync", "--refresh", root=survey_repo)

    assert result.exit_code == 1
    assert result.stderr.endswith(
        f"speechlm-bib: sync incomplete: 20 arXiv ids could not be fetched from {fast.url} "
        f"({reason}): {', '.join(bad_batch[:10])} and 10 more (-v lists them all); what was "
        "stored for them is kept; run sync again\n"
    )
    assert f"  failed 20 ids: {reason} (-v lists them)\n" in result.stdout
    after = stored(survey_repo)
    assert order[5] in after and order[65] in after
    assert order[25] not in after
    assert json.loads(before[str(STORE)]) | {order[5]: after[order[5]],
                                             order[65]: after[order[65]]} == after
    assert _entries(tree_bytes(survey_repo)) == _entries(before)
    assert run("build", "--check", root=survey_repo).exit_code == 0

    fast.clear_faults()
    again = run("sync", root=survey_repo)
    assert again.exit_code == 0, again.stderr
    assert again.stdout.startswith("1 added, 0 changed, 0 unchanged, 80 already stored")
    assert tree_bytes(survey_repo) == original


def _without(tree: dict[str, bytes], path: Path) -> dict[str, bytes]:
    return {name: data for name, data in tree.items() if name != str(path)}


def _entries(tree: dict[str, bytes]) -> dict[str, bytes]:
    return {name: data for name, data in tree.items() if name.startswith("entries/")}


def test_every_try_failing_writes_nothing(
    fast: ArxivReplayServer, survey_repo: Path, run: Cli
) -> None:
    before = forget(survey_repo)
    order = ids_to_fetch(load_repository(survey_repo))
    fast.fail_ids({arxiv_id: Fault.http(500) for arxiv_id in fast.ids})

    result = run("sync", root=survey_repo)

    assert result.exit_code == 1
    assert sorted(order) == sorted(FORGOTTEN)
    assert result.stderr == (
        f"speechlm-bib: sync incomplete: 3 arXiv ids could not be fetched from {fast.url} "
        f"(HTTP 500): {', '.join(order)}; nothing was written; run sync again\n"
    )
    assert tree_bytes(survey_repo) == before
    assert len(fast.requests) == 2


def test_empty_pages_on_every_try_are_looked_into_half_by_half(
    fast: ArxivReplayServer, survey_repo: Path, run: Cli
) -> None:
    """Two empty pages for the whole batch, then each half is asked for once and answered."""
    original = tree_bytes(survey_repo)
    fast.inject(Fault.empty(), Fault.empty())

    result = run("sync", "--refresh", root=survey_repo)

    assert result.exit_code == 0, result.stderr
    assert "0 unknown to arXiv, 0 failed" in result.stdout
    assert [len(r.id_list) for r in fast.requests] == [81, 81, 40, 41]
    assert tree_bytes(survey_repo) == original


def test_a_stored_id_answered_empty_is_a_failure_not_an_unknown_id(
    fast: ArxivReplayServer, survey_repo: Path, run: Cli
) -> None:
    """arXiv does not forget papers: a stored id it answers without is its outage mode."""
    original = tree_bytes(survey_repo)
    fast.fail_ids({"2106.07447": Fault.empty()})

    result = run("sync", "--refresh", root=survey_repo)

    assert result.exit_code == 1
    assert "0 unknown to arXiv" in result.stdout and "unknown 2106.07447" not in result.stdout
    assert "2106.07447" in result.stderr and "what was stored for them is kept" in result.stderr
    assert tree_bytes(survey_repo) == original


def add_entry(root: Path, arxiv_id: str, name: str = "Ghost") -> Path:
    path = root / "entries" / "models" / "990-ghost.yaml"
    path.write_text(f"name: {name}\narxiv: '{arxiv_id}'\n", encoding="utf-8")
    return path


def test_an_unknown_id_is_reported_once_not_retried(
    fast: ArxivReplayServer, survey_repo: Path, run: Cli
) -> None:
    add_entry(survey_repo, "2501.99999")
    run_build(survey_repo)
    original = tree_bytes(survey_repo)
    forget(survey_repo, ("2106.07447",))

    result = run("sync", root=survey_repo)

    assert result.exit_code == 0, result.stderr
    assert "1 added" in result.stdout and "1 unknown to arXiv" in result.stdout
    assert "  unknown 2501.99999: arXiv does not know this id" in result.stdout
    assert len(fast.requests) == 1
    assert "2106.07447" in stored(survey_repo) and "2501.99999" not in stored(survey_repo)
    assert tree_bytes(survey_repo) == original


def test_add_of_an_id_arxiv_answers_empty_writes_nothing(
    fast: ArxivReplayServer, survey_repo: Path, run: Cli
) -> None:
    """A lone id answered empty may be unknown or arXiv's outage mode: it is not guessed."""
    before = tree_bytes(survey_repo)

    result = run("add", "2501.99999", "--section", "models", root=survey_repo)

    assert result.exit_code == 1
    assert result.stderr == (
        "speechlm-bib: error: arXiv 2501.99999: arXiv answered with no entry for it (an "
        "unknown id, or arXiv's outage mode); nothing was written\n"
    )
    assert len(fast.requests) == 2
    assert tree_bytes(survey_repo) == before


@pytest.mark.parametrize("fault", [Fault.http(500), Fault.reset(), Fault.truncated(),
                                   Fault.html()], ids=["http-500", "reset", "truncated", "html"])
def test_add_during_an_outage_writes_nothing(
    fault: Fault, fast: ArxivReplayServer, survey_repo: Path, run: Cli
) -> None:
    before = tree_bytes(survey_repo)
    fast.inject(fault, fault)

    result = run("add", "2407.18961", "--section", "datasets", root=survey_repo)

    assert result.exit_code == 1
    assert result.stderr.startswith("speechlm-bib: error: arXiv 2407.18961: ")
    assert result.stderr.endswith("; nothing was written\n")
    assert tree_bytes(survey_repo) == before


def test_withdrawn_work_is_reported_and_its_entry_kept(
    fast: ArxivReplayServer, survey_repo: Path, run: Cli
) -> None:
    before = tree_bytes(survey_repo)
    fast.fail_ids({"2106.07447": Fault.withdrawn()})

    result = run("sync", "--refresh", root=survey_repo)

    assert result.exit_code == 0, result.stderr
    assert result.stderr == "speechlm-bib: warning: withdrawn on arXiv: 2106.07447\n"
    assert "  changed 2106.07447: arXiv says it was withdrawn" in result.stdout
    assert "withdrawn on arXiv (still listed; check them): 2106.07447" in result.stdout
    meta = stored(survey_repo)["2106.07447"]
    assert isinstance(meta, dict) and meta["comment"] == "This paper has been withdrawn"
    assert _without(tree_bytes(survey_repo), STORE) == _without(before, STORE)


def test_dry_run_under_faults_writes_nothing(
    fast: ArxivReplayServer, survey_repo: Path, run: Cli
) -> None:
    before = forget(survey_repo)
    fast.inject(Fault.http(500), Fault.http(500))

    result = run("sync", "--dry-run", root=survey_repo)

    assert result.exit_code == 1
    assert tree_bytes(survey_repo) == before



@pytest.mark.parametrize("status", [400, 404])
def test_a_request_error_is_not_retried(
    status: int, fast: ArxivReplayServer, survey_repo: Path, run: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """400 and 404 say the request is wrong: asking again cannot help."""
    monkeypatch.setenv("SPEECHLM_BIB_ARXIV_RETRIES", "3")
    original = tree_bytes(survey_repo)
    fast.fail_ids({"2106.07447": Fault.http(status), "2407.18961": Fault.http(status)})

    result = run("sync", "--refresh", root=survey_repo)

    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"speechlm-bib: sync incomplete: 81 arXiv ids could not be fetched from {fast.url} "
        f"(HTTP {status}): ")
    assert [r.status for r in fast.requests] == [status]
    assert tree_bytes(survey_repo) == original

    added = run("add", "2407.18961", "--section", "datasets", root=survey_repo)

    assert added.exit_code == 1
    assert added.stderr == (f"speechlm-bib: error: arXiv 2407.18961: HTTP {status}; "
                            "nothing was written\n")
    assert [r.status for r in fast.requests] == [status, status]
    assert tree_bytes(survey_repo) == original


def test_an_html_page_for_a_lone_id_is_a_failure_not_an_unknown_id(
    fast: ArxivReplayServer, survey_repo: Path, run: Cli
) -> None:
    """A proxy's page holds no entries: that must not read as "arXiv does not know it"."""
    original = tree_bytes(survey_repo)
    fast.fail_ids({"2106.07447": Fault.html()})

    result = run("sync", "--refresh", "--arxiv-only", "--only", "2106.07447", root=survey_repo)

    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "0 added, 0 changed, 0 unchanged, 0 already stored (not fetched), "
        "0 unknown to arXiv, 1 failed",
        f"  failed 2106.07447: {HTML}",
        "published versions: not looked up (--arxiv-only)",
    ]
    assert result.stderr.startswith(
        f"speechlm-bib: sync incomplete: 1 arXiv id could not be fetched from {fast.url} "
        f"({HTML}): 2106.07447; ")
    assert [r.fault for r in fast.requests] == [Fault.html()] * 2
    assert tree_bytes(survey_repo) == original
