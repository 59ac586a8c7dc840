"""sync's published versions through the CLI, over real HTTP to loopback arXiv, DBLP and Crossref.

The survey's committed data/published.json is what a sync against the replay gives; the
summary lists each upgrade, candidate and pin; an unchanged sync sends no request to any of
the three services; --refresh asks DBLP again about the works without a version only; a
failed lookup leaves the repository byte for byte as it was.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from arxiv_server import ArxivReplayServer
from conftest import REPO, Cli, point_at, run_subprocess, tree_bytes
from scholarly_server import Fault, ReplayServer, settle

PUBLISHED = Path("data") / "published.json"
Servers = tuple[ReplayServer, ReplayServer]


def forget_published(root: Path) -> None:
    """Remove what sync stored of published versions (arXiv's metadata stays)."""
    (root / PUBLISHED).unlink()


def test_sync_reproduces_the_committed_published_versions_and_files(
        survey_repo: Path, arxiv: ArxivReplayServer, survey_scholarly: Servers,
        run: Cli) -> None:
    committed = tree_bytes(survey_repo)
    forget_published(survey_repo)

    result = run("sync", root=survey_repo)

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("0 added, 0 changed, 0 unchanged, 81 already stored")
    assert lines[1] == ("published versions: 55 upgraded, 0 with candidates (none chosen), "
                        "21 without, 0 failed, 7 pinned fetched (DBLP 137, Crossref 29 "
                        "requests)")
    assert "  cui2024recent: arXiv 2410.03751 -> ACL 2025" in lines
    assert "  panayotov2015librispeech: pinned doi:10.1109/icassp.2015.7178964 fetched" in lines
    assert any(line.startswith("  without a published version (21): ") for line in lines)
    assert tree_bytes(survey_repo) == committed
    dblp, crossref = survey_scholarly
    assert arxiv.requests == []
    assert len(dblp.paths("/search/")) == 76 and len(dblp.paths("/rec/")) == 61
    assert len(crossref.requests) == len({r.path.lower() for r in crossref.requests}) == 29


def test_a_first_sync_from_nothing_stored_reproduces_every_committed_file(
        survey_repo: Path, arxiv: ArxivReplayServer, survey_scholarly: Servers,
        run: Cli) -> None:
    committed = tree_bytes(survey_repo)
    for name in ("data", "references.bib", "CITATION.cff"):
        path = survey_repo / name
        if path.is_dir():
            for child in path.iterdir():
                child.unlink()
        else:
            path.unlink()

    result = run("sync", root=survey_repo)

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("81 added, 0 changed, 0 unchanged")
    assert tree_bytes(survey_repo) == committed
    dblp, crossref = survey_scholarly
    assert (len(arxiv.requests), len(dblp.requests), len(crossref.requests)) == (1, 137, 29)


def test_an_unchanged_sync_sends_no_request_to_any_service(
        survey_repo: Path, arxiv: ArxivReplayServer, survey_scholarly: Servers) -> None:
    before = tree_bytes(survey_repo)
    env = dict(os.environ)

    result = run_subprocess("sync", cwd=survey_repo, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == (
        "published versions: nothing to look up (81 works decided before; `sync --refresh` "
        "asks again about those without one)")
    assert arxiv.requests == [] and all(s.requests == [] for s in survey_scholarly)
    assert tree_bytes(survey_repo) == before


def test_refresh_asks_again_only_about_works_without_a_version(
        survey_repo: Path, arxiv: ArxivReplayServer, survey_scholarly: Servers,
        run: Cli) -> None:
    before = tree_bytes(survey_repo)
    stored = json.loads((survey_repo / PUBLISHED).read_text(encoding="utf-8"))
    without = sorted(i for i, d in stored["decisions"].items() if d["decision"] != "confirmed")

    result = run("sync", "--refresh", root=survey_repo)

    assert result.exit_code == 0, result.output
    assert "81 unchanged" in result.stdout
    assert "published versions: 0 upgraded, 0 with candidates (none chosen), 21 without" \
        in result.stdout
    dblp, crossref = survey_scholarly
    assert len(without) == 21 and len(dblp.paths("/search/")) == 21
    assert dblp.paths("/rec/") == [] and crossref.requests == []
    assert len(arxiv.requests) == 1
    assert tree_bytes(survey_repo) == before


def test_json_summary_names_every_work(
        survey_repo: Path, arxiv: ArxivReplayServer, run: Cli) -> None:
    forget_published(survey_repo)

    result = run("sync", "--format", "json", root=survey_repo)

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    published = summary["published"]
    assert published["upgraded"]["2410.03751"] == {"key": "cui2024recent",
                                                   "message": "arXiv 2410.03751 -> ACL 2025"}
    assert (len(published["upgraded"]), len(published["none"]), len(published["pinned"])) == (
        55, 21, 7)
    assert published["requests"] == {"DBLP": 137, "Crossref": 29}
    assert summary["written"] == [str(survey_repo / PUBLISHED)]


def test_arxiv_only_looks_nothing_up(
        survey_repo: Path, arxiv: ArxivReplayServer, survey_scholarly: Servers,
        run: Cli) -> None:
    forget_published(survey_repo)

    result = run("sync", "--arxiv-only", root=survey_repo)

    assert result.exit_code == 0, result.output
    assert "published versions: not looked up (--arxiv-only)" in result.stdout
    assert all(s.requests == [] for s in survey_scholarly)
    assert not (survey_repo / PUBLISHED).exists()


# ----------------------------------------------------------------------------- decisions


def _entry(root: Path, name: str, text: str) -> Path:
    path = root / "entries" / "models" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_published_false_keeps_the_preprint_and_is_never_asked(
        survey_repo: Path, arxiv: ArxivReplayServer, survey_scholarly: Servers,
        run: Cli) -> None:
    path = survey_repo / "entries" / "models" / "130-slamming.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "published: false\n", encoding="utf-8")
    forget_published(survey_repo)

    result = run("sync", root=survey_repo)

    assert result.exit_code == 0, result.output
    assert "maimon2025slamming" not in result.stdout
    queries = [r.param("q") or "" for r in survey_scholarly[0].requests]
    assert not any(q.startswith("Slamming") for q in queries)
    bib = (survey_repo / "references.bib").read_text(encoding="utf-8")
    record = bib.split("@article{maimon2025slamming,", 1)[1].split("\n}\n", 1)[0]
    assert "journal = {arXiv preprint arXiv:2502.15814}" in record


def test_a_pinned_version_is_fetched_once_and_taken(
        survey_repo: Path, arxiv: ArxivReplayServer, survey_scholarly: Servers,
        run: Cli) -> None:
    """The LibriSpeech row pinned to DBLP's record instead of its DOI: one record, one DOI."""
    path = survey_repo / "entries" / "datasets" / "010-librispeech.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "published: doi:10.1109/ICASSP.2015.7178964",
        "published: dblp:conf/icassp/PanayotovCPK15"), encoding="utf-8")

    result = run("sync", root=survey_repo)
    again = run("sync", root=survey_repo)

    assert result.exit_code == 0, result.output
    assert ("  panayotov2015librispeech: pinned dblp:conf/icassp/PanayotovCPK15 fetched"
            in result.stdout)
    dblp, crossref = survey_scholarly
    assert dblp.paths() == ["/rec/conf/icassp/PanayotovCPK15.bib"]
    assert crossref.paths() == ["/works/10.1109/icassp.2015.7178964"]
    assert "nothing to look up" in again.stdout and len(dblp.requests) == 1
    bib = (survey_repo / "references.bib").read_text(encoding="utf-8")
    record = bib.split("@inproceedings{panayotov2015librispeech,", 1)[1].split("\n}\n", 1)[0]
    assert "author = {Panayotov, Vassil and Chen, Guoguo" in record
    assert "booktitle = {2015 IEEE International Conference on Acoustics, Speech and Signal " \
           "Processing (ICASSP)}" in record
    assert "doi = {10.1109/ICASSP.2015.7178964}" in record
    assert run("check", "--strict", root=survey_repo).exit_code == 0


