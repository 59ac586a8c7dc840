"""sync and add against a loopback arXiv API, through the real arxiv client over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from speechlm_bib.sources.arxiv import FetchSettings, fetch_metadata

from arxiv_server import ArxivReplayServer, load_replay, make_entry
from conftest import REPLAY, REPO, Cli, point_at, run_subprocess, tree_bytes
from scholarly_server import ReplayServer

STORE = Path("data") / "arxiv.json"


@pytest.fixture
def own_server(survey_scholarly: tuple[ReplayServer, ReplayServer],
               monkeypatch: pytest.MonkeyPatch) -> Iterator[ArxivReplayServer]:
    """A server of this test's own, free to be changed (DBLP and Crossref the replay's)."""
    point_at(survey_scholarly, monkeypatch)
    with ArxivReplayServer(REPLAY) as server:
        monkeypatch.setenv("SPEECHLM_BIB_ARXIV_API", server.url)
        monkeypatch.setenv("SPEECHLM_BIB_ARXIV_DELAY", "0")
        yield server


def test_first_sync_batches_and_reproduces_the_committed_files(
        survey_repo: Path, arxiv: ArxivReplayServer, run: Cli) -> None:
    (survey_repo / STORE).unlink()
    (survey_repo / "references.bib").unlink()
    result = run("sync", root=survey_repo)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("81 added, 0 changed, 0 unchanged")
    assert len(arxiv.requests) == 1
    assert len(arxiv.requests[0].id_list) == 81
    for name in (STORE, Path("references.bib")):
        assert (survey_repo / name).read_bytes() == (REPO / name).read_bytes()


def test_unchanged_sync_makes_no_request_and_changes_no_byte(
        survey_repo: Path, arxiv: ArxivReplayServer, run: Cli) -> None:
    before = tree_bytes(survey_repo)
    result = run("sync", root=survey_repo)
    assert result.exit_code == 0
    assert "81 already stored (not fetched)" in result.output
    assert arxiv.requests == []
    assert tree_bytes(survey_repo) == before


def test_refresh_fetches_again_in_one_request_and_changes_nothing(
        survey_repo: Path, arxiv: ArxivReplayServer, run: Cli) -> None:
    before = tree_bytes(survey_repo)
    result = run("sync", "--refresh", root=survey_repo)
    assert result.exit_code == 0
    assert result.output.startswith("0 added, 0 changed, 81 unchanged")
    assert len(arxiv.requests) == 1
    assert tree_bytes(survey_repo) == before


def test_a_new_version_is_reported_field_by_field_and_the_key_stays(
        survey_repo: Path, own_server: ArxivReplayServer, run: Cli) -> None:
    own_server.set_entry("2410.00037", make_entry(
        "2410.00037", "Moshi: A Speech-Text Foundation Model", ["Alexandre Défossez", "Kyutai"],
        version=2, published="2024-10-01", primary_category="eess.AS"))
    result = run("sync", "--refresh", "--only", "defossez2024moshi", root=survey_repo)
    assert result.exit_code == 0, result.output
    assert "changed 2410.00037: version: 1 -> 2" in result.output
    assert ("changed 2410.00037: title: 'Moshi: a speech-text foundation model for real-time "
            "dialogue' -> 'Moshi: A Speech-Text Foundation Model'") in result.output
    assert "authors: 8 -> 2 authors; added Kyutai; removed Laurent Mazaré" in result.output
    bib = (survey_repo / "references.bib").read_text(encoding="utf-8")
    assert "@article{defossez2024moshi," in bib
    assert "{Moshi}: A Speech-Text Foundation Model" in bib
    assert own_server.requests[0].id_list == ("2410.00037",)


def test_dry_run_reports_and_writes_nothing(
        survey_repo: Path, own_server: ArxivReplayServer, run: Cli) -> None:
    own_server.set_entry("2410.00037", make_entry("2410.00037", "Moshi 2", ["A B"], version=2))
    before = tree_bytes(survey_repo)
    result = run("sync", "--refresh", "--dry-run", root=survey_repo)
    assert result.exit_code == 0
    assert "changed 2410.00037: title:" in result.output
    assert tree_bytes(survey_repo) == before


def test_hand_maintained_fields_win_over_fetched_ones(
        survey_repo: Path, own_server: ArxivReplayServer, run: Cli) -> None:
    own_server.set_entry("2410.03751", make_entry(
        "2410.03751", "A Different Title", ["Wenqian Cui"], version=3))
    records = survey_repo / "entries" / "records.bib"
    records.write_text(records.read_text(encoding="utf-8").replace(
        "@inproceedings{cui2024recent,\n",
        "@inproceedings{cui2024recent,\n  title = {Recent Advances in Speech Language Models: "
        "A Survey},\n"), encoding="utf-8")
    before = records.read_bytes()
    assert run("sync", "--refresh", root=survey_repo).exit_code == 0
    bib = (survey_repo / "references.bib").read_text(encoding="utf-8")
    record = bib.split("@inproceedings{cui2024recent,", 1)[1].split("\n}\n", 1)[0]
    assert "title = {Recent Advances in Speech Language Models: A Survey}" in record
    assert "author = {Cui, Wenqian}" in record
    assert "pages = {13943--13970}" in record
    assert records.read_bytes() == before


def test_sync_pins_the_key_of_a_new_entry_keeping_its_comments(
        survey_repo: Path, arxiv: ArxivReplayServer, run: Cli) -> None:
    entry = survey_repo / "entries" / "benchmarks" / "990-mmau-agents.yaml"
    entry.write_text("# The other MMAU, for comparison\nname: MMAU (agents)\n"
                     "arxiv: '2407.18961'  # Apple's\n", encoding="utf-8")
    result = run("sync", root=survey_repo)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 added")
    text = entry.read_text(encoding="utf-8")
    assert text.startswith("# The other MMAU, for comparison\nkey: yin2024mmau\n")
    assert text.endswith("arxiv: '2407.18961'  # Apple's\n")
    assert "@article{yin2024mmau," in (survey_repo / "references.bib").read_text(encoding="utf-8")


def test_only_limits_the_sync_and_unknown_keys_are_refused(
        survey_repo: Path, arxiv: ArxivReplayServer, run: Cli) -> None:
    result = run("sync", "--only", "nobody2099nothing", root=survey_repo)
    assert result.exit_code == 2
    assert "no entry has the key or arXiv id nobody2099nothing" in result.stderr
    result = run("sync", "--refresh", "--only", "defossez2024moshi", "--only", "2410.03751",
                 root=survey_repo)
    assert result.exit_code == 0
    assert [r.id_list for r in arxiv.requests] == [("2410.00037", "2410.03751")]


def test_fetch_batches_a_hundred_ids_a_request() -> None:
    replay = load_replay(REPLAY)
    synthetic = {f"2401.{n:05d}": make_entry(f"2401.{n:05d}", f"Paper {n}", ["A B"])
                 for n in range(1, 151)}
    with ArxivReplayServer({**replay, **synthetic}) as server:
        result = fetch_metadata(sorted(synthetic), FetchSettings(api=server.url, delay=0))
        assert [len(r.id_list) for r in server.requests] == [100, 50]
    assert len(result.found) == 150 and result.requests == 2
    assert result.found["2401.00042"].title == "Paper 42"


def test_fetch_waits_the_delay_between_requests() -> None:
    ids = [f"2401.{n:05d}" for n in range(1, 201)]
    with ArxivReplayServer({i: make_entry(i, "T", ["A B"]) for i in ids}) as server:
        fetch_metadata(ids, FetchSettings(api=server.url, delay=0.3))
        first, second = server.requests
    assert second.received_at - first.received_at >= 0.3


def test_add_takes_ids_and_urls_of_every_form(
        survey_repo: Path, own_server: ArxivReplayServer, run: Cli) -> None:
    own_server.set_entry("math/0211159", make_entry("math/0211159", "The entropy formula",
                                                    ["Grisha Perelman"], published="2002-11-01"))
    forms = ["arXiv:2407.18961v1", "https://arxiv.org/pdf/2411.05361v2.pdf", "math/0211159"]
    for form in forms:
        result = run("add", form, "--section", "benchmarks", root=survey_repo)
        assert result.exit_code == 0, result.output
    bib = (survey_repo / "references.bib").read_text(encoding="utf-8")
    for key in ("yin2024mmau", "huang2024dynamic", "perelman2002entropy"):
        assert f"{{{key}," in bib
    added = sorted((survey_repo / "entries" / "benchmarks").glob("1[5-7]0-*.yaml"))
    assert [p.name for p in added] == [
        "150-mmau.yaml", "160-dynamic-superb-phase-2.yaml",
        "170-the-entropy-formula.yaml"]


def test_add_refuses_a_duplicate_an_unknown_section_and_an_unknown_id(
        survey_repo: Path, arxiv: ArxivReplayServer, run: Cli) -> None:
    before = tree_bytes(survey_repo)
    dup = run("add", "https://arxiv.org/abs/2410.00037", "--section", "models", root=survey_repo)
    assert dup.exit_code == 2 and "is in section 'models' already" in dup.stderr
    bad = run("add", "2410.00037", "--section", "nowhere", root=survey_repo)
    assert bad.exit_code == 2 and "unknown section 'nowhere'" in bad.stderr
    unknown = run("add", "2409.99999", "--section", "models", root=survey_repo)
    assert unknown.exit_code == 1
    assert unknown.stderr == (
        "speechlm-bib: error: arXiv 2409.99999: arXiv answered with no entry for it (an "
        "unknown id, or arXiv's outage mode); nothing was written\n")
    malformed = run("add", "not-an-id", "--section", "models", root=survey_repo)
    assert malformed.exit_code == 2
    assert "not an arXiv id, DOI, ACL Anthology id or DBLP key" in malformed.stderr
    assert tree_bytes(survey_repo) == before


def test_the_same_paper_in_another_section_reuses_its_key_and_stored_metadata(
        survey_repo: Path, arxiv: ArxivReplayServer, run: Cli) -> None:
    result = run("add", "2410.00037", "--section", "benchmarks", "--name", "../../Moshi/x",
                 root=survey_repo)
    assert result.exit_code == 0, result.output
    assert "as defossez2024moshi" in result.output
    created = survey_repo / "entries" / "benchmarks" / "150-moshi-x.yaml"
    assert created.read_text(encoding="utf-8") == (
        "key: defossez2024moshi\nname: ../../Moshi/x\nurl: https://arxiv.org/abs/2410.00037\n"
        "arxiv: '2410.00037'\n")
    assert arxiv.requests == []


def test_sync_as_a_subprocess(survey_repo: Path, arxiv: ArxivReplayServer) -> None:
    import os

    env = {**os.environ, "SPEECHLM_BIB_ARXIV_API": arxiv.url, "SPEECHLM_BIB_ARXIV_DELAY": "0"}
    (survey_repo / STORE).unlink()
    result = run_subprocess("sync", cwd=survey_repo, env=env)
    assert result.returncode == 0, result.stderr
    assert (survey_repo / STORE).read_bytes() == (REPO / STORE).read_bytes()
