"""sync and add against a loopback arXiv API, through the real arxiv client over HTTP."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from speechlm_bib.services import sync as sync_service
from speechlm_bib.sources.arxiv import FetchSettings, fetch_metadata
from speechlm_bib.store.repository import load_repository

from arxiv_server import ArxivReplayServer, load_replay, make_entry
from conftest import (
    REPO,
    VARIANTS,
    Cli,
    build_parses_nothing_again,
    is_pinned,
    run_subprocess,
    tree_bytes,
    unpin_keys,
)

STORE = Path("data") / "arxiv.json"


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
        survey_repo: Path, arxiv: ArxivReplayServer, run: Cli) -> None:
    arxiv.set_entry("2410.00037", make_entry(
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
    assert arxiv.requests[0].id_list == ("2410.00037",)


def test_dry_run_reports_and_writes_nothing(
        survey_repo: Path, arxiv: ArxivReplayServer, run: Cli) -> None:
    arxiv.set_entry("2410.00037", make_entry("2410.00037", "Moshi 2", ["A B"], version=2))
    before = tree_bytes(survey_repo)
    result = run("sync", "--refresh", "--dry-run", root=survey_repo)
    assert result.exit_code == 0
    assert "changed 2410.00037: title:" in result.output
    assert tree_bytes(survey_repo) == before


def test_hand_maintained_fields_win_over_fetched_ones(
        survey_repo: Path, arxiv: ArxivReplayServer, run: Cli) -> None:
    arxiv.set_entry("2410.03751", make_entry(
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


def test_fetch_batches_a_hundred_ids_a_request(replay: Mapping[str, bytes]) -> None:
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
        survey_repo: Path, arxiv: ArxivReplayServer, run: Cli) -> None:
    arxiv.set_entry("math/0211159", make_entry("math/0211159", "The entropy formula",
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
    first_day = date.today()
    result = run("add", "2410.00037", "--section", "benchmarks", "--name", "../../Moshi/x",
                 root=survey_repo)
    days = {first_day.isoformat(), date.today().isoformat()}
    assert result.exit_code == 0, result.output
    assert "as defossez2024moshi" in result.output
    created = survey_repo / "entries" / "benchmarks" / "150-moshi-x.yaml"
    text = created.read_text(encoding="utf-8")
    head, added = text.rsplit("added: ", 1)
    assert head == (
        "key: defossez2024moshi\nname: ../../Moshi/x\nurl: https://arxiv.org/abs/2410.00037\n"
        "arxiv: '2410.00037'\n")
    assert added.rstrip("\n") in days and added.endswith("\n")
    entry = next(e for e in load_repository(survey_repo).entries if e.path == created)
    assert entry.added in days
    assert arxiv.requests == []


def test_sync_as_a_subprocess(survey_repo: Path, arxiv: ArxivReplayServer) -> None:
    import os

    env = {**os.environ, "SPEECHLM_BIB_ARXIV_API": arxiv.url, "SPEECHLM_BIB_ARXIV_DELAY": "0"}
    (survey_repo / STORE).unlink()
    result = run_subprocess("sync", cwd=survey_repo, env=env)
    assert result.returncode == 0, result.stderr
    assert (survey_repo / STORE).read_bytes() == (REPO / STORE).read_bytes()


def test_add_without_a_name_names_the_row_from_its_title_and_follows_the_list_order(
        survey_repo: Path, arxiv: ArxivReplayServer, run: Cli) -> None:
    result = run("add", "2407.18961", "--section", "models", root=survey_repo)
    assert result.exit_code == 0, result.stderr
    created = survey_repo / "entries" / "models" / "005-mmau.yaml"
    assert created.read_text(encoding="utf-8").startswith("key: yin2024mmau\nname: MMAU\n")
    readme = (survey_repo / "README.md").read_text(encoding="utf-8")
    models = readme.split("## Existing SpeechLMs", 1)[1]
    first_row = models.split("| --- | --- | --- | --- |\n", 1)[1].splitlines()[0]
    assert first_row.startswith("| MMAU | MMAU: A Holistic Benchmark of Agent Capabilities")
    check = run("check", "--strict", root=survey_repo)
    assert check.exit_code == 0, check.stdout


def test_add_places_a_row_after_a_key_first_or_last(survey_repo: Path,
                                                    arxiv: ArxivReplayServer, run: Cli) -> None:
    benchmarks = survey_repo / "entries" / "benchmarks"
    assert run("add", "2407.18961", "--section", "benchmarks", "--after", "nguyen2020zero",
               root=survey_repo).exit_code == 0
    assert run("add", "2411.05361", "--section", "benchmarks", "--first",
               root=survey_repo).exit_code == 0
    names = [p.name for p in sorted(benchmarks.glob("*.yaml"))]
    assert names[:6] == ["005-dynamic-superb-phase-2.yaml", "010-abx.yaml", "020-swuggy.yaml",
                         "030-sblimp.yaml", "035-mmau.yaml", "040-sstorycloze.yaml"]
    refused = run("add", "2410.00037", "--section", "benchmarks", "--after", "nguyen2020zerox",
                  root=survey_repo)
    assert refused.exit_code == 2
    assert "--after: no row of this section cites 'nguyen2020zerox'" in refused.stderr


STREAMING = {
    "version": 2,
    "title": "Streaming Speech Language Models: Latency, Quality and the Price of Full Duplex",
    "authors": ["Chioma Okafor", "Jürgen Weiß", "Mei-Ling Tsai"],
    "published": "2024-12-30",
    "updated": "2025-03-14",
    "primary_category": "cs.CL",
    "doi": "10.5555/taslp.2025.20001",
    "journal_ref": ("IEEE/ACM Transactions on Audio, Speech, and Language Processing 33 (2025) "
                    "101-114"),
    "comment": "Accepted to IEEE/ACM TASLP; 14 pages, 6 figures; v2: camera-ready",
}
STREAMING_RECORD = """\
@article{okafor2024streaming,
  author = {Okafor, Chioma and Wei{\\ss}, J{\\"u}rgen and Tsai, Mei-Ling},
  title = {Streaming Speech Language Models: Latency, Quality and the Price of Full Duplex},
  journal = {arXiv preprint arXiv:2412.20001},
  year = 2024,
  doi = {10.5555/taslp.2025.20001},
  eprint = {2412.20001},
  archiveprefix = {arXiv},
  primaryclass = {cs.CL},
  url = {https://arxiv.org/abs/2412.20001}
}"""


def _with_variants(root: Path, server: ArxivReplayServer) -> None:
    """Serve the variant answers and give each an entry (without a key yet)."""
    for arxiv_id, entry in load_replay(VARIANTS).items():
        server.set_entry(arxiv_id, entry)
    (root / "entries" / "models" / "990-streamlm.yaml").write_text(
        "name: StreamLM\narxiv: '2412.20001'\n", encoding="utf-8")
    (root / "entries" / "benchmarks" / "990-dialeval.yaml").write_text(
        "name: DialEval\narxiv: '2501.20002'\n", encoding="utf-8")


def _record(root: Path, key: str) -> str:
    bib = (root / "references.bib").read_text(encoding="utf-8")
    match = re.search(rf"^@\w+\{{{key},\n.*?^\}}$", bib, re.MULTILINE | re.DOTALL)
    assert match is not None, f"no record {key} in references.bib"
    return match[0]


def test_doi_journal_reference_comment_and_both_dates_are_stored(
        survey_repo: Path, arxiv: ArxivReplayServer, run: Cli) -> None:
    """Title, comment and journal reference on one line; the year and key from published."""
    _with_variants(survey_repo, arxiv)

    result = run("sync", root=survey_repo)

    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("2 added, 0 changed, 0 unchanged, 81 already stored")
    stored = json.loads((survey_repo / STORE).read_text(encoding="utf-8"))
    assert stored["2412.20001"] == STREAMING
    assert stored["2501.20002"] == {
        "version": 3, "title": "Spoken Dialogue Evaluation without Transcripts",
        "authors": ["Ana Sofía Ramírez", "Tomás Novák"], "published": "2025-01-20",
        "updated": "2025-05-02", "primary_category": "eess.AS", "comment": "Interspeech 2025"}
    assert _record(survey_repo, "okafor2024streaming") == STREAMING_RECORD
    without_doi = _record(survey_repo, "ramirez2025spoken")
    assert "  year = 2025,\n" in without_doi and "doi" not in without_doi
    entry = survey_repo / "entries" / "models" / "990-streamlm.yaml"
    assert entry.read_text(encoding="utf-8").startswith("key: okafor2024streaming\n")


def test_a_new_version_changes_updated_but_not_published_the_year_or_the_key(
        survey_repo: Path, arxiv: ArxivReplayServer, run: Cli) -> None:
    _with_variants(survey_repo, arxiv)
    assert run("sync", root=survey_repo).exit_code == 0
    v2 = (VARIANTS / "2412.20001.xml").read_bytes()
    arxiv.set_entry("2412.20001", v2.replace(b"v2<", b"v3<").replace(b'v2"', b'v3"')
                    .replace(b"2025-03-14T17:02:11Z", b"2025-06-02T10:00:00Z"))

    result = run("sync", "--refresh", "--arxiv-only", "--only", "okafor2024streaming",
                 root=survey_repo)

    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [
        "  changed 2412.20001: version: 2 -> 3",
        "  changed 2412.20001: updated: '2025-03-14' -> '2025-06-02'",
        "published versions: not looked up (--arxiv-only)",
    ]
    stored = json.loads((survey_repo / STORE).read_text(encoding="utf-8"))
    assert stored["2412.20001"] == {**STREAMING, "version": 3, "updated": "2025-06-02"}
    assert _record(survey_repo, "okafor2024streaming") == STREAMING_RECORD


def test_an_unchanged_sync_renders_no_store_and_mends_a_reformatted_one(
        survey_repo: Path, arxiv: ArxivReplayServer, run: Cli,
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("sync", root=survey_repo).exit_code == 0  # the stores' texts become known
    rendered: list[str] = []

    def spy(name: str) -> Callable[[Any], str]:
        real = getattr(sync_service, name)

        def render(data: Any) -> str:
            rendered.append(name)
            return str(real(data))
        return render

    for name in ("render_arxiv_store", "render_published_store"):
        monkeypatch.setattr(sync_service, name, spy(name))
    # A comment edited: the repository is not settled, and sync makes its plan again.
    entry = next((survey_repo / "entries").rglob("*moshi*.yaml"))
    entry.write_text(entry.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    before = tree_bytes(survey_repo)
    assert run("sync", root=survey_repo).exit_code == 0
    assert (rendered, tree_bytes(survey_repo)) == ([], before)
    store = survey_repo / STORE
    store.write_text(json.dumps(json.loads(store.read_text(encoding="utf-8")), indent=2),
                     encoding="utf-8")
    assert run("sync", root=survey_repo).exit_code == 0
    assert rendered == ["render_arxiv_store"]
    assert store.read_bytes() == (REPO / STORE).read_bytes()
    assert arxiv.requests == []


def test_the_entry_files_and_the_store_sync_writes_are_kept_parsed_for_the_next_command(
        survey_repo: Path, arxiv: ArxivReplayServer, run: Cli,
        monkeypatch: pytest.MonkeyPatch) -> None:
    pinned = unpin_keys(survey_repo, 5)
    stored = json.loads((survey_repo / STORE).read_text(encoding="utf-8"))
    del stored["2410.00037"]  # fetched again: the sync writes the store
    (survey_repo / STORE).write_text(json.dumps(stored), encoding="utf-8")
    assert run("sync", root=survey_repo).exit_code == 0
    assert all(is_pinned(path) for path in pinned)
    assert (survey_repo / STORE).read_bytes() == (REPO / STORE).read_bytes()
    build_parses_nothing_again(run, survey_repo, monkeypatch)