def test_a_pin_no_database_knows_is_reported_and_stores_nothing(
        survey_repo: Path, arxiv: ArxivReplayServer, run: Cli) -> None:
    _entry(survey_repo, "999-ghost.yaml", "key: ghost2020x\nname: Ghost\n"
                                          "url: https://example.org/ghost\n"
                                          "published: dblp:conf/nowhere/Ghost20\n")
    before = tree_bytes(survey_repo)

    result = run("sync", root=survey_repo)

    assert result.exit_code == 0, result.output
    assert "  ghost2020x: unknown dblp:conf/nowhere/Ghost20: no database has it" in result.stdout
    assert (survey_repo / PUBLISHED).read_bytes() == before[str(PUBLISHED)]
    check = run("check", root=survey_repo)
    assert check.exit_code == 1
    assert "missing-metadata [ghost2020x]: no stored published version " \
           "dblp:conf/nowhere/Ghost20" in check.stdout


# ----------------------------------------------------------------------------- faults


LASTING = {
    "dblp-500": (0, Fault.http(500), "HTTP 500"),
    "dblp-html": (0, Fault.html(), "a record answer that is not BibTeX"),
    "dblp-truncated": (0, Fault.truncated(), "unreadable record BibTeX (broken BibTeX: "
                                             "unbalanced braces: the record is never closed)"),
    "dblp-timeout": (0, Fault.slow(1.0), "no answer within 0.5 s"),
    "crossref-503": (1, Fault.http(503), "HTTP 503"),
    "crossref-reset": (1, Fault.reset(), "connection failed (ConnectionError)"),
}


