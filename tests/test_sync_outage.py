"""When arXiv cannot be trusted or reached: its outage mode, and a first sync without network.

In its outage mode arXiv answers every request with an empty feed: ids whose metadata is
stored, or that only ever came back in empty answers, are failures, never "unknown"; probing
stops after a few empty answers in a row; nothing changes. A first sync without network names
the failure once (endpoint and cause), shows its retries, writes nothing and exits 1.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from speechlm_bib.sources.arxiv import EMPTY_PROBES

from arxiv_server import ArxivReplayServer, Fault
from conftest import SURVEY_README, Cli, run_subprocess, tree_bytes
from scholarly_server import ReplayServer

Servers = tuple[ReplayServer, ReplayServer]
NOWHERE = "http://127.0.0.1:9/api/query"


@pytest.fixture
def outage(arxiv: ArxivReplayServer, monkeypatch: pytest.MonkeyPatch) -> ArxivReplayServer:
    """arXiv answering every request with an empty feed; one retry."""
    monkeypatch.setenv("SPEECHLM_BIB_ARXIV_RETRIES", "1")
    arxiv.fail_ids({arxiv_id: Fault.empty() for arxiv_id in arxiv.ids})
    return arxiv


def test_refresh_during_an_outage_fails_names_the_ids_and_changes_nothing(
        outage: ArxivReplayServer, survey_scholarly: Servers, survey_repo: Path,
        run: Cli) -> None:
    before = tree_bytes(survey_repo)

    result = run("sync", "--refresh", root=survey_repo)

    assert result.exit_code == 1
    assert result.stdout.startswith("0 added, 0 changed, 0 unchanged, 0 already stored "
                                    "(not fetched), 0 unknown to arXiv, 81 failed")
    failure = result.stderr.splitlines()[-1]
    assert failure.startswith(f"speechlm-bib: sync incomplete: 81 arXiv ids could not be "
                              f"fetched from {outage.url} (")
    assert "and 71 more (-v lists them all); nothing was written; run sync again" in failure
    assert tree_bytes(survey_repo) == before
    # The batch's own two tries, then at most EMPTY_PROBES halves: not 165 requests.
    assert len(outage.requests) == 2 + EMPTY_PROBES
    assert all(server.requests == [] for server in survey_scholarly)


def test_an_outage_stops_probing_and_leaves_later_batches_unasked(
        outage: ArxivReplayServer, survey_repo: Path, run: Cli,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPEECHLM_BIB_ARXIV_BATCH", "20")
    before = tree_bytes(survey_repo)

    result = run("-v", "sync", "--refresh", root=survey_repo)

    assert result.exit_code == 1
    assert len(outage.requests) == 2 + EMPTY_PROBES
    assert ("  failed 81 ids: arXiv gave 5 empty answers in a row (its outage mode); not asked "
            "further") in result.stdout
    failed = json.loads(run("sync", "--refresh", "--format", "json",
                            root=survey_repo).stdout)["arxiv"]["failed"]
    assert len(failed) == 81 and set(failed) == set(outage.ids) & set(failed)
    assert tree_bytes(survey_repo) == before


def test_an_unknown_id_beside_known_ones_is_still_unknown(
        arxiv: ArxivReplayServer, survey_repo: Path, run: Cli) -> None:
    """arXiv answering with the others but not this one: that, and only that, is unknown."""
    (survey_repo / "entries" / "models" / "990-ghost.yaml").write_text(
        "name: Ghost\narxiv: '2501.99999'\n", encoding="utf-8")

    result = run("sync", "--refresh", "--arxiv-only", root=survey_repo)

    assert result.exit_code == 0, result.output
    assert "81 unchanged" in result.stdout and "1 unknown to arXiv" in result.stdout
    assert "  unknown 2501.99999: arXiv does not know this id" in result.stdout


def test_a_lone_new_id_answered_empty_is_not_taken_for_unknown(
        arxiv: ArxivReplayServer, survey_repo: Path, run: Cli,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPEECHLM_BIB_ARXIV_RETRIES", "1")
    (survey_repo / "entries" / "models" / "990-ghost.yaml").write_text(
        "name: Ghost\narxiv: '2501.99999'\n", encoding="utf-8")
    before = tree_bytes(survey_repo)

    result = run("sync", root=survey_repo)

    assert result.exit_code == 1
    assert ("  failed 2501.99999: arXiv answered with no entry for it (an unknown id, or "
            "arXiv's outage mode)") in result.stdout
    assert tree_bytes(survey_repo) == before


# ----------------------------------------------------------------------------- no network


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    """A repository just imported from the survey's README: nothing synced yet."""
    root = tmp_path / "fresh"
    root.mkdir()
    result = run_subprocess("import", SURVEY_README, cwd=root)
    assert result.returncode == 0, result.stderr
    return root


