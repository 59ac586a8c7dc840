"""A settled repository is not built again; any change to what build reads or writes is."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from speechlm_bib.services import repository as repository_service
from speechlm_bib.services import sync as sync_service
from speechlm_bib.store.cache import CACHE_DIR

from arxiv_server import ArxivReplayServer
from conftest import Cli, copy_survey, is_pinned, run_subprocess, tree_bytes, unpin_keys

Change = Callable[[Path], None]


def _refuse(what: str) -> Callable[..., object]:
    def refused(*args: object, **kwargs: object) -> object:
        raise AssertionError(f"a settled repository was {what} again")
    return refused


def _replace(name: str, old: str, new: str) -> Change:
    def change(root: Path) -> None:
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return change


def _retitle(root: Path) -> None:
    store = root / "data" / "arxiv.json"
    data = json.loads(store.read_text(encoding="utf-8"))
    data["2410.00037"]["title"] = "Moshi, retitled"
    store.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _touch_bib(root: Path) -> None:
    with (root / "references.bib").open("a", encoding="utf-8") as handle:
        handle.write("% edited by hand\n")


CHANGES: dict[str, Change] = {
    "an entry": _replace("entries/models/270-moshi.yaml", "name: Moshi", "name: Moshi 2"),
    "the stored metadata": _retitle,
    "a hand record": _replace("entries/records.bib", "Advanced Voice Mode {FAQ}",
                              "Advanced Voice Mode, {FAQ}"),
    "the list": _replace("entries/list.yaml", "heading: Existing SpeechLMs",
                         "heading: Speech Language Models"),
    "the list's bytes alone": _replace("entries/list.yaml", "key_column: true",
                                       "key_column:  true"),
    "references.bib by hand": _touch_bib,
    "README.md by hand": _replace("README.md", "| Moshi |", "| Moshi (edited) |"),
    "CITATION.cff removed": lambda root: (root / "CITATION.cff").unlink(),
}


def test_a_build_of_a_settled_repository_links_and_writes_nothing(
        run: Cli, survey_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("build", root=survey_repo).output == "nothing to write\n"
    before = tree_bytes(survey_repo)
    monkeypatch.setattr(repository_service, "link_library", _refuse("linked"))
    for args in (("build",), ("build", "--check")):
        (survey_repo / CACHE_DIR / "answers.cache").unlink(missing_ok=True)
        assert run(*args, root=survey_repo).exit_code == 0
    assert tree_bytes(survey_repo) == before


@pytest.mark.parametrize("what", CHANGES)
def test_a_change_to_what_build_reads_or_writes_is_built_again(
        run: Cli, survey_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        what: str) -> None:
    assert run("build", root=survey_repo).exit_code == 0  # settled
    CHANGES[what](survey_repo)
    assert run("build", root=survey_repo).exit_code == 0

    fresh = copy_survey(tmp_path / "fresh")
    CHANGES[what](fresh)
    monkeypatch.setenv("SPEECHLM_BIB_CACHE", "off")
    assert run("build", root=fresh).exit_code == 0
    assert tree_bytes(survey_repo) == tree_bytes(fresh)


def test_build_check_of_a_settled_repository_sees_a_hand_edit(
        run: Cli, survey_repo: Path) -> None:
    assert run("build", "--check", root=survey_repo).output == "up to date\n"
    CHANGES["README.md by hand"](survey_repo)
    result = run("build", "--check", root=survey_repo)
    assert (result.exit_code, result.stderr) == (
        1, "out of date: README.md (run `speechlm-bib build`)\n")


def test_a_verbose_build_of_a_settled_repository_logs_what_it_logs(
        survey_repo: Path) -> None:
    store = survey_repo / "data" / "arxiv.json"
    data = json.loads(store.read_text(encoding="utf-8"))
    del data["1706.08612"]
    store.write_text(json.dumps(data), encoding="utf-8")
    env = {**os.environ, "SPEECHLM_BIB_CACHE": "on"}
    assert run_subprocess("build", cwd=survey_repo, env=env).returncode == 0
    verbose = run_subprocess("-v", "build", cwd=survey_repo, env=env)
    assert verbose.returncode == 0
    assert "arXiv 1706.08612 has no stored metadata; run sync" in verbose.stderr


def test_an_unchanged_sync_of_a_settled_repository_plans_nothing(
        survey_repo: Path, arxiv: ArxivReplayServer, run: Cli,
        monkeypatch: pytest.MonkeyPatch) -> None:
    (survey_repo / "references.bib").unlink()
    assert run("sync", "--arxiv-only", root=survey_repo).exit_code == 0  # writes it: settled
    before = tree_bytes(survey_repo)
    real_plan = sync_service._sync_plan
    monkeypatch.setattr(sync_service, "_sync_plan", _refuse("planned"))
    assert run("sync", "--arxiv-only", root=survey_repo).exit_code == 0
    assert tree_bytes(survey_repo) == before
    assert arxiv.requests == []

    monkeypatch.setattr(sync_service, "_sync_plan", real_plan)
    CHANGES["README.md by hand"](survey_repo)
    assert run("sync", "--arxiv-only", root=survey_repo).exit_code == 0
    assert tree_bytes(survey_repo) == before


def test_a_sync_that_wrote_files_leaves_the_repository_settled(
        survey_repo: Path, arxiv: ArxivReplayServer, run: Cli,
        monkeypatch: pytest.MonkeyPatch) -> None:
    (survey_repo / "data" / "arxiv.json").unlink()
    (survey_repo / "references.bib").unlink()
    unpinned = unpin_keys(survey_repo, 3)
    result = run("sync", root=survey_repo)
    assert result.exit_code == 0, result.output
    assert (survey_repo / "data" / "arxiv.json").exists()
    assert (survey_repo / "references.bib").exists()
    assert all(is_pinned(path) for path in unpinned)
    before = tree_bytes(survey_repo)
    with monkeypatch.context() as off:
        off.setenv("SPEECHLM_BIB_CACHE", "off")
        assert run("build", "--check", root=survey_repo).output == "up to date\n"

    monkeypatch.setattr(repository_service, "link_library", _refuse("linked"))
    monkeypatch.setattr(sync_service, "_sync_plan", _refuse("planned"))
    assert run("build", root=survey_repo).output == "nothing to write\n"
    assert run("sync", root=survey_repo).exit_code == 0
    assert tree_bytes(survey_repo) == before
    assert len(arxiv.requests) == 1