@pytest.mark.parametrize("name", sorted(LASTING))
def test_a_failed_lookup_leaves_the_repository_byte_identical(
        name: str, survey_repo: Path, arxiv: ArxivReplayServer, survey_scholarly: Servers,
        run: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    service, fault, reason = LASTING[name]
    for variable in ("DBLP", "CROSSREF"):
        monkeypatch.setenv(f"SPEECHLM_BIB_{variable}_RETRIES", "1")
        monkeypatch.setenv(f"SPEECHLM_BIB_{variable}_TIMEOUT", "0.5")
    path = survey_repo / "entries" / "datasets" / "110-covost2.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "published: dblp:conf/interspeech/WangWP21\n", ""), encoding="utf-8")
    stored = json.loads((survey_repo / PUBLISHED).read_text(encoding="utf-8"))
    del stored["versions"]["dblp:conf/interspeech/WangWP21"]
    (survey_repo / PUBLISHED).write_text(json.dumps(stored, ensure_ascii=False, indent=1)
                                         + "\n", encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8")
                    + "published: dblp:conf/interspeech/WangWP21\n", encoding="utf-8")
    before = tree_bytes(survey_repo)
    server = survey_scholarly[service]
    server.fail_matching({"/": fault})

    result = run("sync", root=survey_repo)

    label = ("DBLP", "Crossref")[service]
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1] == (
        f"speechlm-bib: sync incomplete: 1 published version could not be looked up "
        f"({label} ({server.url}): {reason}): wang2020covost; nothing was stored for them; "
        "run sync again")
    assert tree_bytes(survey_repo) == before
    settle(server, 2)  # the try and its retry, a slow answer recorded when it ends
    server.clear()
    again = run("sync", root=survey_repo)
    assert again.exit_code == 0, again.output
    assert "  wang2020covost: pinned dblp:conf/interspeech/WangWP21 fetched" in again.stdout


def test_rate_limited_lookups_wait_as_asked_and_complete(
        survey_repo: Path, arxiv: ArxivReplayServer, survey_scholarly: Servers,
        run: Cli) -> None:
    forget_published(survey_repo)
    survey_scholarly[0].inject(Fault.rate_limited("1"))
    survey_scholarly[1].inject(Fault.http(500))

    result = run("sync", "--only", "cui2024recent", root=survey_repo)

    assert result.exit_code == 0, result.output
    assert "  cui2024recent: arXiv 2410.03751 -> ACL 2025" in result.stdout
    first, second = survey_scholarly[0].requests[:2]
    assert first.status == 429 and second.received_at - first.received_at >= 1
    assert [r.status for r in survey_scholarly[1].requests] == [500, 200]


def test_exports_carry_the_fetched_venue(survey_repo: Path, run: Cli) -> None:
    """Records no hand typed: their venue comes from DBLP and Crossref alone."""
    text = run("export", "--key", "chen2024slam,fu2025vita", "--format", "text",
               root=survey_repo).stdout
    assert "In Findings of the Association for Computational Linguistics: ACL 2025, pages " \
           "2262\u20132282." in text
    assert "In Advances in Neural Information Processing Systems (NeurIPS 2025)." in text
    biblatex = run("export", "--key", "chen2024slam", "--format", "biblatex",
                   root=survey_repo).stdout
    assert "@inproceedings{chen2024slam," in biblatex
    assert "booktitle = {Findings of the Association for Computational Linguistics: ACL 2025}" \
        in biblatex
    assert "eprint = {2412.15649}" in biblatex
    hand = (REPO / "entries" / "records.bib").read_text(encoding="utf-8")
    assert "chen2024slam" not in hand and "fu2025vita" not in hand