def _offline(**settings: str) -> dict[str, str]:
    return {**os.environ, "SPEECHLM_BIB_ARXIV_API": NOWHERE, "SPEECHLM_BIB_ARXIV_RETRIES": "1",
            "SPEECHLM_BIB_ARXIV_DELAY": "1", "SPEECHLM_BIB_CROSSREF_API": NOWHERE,
            "SPEECHLM_BIB_CROSSREF_RETRIES": "0", "SPEECHLM_BIB_DBLP_API": NOWHERE,
            "SPEECHLM_BIB_DBLP_RETRIES": "0", "SPEECHLM_BIB_DBLP_DELAY": "0", **settings}


PINNED = ("doi:10.18653/v1/2024.acl-long.97, doi:10.1162/tacl_a_00545, "
          "doi:10.1162/tacl_a_00430")
"""The published versions the imported README's links pin (an Anthology page, two TACL DOIs)."""
TITLED = ("entries/existing_speechlms/170-minicpm-o.yaml, entries/existing_speechlms/260-parrot"
          ".yaml, entries/existing_speechlms/270-moshi.yaml, entries/existing_speechlms/340-"
          "spectron.yaml, entries/existing_speechlms/380-voxtlm.yaml, entries/existing_speechlms/"
          "410-voicebox.yaml, entries/existing_speechlms/440-twist.yaml")
"""The imported rows linked to nothing whose title is long enough to be searched in DBLP."""


def test_a_first_sync_without_network_says_why_once_and_writes_nothing(imported: Path) -> None:
    before = tree_bytes(imported)

    result = run_subprocess("sync", cwd=imported, env=_offline())

    assert result.returncode == 1
    cause, count = "connection failed (ConnectionError)", len(_ids(imported))
    assert result.stderr.splitlines() == [
        f"speechlm-bib: arXiv ({NOWHERE}): {cause}; retrying in 1 s (retry 1 of 1)",
        f"speechlm-bib: sync incomplete: {count} arXiv ids could not be fetched from {NOWHERE} "
        f"({cause}): {_first_ten(imported)} and {count - 10} more (-v lists them all); "
        "nothing was written; run sync again",
        f"speechlm-bib: sync incomplete: 7 rows could not be searched by title (DBLP ({NOWHERE}): "
        f"{cause}; DBLP ({NOWHERE}): not asked after 3 failures in a row ({cause})): {TITLED}; "
        "nothing was stored for them; run sync again",
        f"speechlm-bib: sync incomplete: 3 published versions could not be looked up (Crossref "
        f"({NOWHERE}): {cause}): {PINNED}; nothing was stored for them; run sync again",
    ]
    assert result.stdout.splitlines() == [
        "0 added, 0 changed, 0 unchanged, 0 already stored (not fetched), 0 unknown to arXiv, "
        f"{count} failed",
        f"  failed {count} ids: {cause} (-v lists them)",
        "rows linked to nothing, searched by title: 0 linked, 0 with candidates (none chosen), "
        "0 not found, 4 too short to search, 0 searched before, 7 failed (DBLP 3 requests)",
        "  4 more rows left unlinked (-v lists them)",
        f"  failed 3 rows: DBLP ({NOWHERE}): {cause} (-v lists them)",
        f"  failed 4 rows: DBLP ({NOWHERE}): not asked after 3 failures in a row ({cause}) "
        "(-v lists them)",
        "published versions: 0 upgraded, 0 with candidates (none chosen), 0 without, 3 failed "
        "(DBLP 0, Crossref 3 requests)",
        f"  failed 3 ids: Crossref ({NOWHERE}): {cause} (-v lists them)",
    ]
    assert tree_bytes(imported) == before
    assert not (imported / "data").exists()


def test_verbose_and_json_name_every_failed_id(imported: Path) -> None:
    verbose = run_subprocess("-v", "sync", cwd=imported, env=_offline())
    summary = run_subprocess("sync", "--format", "json", cwd=imported, env=_offline())

    ids = _ids(imported)
    assert verbose.returncode == summary.returncode == 1
    assert f"    {', '.join(ids)}" in verbose.stdout.splitlines()
    assert f"({'connection failed (ConnectionError)'}): {', '.join(ids)}; nothing was written" \
        in verbose.stderr
    failed = json.loads(summary.stdout)["arxiv"]["failed"]
    assert sorted(failed) == sorted(ids)
    assert set(failed.values()) == {"connection failed (ConnectionError)"}


def _ids(root: Path) -> list[str]:
    """The arXiv ids of the entries, in list order."""
    from speechlm_bib.store.repository import load_repository
    from speechlm_bib.sync import ids_to_fetch

    return ids_to_fetch(load_repository(root))


def _first_ten(root: Path) -> str:
    return ", ".join(_ids(root)[:10])
