"""The benchmark script runs: its generator makes a valid repository, its table has every row."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from arxiv_server import ArxivReplayServer
from browser import needs_browser
from conftest import Cli

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import run as bench
import synth
import texscan


def test_generated_repository_syncs_in_one_request_and_builds(
        tmp_path: Path, run: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    replay = synth.generate(tmp_path, 7)
    assert len(replay) == 7
    with ArxivReplayServer(replay) as server:
        monkeypatch.setenv("SPEECHLM_BIB_ARXIV_API", server.url)
        monkeypatch.setenv("SPEECHLM_BIB_ARXIV_DELAY", "0")
        result = run("sync", "--arxiv-only", root=tmp_path)
        assert result.exit_code == 0, result.stderr
        assert result.stdout.startswith("7 added, 0 changed")
        assert len(server.requests) == 1
    bib = (tmp_path / "references.bib").read_text(encoding="utf-8")
    keys = re.findall(r"^@\w+\{([^,]+),", bib, re.MULTILINE)
    # seven arXiv works (two in published form), two web pages and the survey itself
    assert len(keys) == 10
    assert synth.SURVEY_KEY in keys
    assert "booktitle = {Proceedings of Interspeech}" in bib


def test_synced_repository_is_what_a_sync_leaves(tmp_path: Path, run: Cli) -> None:
    synced, fetched = tmp_path / "synced", tmp_path / "fetched"
    replay = synth.generate(synced, 12, synced=True)
    assert replay == synth.generate(fetched, 12)
    assert run("build", root=synced).exit_code == 0
    with ArxivReplayServer(replay) as server, pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPEECHLM_BIB_ARXIV_API", server.url)
        patch.setenv("SPEECHLM_BIB_ARXIV_DELAY", "0")
        assert run("sync", "--arxiv-only", root=fetched).exit_code == 0
    for name in ("references.bib", "data/arxiv.json"):
        assert (synced / name).read_bytes() == (fetched / name).read_bytes()
    paper = (synced / "paper.tex").read_text(encoding="utf-8")
    cited = set(re.findall(r"\\cite\{([^}]*)\}", paper)[0].split(","))
    bib = (synced / "references.bib").read_text(encoding="utf-8")
    assert cited == set(re.findall(r"^@\w+\{([^,]+),", bib, re.MULTILINE))


def test_quick_run_prints_every_row(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--sync-sizes", "30", "--sizes", "40", "--repeat", "1",
                       "--survey-repeat", "1", "--no-peers"]) == 0
    table = capsys.readouterr().out
    rows = {tuple(cell.strip() for cell in line.strip("|").split("|")[:4])
            for line in table.splitlines() if line.startswith("| ")}
    assert {("sync: first", "30", "varied", "1"), ("sync: unchanged re-sync", "30", "varied", "0"),
            ("sync: unchanged re-sync, again", "30", "varied", "0"),
            ("sync: --refresh", "30", "varied", "1")} <= rows
    for label in ("build --check", "check"):
        for case in ("unchanged, warm cache", "one entry edited, warm cache", "no cache"):
            assert (f"survey: {label}, {case}", "survey", "", "") in rows
    for corpus in synth.CORPORA:
        assert {(label, "40", corpus, "") for label in bench.OURS} <= rows


def test_targets_compare_figures_of_the_same_run() -> None:
    fast, slow, tidy = bench.Figures(1.0, 100), bench.Figures(2.5, 300), bench.Figures(2.2, 250)
    results: bench.Results = {(10_000, "varied"): {"build, warm cache": fast, "bibtex-tidy": tidy},
                              (100_000, "varied"): {"build, warm cache": slow}}
    assert bench._target("build, warm cache", 10_000, "varied", fast, results) == (
        "<= 0.5x bibtex-tidy, < 250 MB", "met (0.45x)")
    assert bench._target("build, warm cache", 10_000, "varied", slow, results)[1] == (
        "NOT MET (1.14x)")
    assert bench._target("build, warm cache", 100_000, "varied", slow, results)[1] == (
        "met (2.5x time, 3.0x memory)")
    resync = bench.Row("sync: unchanged re-sync", "10,000", "varied", "0", "1.10", "90")
    row, = bench.sync_against_build([resync], results)
    assert (row.target, row.note) == ("0 requests, <= build", "NOT MET (1.10x build)")


@pytest.mark.browser
@needs_browser
def test_site_speed_measures_every_keystroke(capsys: pytest.CaptureFixture[str]) -> None:
    import site_speed

    assert site_speed.main(["--sizes", "300", "--repeat", "1", "--no-survey"]) == 0
    table = capsys.readouterr().out
    row = next(line for line in table.splitlines() if line.startswith("| synthetic 300"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    keystrokes = sum(len(query) for query in site_speed.QUERIES)
    assert cells[1] == "302" and cells[5] == str(keystrokes)
    median, p90, peak = (float(cell) for cell in cells[6:9])
    assert 0 < median <= p90 <= peak


def test_texscan_prints_a_row_per_paper(capsys: pytest.CaptureFixture[str]) -> None:
    assert texscan.main(["--sizes", "40"]) == 0
    rows = [line.split("|")[1:-1] for line in capsys.readouterr().out.splitlines()[2:]]
    assert [row[0].strip() for row in rows] == [
        "synth paper.tex, N = 40", "prose, N = 40", "prose, harder forms, N = 40"]
    assert [int(row[2].replace(",", "")) for row in rows] == [43, 40, 40]


def test_adversarial_corpus_draws_from_few_words_and_families(tmp_path: Path, run: Cli) -> None:
    works = synth.make_works(300, corpus="adversarial")
    words = {word.lower() for w in works for word in w.meta.title.split()}
    families = {author.split()[-1] for w in works for author in w.meta.authors}
    assert words == set(synth._FEW_WORDS)
    assert len(families) <= 10
    assert synth.make_works(300) != works
    synth.generate(tmp_path, 50, synced=True, corpus="adversarial")
    assert run("build", root=tmp_path).exit_code == 0
    with pytest.raises(ValueError, match="unknown corpus"):
        synth.make_works(1, corpus="other")