# ----------------------------------------------------------------------------- decoys


DECOYS = {
    "2501.10001": ("Streaming Speech Tokenizers for Dialogue", ["Wei Li", "Mei Zhang"]),
    "2501.10002": ("On the Limits of Spoken Language Modeling", ["Ilse Vermeulen"]),
    "2501.10003": ("A Benchmark for Spoken Reasoning", ["Tomas Novak", "Eva Horak"]),
    "2501.10004": ("Prosody Tokens for Speech Generation", ["Lena Fischer"]),
    "2501.10005": ("Listening Without Transcripts", ["Kofi Mensah"]),
}
"""The decoys' own works (tests/data/scholarly-decoys/README.md), as arXiv would list them."""


def decoy_repository(root: Path) -> Path:
    """A list of the decoy works, Moshi and Textually pretrained SLMs, their metadata stored."""
    (root / "entries" / "models").mkdir(parents=True)
    (root / "entries" / "list.yaml").write_text(
        "sections:\n- id: models\n  heading: Models\n  columns:\n  - heading: Name\n"
        "    source: name\n  - heading: Key\n    source: key\n", encoding="utf-8")
    survey = json.loads((REPO / "data" / "arxiv.json").read_text(encoding="utf-8"))
    stored = {i: survey[i] for i in ("2410.00037", "2305.13009")}
    stored |= {i: {"version": 1, "title": title, "authors": authors, "published": "2025-01-01",
                   "updated": "2025-01-01", "primary_category": "cs.CL"}
               for i, (title, authors) in DECOYS.items()}
    (root / "data").mkdir()
    (root / "data" / "arxiv.json").write_text(json.dumps(stored, indent=1), encoding="utf-8")
    for number, arxiv_id in enumerate(sorted(stored), start=1):
        (root / "entries" / "models" / f"{number:03d}-work.yaml").write_text(
            f"name: Work {number}\narxiv: '{arxiv_id}'\n", encoding="utf-8")
    return root


def test_decoys_are_never_taken_for_published_versions(
        tmp_path: Path, scholarly_servers: Servers, run: Cli,
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = decoy_repository(tmp_path / "decoys")
    point_at(scholarly_servers, monkeypatch)

    result = run("sync", root=root)

    assert result.exit_code == 0, result.output
    decisions = json.loads((root / PUBLISHED).read_text(encoding="utf-8"))["decisions"]
    assert {i: (d["decision"], d.get("version")) for i, d in decisions.items()} == {
        "2305.13009": ("confirmed", "dblp:conf/nips/HassidRNGCKCD23"),
        "2410.00037": ("candidates", None),
        "2501.10001": ("confirmed", "dblp:conf/interspeech/0001Z25"),
        "2501.10002": ("confirmed", "dblp:journals/spl/Vermeulen25"),
        "2501.10003": ("confirmed", "dblp:conf/acl/NovakH25"),
        "2501.10004": ("candidates", None),
        "2501.10005": ("none", None),
    }
    assert "    dblp:conf/slt/RossiT25 (SLT 2025): another first author: Maria Rossi (pin it " \
           "with `published: dblp:conf/slt/RossiT25`)" in result.stdout
    bib = (root / "references.bib").read_text(encoding="utf-8")
    assert "@article{defossez2024moshi," in bib and "SLT" not in bib
    assert "Speech Synthesis Workshop" not in bib
    textually = bib.split("@inproceedings{hassid2023textually,", 1)[1].split("\n}\n", 1)[0]
    assert "Neural Information Processing Systems" in textually
    assert "Signal Processing Letters" not in textually
    homonyms = bib.split("@inproceedings{li2025streaming,", 1)[1].split("\n}\n", 1)[0]
    assert "author = {Li, Wei and Zhang, Mei}" in homonyms
    assert "doi = {10.21437/Interspeech.2025-9001}" in homonyms
